/**
 * State that every command shares: the global options, output streams, the logger, the access
 * token and the SDK connection. Results go to stdout, while notices, warnings and logs go to stderr.
 */
import type { Command } from "commander";
import { createConsoleLogger, type Logger, type LogLevel } from "../logger.js";
import { maskSecret, redactText } from "../redact.js";
import { InvalidInputError } from "../transport/errors.js";
import { Webex } from "../webex.js";
import { readTokenFile, type TokenFileContent } from "./credential-files.js";
import { formatExpiry } from "./render.js";

/** Environment variable that contains the access token when no token flag is given. */
export const ACCESS_TOKEN_ENV = "WEBEX_ACCESS_TOKEN";

/** Streams and environment of one CLI run; tests and `main.ts` pass the process's own. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** Options defined on the program and valid after every command. */
export interface GlobalOptions {
  token?: string;
  tokenFile?: string;
  baseUrl?: string;
  org?: string;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

/** The access token of a run and where it came from (never the token itself in `source`). */
export interface AccessToken {
  value: string;
  source: string;
  /** The token pair when `--token-file` named a JSON pair file. */
  pair?: TokenFileContent["pair"];
}

/** Per-run state handed to every command action. */
export class CliContext {
  readonly options: GlobalOptions;
  readonly io: CliIo;
  readonly logger: Logger;
  #accessToken: AccessToken | undefined;

  constructor(options: GlobalOptions, io: CliIo) {
    this.options = options;
    this.io = io;
    this.logger = createConsoleLogger({ level: logLevelFor(options), stream: io.stderr, name: "wxadmin" });
  }

  /** True when results are printed as JSON. */
  get isJson(): boolean {
    return this.options.json === true;
  }

  /** Writes a line of results to stdout, masking every registered secret. */
  print(text: string): void {
    this.io.stdout.write(`${redactText(text)}\n`);
  }

  /**
   * Writes a line to stdout without masking. Only for the one output where the user asked for
   * exactly that secret, such as a new client secret shown once.
   */
  printUnmasked(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** Writes `value` as indented JSON to stdout, masking every registered secret. */
  printJson(value: unknown): void {
    this.io.stdout.write(`${redactText(JSON.stringify(value, null, 2))}\n`);
  }

  /** Writes `value` as JSON to stdout without masking; see `printUnmasked`. */
  printJsonUnmasked(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Writes a notice for the person at the terminal to stderr, unless `--quiet`. */
  notice(text: string): void {
    if (this.options.quiet) {
      return;
    }
    this.io.stderr.write(`${redactText(text)}\n`);
  }

  /** Writes a warning to stderr, unless `--quiet`. */
  warn(text: string): void {
    if (this.options.quiet) {
      return;
    }
    this.io.stderr.write(`wxadmin: warning: ${redactText(text)}\n`);
  }

  /**
   * Finds the access token: `--token`, then `--token-file`, then `WEBEX_ACCESS_TOKEN`.
   *
   * @throws InvalidInputError when none is given or both flags are.
   */
  async resolveAccessToken(): Promise<AccessToken> {
    if (this.#accessToken) {
      return this.#accessToken;
    }

    this.#accessToken = await this.#readAccessToken();
    this.logger.debug(`Using the access token from ${this.#accessToken.source}`, {
      token: maskSecret(this.#accessToken.value),
    });
    this.#warnIfExpired(this.#accessToken);
    return this.#accessToken;
  }

  /**
   * Connects to Webex (or the emulator) with the run's token and base URL.
   *
   * @throws InvalidInputError on a missing token or an unusable base URL; WebexError subclasses on API failures.
   */
  async connect(): Promise<Webex> {
    const token = await this.resolveAccessToken();
    return Webex.connect({ accessToken: token.value, baseUrl: this.options.baseUrl, logger: this.logger });
  }

  async #readAccessToken(): Promise<AccessToken> {
    // Commander rejects --token together with --token-file before this runs.
    const { token, tokenFile } = this.options;
    if (token !== undefined) {
      if (token.trim().length === 0) {
        throw new InvalidInputError("The --token value is empty.");
      }
      return { value: token.trim(), source: "the --token flag" };
    }

    if (tokenFile !== undefined) {
      const content = await readTokenFile(tokenFile, (message) => this.warn(message));
      return { value: content.accessToken, source: `token file ${tokenFile}`, pair: content.pair };
    }

    const fromEnv = this.io.env[ACCESS_TOKEN_ENV]?.trim();
    if (fromEnv) {
      return { value: fromEnv, source: `environment variable ${ACCESS_TOKEN_ENV}` };
    }

    throw new InvalidInputError(
      `Missing access token: pass --token-file FILE or --token TOKEN, or set ${ACCESS_TOKEN_ENV}. ` +
        `To try wxadmin locally, run "wxadmin emulator" and use the token it prints.`,
    );
  }

  #warnIfExpired(token: AccessToken): void {
    const expiresAt = token.pair?.accessExpiresAt;
    if (expiresAt === undefined) {
      return;
    }

    const at = new Date(expiresAt);
    if (Number.isNaN(at.getTime()) || at.getTime() > Date.now()) {
      return;
    }
    const file = this.options.tokenFile ?? "FILE";
    this.warn(
      `The access token in ${file} expired ${formatExpiry(at)}; refresh it with: wxadmin apps refresh --from ${file} --out ${file}`,
    );
  }
}

/** Builds the context of the command being run from its own and its parents' options. */
export function contextFor(command: Command, io: CliIo): CliContext {
  return new CliContext(command.optsWithGlobals<GlobalOptions>(), io);
}

function logLevelFor(options: GlobalOptions): LogLevel {
  if (options.verbose) {
    return "debug";
  }
  if (options.quiet) {
    return "error";
  }
  return "warn";
}

/** The body of a command: its context, positional arguments and its own options. */
export type CommandHandler<Options> = (context: CliContext, args: string[], options: Options) => Promise<void>;

/** Adapts `handler` to commander's action signature `(...args, options, command)`. */
export function actionFor<Options>(io: CliIo, handler: CommandHandler<Options>): (...actionArgs: unknown[]) => Promise<void> {
  return async (...actionArgs: unknown[]) => {
    const command = actionArgs.at(-1) as Command;
    const options = actionArgs.at(-2) as Options;
    const args = actionArgs.slice(0, -2).filter((arg): arg is string => typeof arg === "string");
    await handler(contextFor(command, io), args, options);
  };
}
