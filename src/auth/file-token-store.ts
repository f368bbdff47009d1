/**
 * A token store in one JSON file, safe to share between processes:
 * `{"version": 1, "entries": {"<clientId>|<orgId>": StoredToken}}`.
 *
 * The folder is created with mode 0700 and the file with 0600, and a file or folder that other
 * users can read is rejected. Every change is a read-modify-write under a cross-process lock.
 * The new contents go to a temporary file in the same folder, which is synced and renamed over
 * the store, so a crash at any moment leaves either the old or the new file.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { silentLogger, type Logger } from "../logger.js";
import { InvalidInputError } from "../transport/errors.js";
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STALE_LOCK_MS, withFileLock } from "./file-lock.js";
import {
  KeyedMutex,
  maskStoredTokenInspection,
  compareEntries,
  tokenStoreKey,
  validateStoredToken,
  type StoredToken,
  type TokenStore,
  type TokenStoreKey,
} from "./token-store.js";

/** Version of the file format this code reads and writes. */
export const TOKEN_STORE_FILE_VERSION = 1;

/** Options of `FileTokenStore`. */
export interface FileTokenStoreOptions {
  /** Path of the JSON file. Default `FileTokenStore.defaultPath()`. */
  path?: string;
  /** How long to wait for a lock held by another process, in milliseconds. Default 10,000. */
  lockTimeoutMs?: number;
  /**
   * Age in milliseconds past which a lock counts as left behind by a crashed process and is
   * removed. A lock whose process is gone on this host is removed at once. Default 30,000.
   */
  staleLockMs?: number;
  /** Receives a warn line when a stale lock is removed. Default silent. */
  logger?: Logger;
}

/** The parsed file: entries by `tokenStoreKey`. */
type StoreContents = Map<string, StoredToken>;

/** Permission bits that must be clear on the file: any access for group or others. */
const FILE_FORBIDDEN_MODE = 0o077;
/** Permission bits that must be clear on the folder: read or write for group or others. */
const FOLDER_FORBIDDEN_MODE = 0o066;

/** In-process lock name of the whole file. Entry keys always contain `|`, so they differ from it. */
const FILE_MUTEX_KEY = "file";

/** A token store in a JSON file, locked across processes. */
export class FileTokenStore implements TokenStore {
  /** Absolute path of the JSON file. */
  readonly path: string;
  readonly #folder: string;
  readonly #lockTimeoutMs: number;
  readonly #staleLockMs: number;
  readonly #logger: Logger;
  /** Serializes this instance's callers before they contend for the lock files. */
  readonly #mutex = new KeyedMutex();

