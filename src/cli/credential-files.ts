/**
 * Files that hold credentials: reading access tokens, token pairs and client secrets, and
 * writing new ones with mode 0600 through a temporary file and an atomic rename.
 */
import { randomBytes } from "node:crypto";
import { access, constants, link, open, readFile, realpath, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { registerSecret } from "../redact.js";
import { InvalidInputError } from "../transport/errors.js";

/** Environment variable that contains the client secret when `--secret-file` is not given. */
export const CLIENT_SECRET_ENV = "WEBEX_CLIENT_SECRET";

/**
 * The JSON written by `apps token --out` and `apps refresh --out`: Webex's five token fields
 * as Webex returns them, plus metadata that lets `apps refresh` run without repeating the app
 * id and shows expiry without arithmetic.
 */
export interface TokenPairFile {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
  token_type: string;
  /** When the pair was issued, ISO 8601. */
  obtainedAt?: string;
  /** When the access token expires, ISO 8601. */
  accessExpiresAt?: string;
  /** When the refresh token expires, ISO 8601. */
  refreshExpiresAt?: string;
  /** Service app the pair belongs to. */
  appId?: string;
  clientId?: string;
  /** Org the pair acts in (base64 id). */
  orgId?: string;
}

/** An access token read from a `--token-file`, with the parsed file when it contains JSON. */
export interface TokenFileContent {
  accessToken: string;
  /** The parsed JSON file; only `access_token` is sure to be present. */
  pair?: Partial<TokenPairFile> & { access_token: string };
}

const FILE_ERROR_REASONS: Record<string, string> = { ENOENT: "no such file", EACCES: "permission denied" };

/** Content each kind of credential file must have, for the message about an empty one. */
const TOKEN_FILE_CONTENT = 'Put the access token in it, or use the JSON file written by "wxadmin apps token APP_ID --org ORG_ID --out FILE".';
const PAIR_FILE_CONTENT = 'Give the file written by "wxadmin apps token APP_ID --org ORG_ID --out FILE", or run that command to write a new pair.';
const SECRET_FILE_CONTENT =
  `Put the app's client secret in it, or set ${CLIENT_SECRET_ENV} instead. ` +
  'A lost secret cannot be read again; replace it with: wxadmin apps regenerate-secret APP_ID --secret-out FILE (the old secret then stops working).';

/** Receives warnings about credential files, such as permissive modes. */
export type WarningSink = (message: string) => void;

/**
 * Reads an access token from `path`: either a file that contains only the token, or the JSON
 * pair written by `apps token --out`. Warns through `warn` when other users can read the file.
 *
 * @throws InvalidInputError when the file is missing, empty or in neither form.
 */
export async function readTokenFile(path: string, warn: WarningSink): Promise<TokenFileContent> {
  const text = await readCredentialFile(path, "token file", warn, TOKEN_FILE_CONTENT);
  if (text.startsWith("{")) {
    const pair = parseTokenPair(text, path, false);
    registerSecret(pair.access_token);
    registerSecret(pair.refresh_token);
    return { accessToken: pair.access_token, pair };
  }

  if (/\s/.test(text)) {
    throw new InvalidInputError(
      `Invalid token file ${path}: it contains more than one word. Expected only the access token, or the JSON written by "wxadmin apps token --out".`,
    );
  }
  registerSecret(text);
  return { accessToken: text };
}

/**
 * Reads the token pair JSON written by `apps token --out` or `apps refresh --out`.
 *
 * @throws InvalidInputError when the file is missing or is not such a pair.
 */
export async function readTokenPairFile(path: string, warn: WarningSink): Promise<TokenPairFile> {
  const text = await readCredentialFile(path, "token pair file", warn, PAIR_FILE_CONTENT);
  if (!text.startsWith("{")) {
    throw new InvalidInputError(
      `Token pair file ${path} is not JSON; give the file written by "wxadmin apps token --out FILE".`,
    );
  }
  const pair = parseTokenPair(text, path, true);
  registerSecret(pair.access_token);
  registerSecret(pair.refresh_token);
  return pair;
}

/** A client secret and its source; messages name the source and never the secret. */
export interface ClientSecret {
  value: string;
  /** `file PATH` or `environment variable WEBEX_CLIENT_SECRET`. */
  source: string;
  /** The `--secret-file` path, when the secret came from a file. */
  file?: string;
}

/**
 * Reads the client secret from `secretFile` when given, else from `WEBEX_CLIENT_SECRET`.
 *
 * @throws InvalidInputError when neither is set or the file cannot be read.
 */
export async function readClientSecret(
  secretFile: string | undefined,
  env: NodeJS.ProcessEnv,
  warn: WarningSink,
): Promise<ClientSecret> {
  if (secretFile !== undefined) {
    const value = await readCredentialFile(secretFile, "client secret file", warn, SECRET_FILE_CONTENT);
    if (/\s/.test(value)) {
      throw new InvalidInputError(`Invalid client secret file ${secretFile}: it contains more than one word. Expected only the secret.`);
    }
    registerSecret(value);
    return { value, source: `file ${secretFile}`, file: secretFile };
  }

  const value = env[CLIENT_SECRET_ENV]?.trim();
  if (value) {
    registerSecret(value);
    return { value, source: `environment variable ${CLIENT_SECRET_ENV}` };
  }
  throw new InvalidInputError(
    `Missing client secret: pass --secret-file FILE or set ${CLIENT_SECRET_ENV}. A client secret is never taken from a command-line flag.`,
  );
}

/**
 * Checks, before any request is sent, that `path` can be written later: its directory exists
 * and is writable, and the file does not exist unless `overwrite` is true. Running this first
 * keeps a just-created secret from being lost to a bad path.
 *
 * @throws InvalidInputError naming the path and the fix.
 */
export async function assertWritableTarget(path: string, overwrite: boolean, flag: string): Promise<void> {
  const directory = dirname(resolve(path));
  try {
    await access(directory, constants.W_OK);
  } catch {
    throw new InvalidInputError(`Cannot write ${flag} ${path}: directory ${directory} does not exist or is not writable.`);
  }

  if (!overwrite && (await exists(path))) {
    throw new InvalidInputError(`${flag} ${path} already exists; pass --force to replace it, or choose another path.`);
  }
}

/**
 * Writes `content` to `path` with mode 0600. The data goes to a temporary file in the same
 * directory first and is then moved into place, so readers never see a partial file. Without
 * `overwrite`, the move fails when `path` exists (a hard link cannot replace a file).
 *
 * @throws InvalidInputError when `path` exists and `overwrite` is false.
 */
export async function writePrivateFile(path: string, content: string, overwrite: boolean): Promise<void> {
  const target = resolve(path);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);

  const handle = await open(temporary, "wx", 0o600);
  try {
    // The mode given to open() is reduced by the umask; chmod sets it exactly.
    await handle.chmod(0o600);
    await handle.writeFile(content, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }

  try {
    await moveIntoPlace(temporary, target, overwrite);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** Returns true when `a` and `b` name the same existing file. */
export async function isSameFile(a: string, b: string): Promise<boolean> {
  try {
    return (await realpath(a)) === (await realpath(b));
  } catch {
    return resolve(a) === resolve(b);
  }
}

/** Serializes a token pair file with a trailing newline. */
export function formatTokenPairFile(pair: TokenPairFile): string {
  return `${JSON.stringify(pair, null, 2)}\n`;
}

async function moveIntoPlace(temporary: string, target: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await rename(temporary, target);
    return;
  }

  try {
    await link(temporary, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      throw new InvalidInputError(`${target} already exists; pass --force to replace it, or choose another path.`);
    }
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS") {
      throw error;
    }
    // Some file systems have no hard links: fall back to a check followed by a rename.
    if (await exists(target)) {
      throw new InvalidInputError(`${target} already exists; pass --force to replace it, or choose another path.`);
    }
    await rename(temporary, target);
  }
}

/**
 * Reads a credential file and returns its trimmed text, warning when other users can read it.
 *
 * @param emptyHint the next step when the file is empty: what it must contain
 * @throws InvalidInputError when the file is missing, not a regular file, unreadable or empty
 */
async function readCredentialFile(path: string, what: string, warn: WarningSink, emptyHint: string): Promise<string> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      throw new InvalidInputError(`Cannot read ${what} ${path}: it is not a regular file.`);
    }
    warnIfReadableByOthers(path, info.mode, what, warn);
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof InvalidInputError) {
      throw error;
    }
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    const reason = FILE_ERROR_REASONS[code] ?? code;
    throw new InvalidInputError(`Cannot read ${what} ${path}: ${reason}. Check the path.`);
  }

  const trimmed = text.trim();
  if (trimmed.length === 0) {
    throw new InvalidInputError(`The ${what} ${path} is empty. ${emptyHint}`);
  }
  return trimmed;
}

function warnIfReadableByOthers(path: string, mode: number, what: string, warn: WarningSink): void {
  if ((mode & 0o044) === 0) {
    return;
  }
  const octal = (mode & 0o777).toString(8).padStart(4, "0");
  warn(`The ${what} ${path} is readable by other users (mode ${octal}); restrict it with: chmod 600 ${path}`);
}

function parseTokenPair(text: string, path: string, isRefreshTokenRequired: boolean): TokenPairFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidInputError(`Token file ${path} starts with "{" but is not valid JSON.`);
  }

  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidInputError(`Invalid token file ${path}: the JSON is not an object.`);
  }
  const record = value as Record<string, unknown>;
  if (typeof record.access_token !== "string" || record.access_token.length === 0) {
    throw new InvalidInputError(`Token file ${path} has no "access_token" string.`);
  }
  if (isRefreshTokenRequired && (typeof record.refresh_token !== "string" || record.refresh_token.length === 0)) {
    throw new InvalidInputError(`Token file ${path} has no "refresh_token" string.`);
  }
  return record as unknown as TokenPairFile;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