  constructor(options: FileTokenStoreOptions = {}) {
    this.path = path.resolve(options.path ?? FileTokenStore.defaultPath());
    this.#folder = path.dirname(this.path);
    this.#lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    this.#staleLockMs = options.staleLockMs ?? DEFAULT_STALE_LOCK_MS;
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * Returns the default file path: `$WXADMIN_TOKEN_STORE`, else
   * `$XDG_CONFIG_HOME/wxadmin/tokens.json`, else `%APPDATA%\wxadmin\tokens.json` on Windows,
   * else `~/.config/wxadmin/tokens.json`.
   */
  static defaultPath(env: NodeJS.ProcessEnv = process.env): string {
    if (env.WXADMIN_TOKEN_STORE) {
      return path.resolve(env.WXADMIN_TOKEN_STORE);
    }
    if (env.XDG_CONFIG_HOME) {
      return path.join(env.XDG_CONFIG_HOME, "wxadmin", "tokens.json");
    }
    if (process.platform === "win32" && env.APPDATA) {
      return path.join(env.APPDATA, "wxadmin", "tokens.json");
    }
    return path.join(env.HOME || homedir(), ".config", "wxadmin", "tokens.json");
  }

  /** @throws InvalidInputError when the file or folder is readable by others, or the file is invalid */
  async get(key: TokenStoreKey): Promise<StoredToken | undefined> {
    const contents = await this.#read();
    const entry = contents.get(tokenStoreKey(key.clientId, key.orgId));
    return entry === undefined ? undefined : maskStoredTokenInspection(entry);
  }

  /** @throws InvalidInputError when the entry is incomplete, the file or folder is readable by others, or the file is invalid */
  async set(entry: StoredToken): Promise<void> {
    const checked = validateStoredToken(entry, "The token entry");
    await this.#update((contents) => {
      contents.set(tokenStoreKey(checked.clientId, checked.orgId), checked);
      return true;
    });
  }

  /** @throws InvalidInputError when the file or folder is readable by others, or the file is invalid */
  async delete(key: TokenStoreKey): Promise<boolean> {
    let deleted = false;
    await this.#update((contents) => {
      deleted = contents.delete(tokenStoreKey(key.clientId, key.orgId));
      return deleted;
    });
    return deleted;
  }

  /** @throws InvalidInputError when the file or folder is readable by others, or the file is invalid */
  async list(): Promise<StoredToken[]> {
    const contents = await this.#read();
    return [...contents.values()].map(maskStoredTokenInspection).sort(compareEntries);
  }

  /**
   * Runs `work` holding the lock of `key` in this process and the lock file of `key` next to
   * the store, so other processes wait. Entries of other keys stay writable meanwhile.
   *
   * @throws TimeoutError when another process holds the lock for longer than `lockTimeoutMs`
   */
  async withLock<T>(key: TokenStoreKey, work: () => Promise<T>): Promise<T> {
    const storeKey = tokenStoreKey(key.clientId, key.orgId);
    // A nested call for the same key runs at once: the outer call holds both locks.
    if (this.#mutex.isHeld(storeKey)) {
      return work();
    }
    return this.#mutex.run(storeKey, async () => {
      await this.#ensureFolder();
      return withFileLock(this.#keyLockPath(storeKey), work, this.#lockOptions());
    });
  }

  describe(): string {
    return `file store ${this.path}`;
  }

  /** Reads the file, or returns no entries when it does not exist. Takes no lock: writes are atomic renames. */
  async #read(): Promise<StoreContents> {
    let text: string;
    try {
      await this.#checkFolderMode();
      await this.#checkFileMode();
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if (errorCode(error) === "ENOENT") {
        return new Map();
      }
      throw error;
    }
    return this.#parse(text);
  }

  /**
   * Applies `change` to the current contents under the file lock and writes the result when
   * `change` returns true.
   */
  async #update(change: (contents: StoreContents) => boolean): Promise<void> {
    await this.#mutex.run(FILE_MUTEX_KEY, async () => {
      await this.#ensureFolder();
      await withFileLock(
        `${this.path}.lock`,
        async () => {
          const contents = await this.#read();
          if (!change(contents)) {
            return;
          }
          await this.#removeLeftoverTempFiles();
          await this.#writeAtomically(serialize(contents));
        },
        this.#lockOptions(),
      );
    });
  }

  #parse(text: string): StoreContents {
    const contents: StoreContents = new Map();
    if (text.trim() === "") {
      return contents;
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // The parser's message quotes the text around the error, which may be part of a token.
      throw new InvalidInputError(
        `The token store ${this.path} is not valid JSON, so it was left unchanged. ` +
          `Restore it from a backup or move it aside, then store the tokens again with \`wxadmin token fetch\`.`,
      );
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw this.#formatError("is not a JSON object");
    }

    const record = parsed as Record<string, unknown>;
    if (typeof record.version === "number" && record.version > TOKEN_STORE_FILE_VERSION) {
      throw new InvalidInputError(
        `The token store ${this.path} has format version ${record.version}, written by a newer wxadmin; ` +
          `this version reads format ${TOKEN_STORE_FILE_VERSION}. Upgrade wxadmin, or point it at another store file.`,
      );
    }
    if (record.version !== TOKEN_STORE_FILE_VERSION) {
      throw this.#formatError(`has no valid version; expected "version": ${TOKEN_STORE_FILE_VERSION}`);
    }
    const entries = record.entries;
    if (entries === null || typeof entries !== "object" || Array.isArray(entries)) {
      throw this.#formatError('has no "entries" object');
    }

    for (const [name, value] of Object.entries(entries)) {
      const entry = validateStoredToken(value, `Entry ${JSON.stringify(name)} of the token store ${this.path}`);
      const key = tokenStoreKey(entry.clientId, entry.orgId);
      // A hand-edited file may list one org under two spellings of its id; the newer entry wins.
      const other = contents.get(key);
      if (other === undefined || other.updatedAt <= entry.updatedAt) {
        contents.set(key, entry);
      }
    }
    return contents;
  }

  #formatError(problem: string): InvalidInputError {
    return new InvalidInputError(
      `The token store ${this.path} ${problem}, so it was left unchanged. ` +
        `Fix the file by hand or move it aside, then store the tokens again with \`wxadmin token fetch\`.`,
    );
  }

  /** Creates the folder with mode 0700 when missing, and rejects an existing one others can read. */
  async #ensureFolder(): Promise<void> {
    await mkdir(this.#folder, { recursive: true, mode: 0o700 });
    await this.#checkFolderMode();
  }

  async #checkFolderMode(): Promise<void> {
    if (!hasPosixModes()) {
      return;
    }
    const info = await stat(this.#folder);
    if ((info.mode & FOLDER_FORBIDDEN_MODE) !== 0) {
      throw new InvalidInputError(
        `The token store folder ${this.#folder} has mode ${formatMode(info.mode)}, which lets other users read or change it. ` +
          `Run \`chmod 700 ${this.#folder}\`, or choose a store path in a private folder.`,
      );
    }
  }

  async #checkFileMode(): Promise<void> {
    if (!hasPosixModes()) {
      return;
    }
    const info = await stat(this.path);
    if ((info.mode & FILE_FORBIDDEN_MODE) !== 0) {
      throw new InvalidInputError(
        `The token store ${this.path} has mode ${formatMode(info.mode)}, which lets other users access it. ` +
          `Run \`chmod 600 ${this.path}\`, and if others may have read it, fetch new tokens with \`wxadmin token fetch\`.`,
      );
    }
  }

  /** Writes `text` to a temporary file, syncs it, renames it over the store and syncs the folder. */
  async #writeAtomically(text: string): Promise<void> {
    const tempPath = path.join(this.#folder, `${this.#tempPrefix()}${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    const handle = await open(tempPath, "wx", 0o600);
    try {
      // The mode passed to open is reduced by the umask; set it exactly.
      await handle.chmod(0o600);
      await handle.writeFile(text, "utf8");
      await handle.sync();
      await handle.close();
      await rename(tempPath, this.path);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(tempPath).catch(() => undefined);
      throw error;
    }
    await syncFolder(this.#folder);
  }

  /** Removes temporary files of writers that crashed. Only a lock holder writes, so none is in use. */
  async #removeLeftoverTempFiles(): Promise<void> {
    const prefix = this.#tempPrefix();
    for (const name of await readdir(this.#folder)) {
      if (name.startsWith(prefix) && name.endsWith(".tmp")) {
        await unlink(path.join(this.#folder, name)).catch(() => undefined);
      }
    }
  }

  #tempPrefix(): string {
    return `.${path.basename(this.path)}.`;
  }

  /** Lock file of one key: a hash, since client and org ids can hold characters unsafe in file names. */
  #keyLockPath(storeKey: string): string {
    const digest = createHash("sha256").update(storeKey).digest("hex").slice(0, 16);
    return `${this.path}.${digest}.lock`;
  }

  #lockOptions() {
    return { timeoutMs: this.#lockTimeoutMs, staleMs: this.#staleLockMs, logger: this.#logger };
  }
}

function serialize(contents: StoreContents): string {
  const entries: Record<string, StoredToken> = {};
  for (const key of [...contents.keys()].sort()) {
    entries[key] = contents.get(key)!;
  }
  return `${JSON.stringify({ version: TOKEN_STORE_FILE_VERSION, entries }, null, 2)}\n`;
}

/** Makes a rename in `folder` durable. Windows cannot open a folder for syncing, so it is skipped there. */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === "win32") {
    return;
  }
  const handle = await open(folder, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** NOTE: Windows reports no group or other permission bits, so mode checks are skipped there. */
function hasPosixModes(): boolean {
  return process.platform !== "win32";
}

function formatMode(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, "0")}`;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
