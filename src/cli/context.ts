/**
 * State that every command shares: the global options, output streams, the logger, the access
 * token and the SDK connection. Results go to stdout, while notices, warnings and logs go to stderr.
 *
 * A run has an access token (`--token`, `--token-file`, `WEBEX_ACCESS_TOKEN`) or, with
 * `--app ID --org ORG`, runs as a service app whose token pair is in the token store and is
 * refreshed there when it nears expiry.
 */
import type { Command } from "commander";
import type { FileTokenStore } from "../auth/file-token-store.js";
import type { ServiceAppTokenProvider } from "../auth/service-app-token-provider.js";
import type { StoredToken } from "../auth/token-store.js";
import { StaticTokenProvider } from "../auth/token-provider.js";
import { DEFAULT_REFRESH_TIMINGS, planTokenSchedule } from "../auth/token-schedule.js";
import { createConsoleLogger, type Logger, type LogLevel } from "../logger.js";
import { maskSecret, redactText } from "../redact.js";
import { DEFAULT_BASE_URL } from "../transport/base-url.js";
import { AuthError, InvalidInputError, NetworkError, TokenRefreshError, withAdvice } from "../transport/errors.js";
import { Webex } from "../webex.js";
import {
  describeEntryApp,
  entryAppRef,
  openTokenStore,
  parseOrgId,
  readClientSecretIfGiven,
  requireAppOption,
  requireStoredEntry,
  StoreWithoutRefresh,
} from "./commands/token-shared.js";
import {
  findSecretOrigin,
  rewordRejection,
  secretFileArgument,
  secretNote,
  storedPairTarget,
  type SecretOrigin,
} from "./commands/token-rejections.js";
import { readTokenFile, type TokenFileContent } from "./credential-files.js";
import { formatExpiry, joinCommand, shellQuote } from "./render.js";

/** Environment variable that contains the access token when no token flag is given. */
export const ACCESS_TOKEN_ENV = "WEBEX_ACCESS_TOKEN";

/** Streams and environment of one CLI run; tests and `main.ts` pass the process's own. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** Stands in for the client secret of a provider that must not refresh; see `StoreWithoutRefresh`. */
const NO_CLIENT_SECRET = "no-client-secret-given";

/** Options defined on the program and valid after every command. */
export interface GlobalOptions {
  token?: string;
  tokenFile?: string;
  baseUrl?: string;
  /** Source of `baseUrl`: `cli` for --base-url, `env` for WEBEX_BASE_URL, undefined for the default. */
  baseUrlSource?: string;
  /** The org when `--org` was given once; commands that take several read `orgs`. */
  org?: string;
  /** Every `--org` value, in the order given (repeated flags and comma lists). */
  orgs: string[];
  /** Service app id: the app a `token` command acts on, or the stored app to run as. */
  app?: string;
  /** Token store file. */
  store?: string;
  /** File holding a service app's client secret. */
  secretFile?: string;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

/** A connection that runs as a stored service app, with the provider that refreshes its token. */
export interface ServiceAppClient {
  webex: Webex;
  provider: ServiceAppTokenProvider;
  /** The store entry as it was when the client was made. */
  entry: StoredToken;
  store: FileTokenStore;
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
  #givenToken: AccessToken | undefined;
  #serviceApp: Promise<ServiceAppClient> | undefined;
  /** The app and org of the last service-app client made, for advice on a rejected refresh. */
  #serviceAppTarget: { appId: string; orgId: string } | undefined;
  /** The connections made for the command, whose counted 429 responses are reported when it ends. */
  readonly #connections = new Set<Webex>();

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

  /** Writes an error line to stderr, also with `--quiet`, for failures the run reports and goes on after. */
  error(text: string): void {
    this.io.stderr.write(`wxadmin: error: ${redactText(text)}\n`);
  }

  /** Writes a warning to stderr, unless `--quiet`. */
  warn(text: string): void {
    if (this.options.quiet) {
      return;
    }
    this.io.stderr.write(`wxadmin: warning: ${redactText(text)}\n`);
  }

  /** True when `--app` was given, so the run acts as a stored service app rather than with an access token. */
  get isServiceApp(): boolean {
    return this.options.app !== undefined;
  }

  /**
   * Finds the access token of the run. With `--app` it is the stored service app's current
   * token, refreshed first when it nears expiry; otherwise see `resolveGivenAccessToken`.
   *
   * @throws InvalidInputError when no token is given; TokenRefreshError when a stored pair is
   *   missing or its refresh was rejected
   */
  async resolveAccessToken(): Promise<AccessToken> {
    if (!this.isServiceApp) {
      return this.resolveGivenAccessToken();
    }

    const { provider, entry, store } = await this.serviceAppClient();
    const value = await provider.getAccessToken();
    const status = await provider.status();
    return {
      value,
      source: `the token store ${store.path} (service app ${describeEntryApp(entry)})`,
      pair: { access_token: value, accessExpiresAt: status.accessExpiresAt?.toISOString() },
    };
  }

  /**
   * Finds the access token given on the command line: `--token`, then `--token-file`, then
   * `WEBEX_ACCESS_TOKEN`. `token fetch` uses it as the developer's token even when `--app` is given.
   *
   * @throws InvalidInputError when none is given or both flags are.
   */
  async resolveGivenAccessToken(): Promise<AccessToken> {
    if (this.#givenToken) {
      return this.#givenToken;
    }

    this.#givenToken = await this.#readAccessToken();
    this.logger.debug(`Using the access token from ${this.#givenToken.source}`, {
      token: maskSecret(this.#givenToken.value),
    });
    this.#warnIfExpired(this.#givenToken);
    return this.#givenToken;
  }

  /**
   * Connects to Webex (or the emulator): as the stored service app with `--app`, otherwise with
   * the given access token.
   *
   * @throws InvalidInputError on a missing token or an unusable base URL; TokenRefreshError when
   *   the stored pair is missing; WebexError subclasses on API failures.
   */
  async connect(): Promise<Webex> {
    if (this.isServiceApp) {
      return (await this.serviceAppClient()).webex;
    }
    return this.connectWithGivenToken();
  }

  /**
   * Connects with the given access token, ignoring `--app`.
   *
   * @throws InvalidInputError on a missing token or an unusable base URL; WebexError subclasses on API failures.
   */
  async connectWithGivenToken(): Promise<Webex> {
    const token = await this.resolveGivenAccessToken();
    const tokenProvider = new StaticTokenProvider(token.value, { source: token.source });
    const webex = await Webex.connect({ tokenProvider, baseUrl: this.options.baseUrl, logger: this.logger });
    this.#connections.add(webex);
    return webex;
  }

  /**
   * Logs, for each connection of the command, the 429 responses counted since its last
   * rate-limit line. The command runner calls it when the command ends, successful or not.
   *
   * NOTE: a connection whose `Webex.connect` failed is not covered, because the failed call
   * returns no connection.
   */
  logPendingRateLimitSummaries(): void {
    for (const webex of this.#connections) {
      webex.transport.logPendingRateLimitSummary();
    }
  }

  /**
   * Returns the connection of `--app ID --org ORG`: the store entry of that app in that org and
   * a client whose provider refreshes it. No request is sent until the client is used.
   *
   * @throws InvalidInputError when `--app` or `--org` is missing or malformed; TokenRefreshError
   *   when the store has no entry for them
   */
  serviceAppClient(): Promise<ServiceAppClient> {
    this.#serviceApp ??= this.#openServiceAppClient();
    return this.#serviceApp;
  }

  /**
   * Makes a client for one store entry. The client secret comes from `secret`, else from
   * `--secret-file` or `WEBEX_CLIENT_SECRET`. Without one, the stored access token is used
   * until it expires (with a warning once it is within the refresh margin), and a needed
   * refresh fails with a message asking for the secret.
   *
   * @throws InvalidInputError when `--secret-file` cannot be read
   */
  async createServiceAppClient(store: FileTokenStore, entry: StoredToken, secret?: string): Promise<ServiceAppClient> {
    const clientSecret = secret ?? (await readClientSecretIfGiven(this));
    this.#serviceAppTarget = { appId: entryAppRef(entry), orgId: entry.orgId };
    const withoutSecret = clientSecret === undefined;
    if (withoutSecret) {
      this.#warnIfExpiringWithoutSecret(entry);
    }
    const webex = Webex.fromServiceApp({
      clientId: entry.clientId,
      // NOTE: the provider sends its secret only from inside store.withLock (the refresh
      // protocol), which StoreWithoutRefresh refuses, so the placeholder never leaves the process.
      clientSecret: clientSecret ?? NO_CLIENT_SECRET,
      orgId: entry.orgId,
      appId: entry.appId,
      store: withoutSecret ? new StoreWithoutRefresh(store, entry) : store,
      // Without a secret no refresh can succeed, so the access token is used until it expires.
      ...(withoutSecret ? { refreshMarginSeconds: 0, refreshTokenKeepAliveSeconds: 0 } : {}),
      baseUrl: this.options.baseUrl,
      logger: withoutRejectionLines(this.logger),
    });
    this.#connections.add(webex);
    return { webex, provider: webex.tokenProvider, entry, store };
  }

  /** Returns where the client secret of this run comes from: `--secret-file`, `WEBEX_CLIENT_SECRET`, or neither. */
  secretOrigin(): SecretOrigin {
    return findSecretOrigin(this.options.secretFile, this.io.env);
  }

  /**
   * Warns when the stored access token of `entry` is still valid but within the margin in which
   * a run with the client secret would refresh it, and names the command that refreshes it.
   */
  #warnIfExpiringWithoutSecret(entry: StoredToken): void {
    const schedule = planTokenSchedule(entry, DEFAULT_REFRESH_TIMINGS);
    const nowMs = Date.now();
    if (nowMs < schedule.accessRefreshAtMs || nowMs >= schedule.accessExpiresAtMs) {
      return;
    }
    const origin = this.secretOrigin();
    const target = storedPairTarget(entryAppRef(entry), entry.orgId, origin);
    this.warn(
      `The stored access token of app ${target.appId} in org ${entry.orgId} expires ${formatExpiry(new Date(schedule.accessExpiresAtMs), nowMs)}. ` +
        `It is used as it is, because no client secret was given to refresh it. Refresh it with: ${target.retryCommand}${secretNote(origin)}`,
    );
  }

  async #openServiceAppClient(): Promise<ServiceAppClient> {
    const app = requireAppOption(this, "the service app to run as");
    const org = this.options.org;
    if (org === undefined || org.trim() === "") {
      throw new InvalidInputError(
        `Missing --org: running as service app ${app} needs the org to act in. See the orgs stored for it with: wxadmin token status --app ${app}`,
      );
    }

    const store = openTokenStore(this);
    const entry = await requireStoredEntry(store, app, parseOrgId(org));
    this.logger.debug(`Running as service app ${describeEntryApp(entry)} in org ${entry.orgId}, token pair from ${store.describe()}`);
    return this.createServiceAppClient(store, entry);
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
    this.warn(
      `The access token in ${this.options.tokenFile ?? "the token file"} expired ${formatExpiry(at)}; refresh the pair with: ${this.#refreshCommand()}${this.#secretNote()}`,
    );
  }

  /**
   * Adds to `error` the next step that only the CLI can name: which access token Webex rejected
   * (401) and how to replace it, or which base URL could not be reached. Other errors are
   * returned unchanged.
   */
  explainFailure(error: unknown): unknown {
    if (error instanceof TokenRefreshError && this.#serviceAppTarget !== undefined) {
      const { appId, orgId } = this.#serviceAppTarget;
      const target = storedPairTarget(appId, orgId, this.secretOrigin());
      return rewordRejection(error, `Refreshing the stored token of app ${appId} in org ${orgId} was rejected.`, target);
    }
    if (error instanceof AuthError) {
      const advice = this.#describeRejectedToken();
      return advice === undefined ? error : withAdvice(error, advice);
    }
    if (error instanceof NetworkError) {
      return withAdvice(error, this.#describeUnreachableBaseUrl());
    }
    return error;
  }

  #describeRejectedToken(): string | undefined {
    // A given token comes first: "token fetch --app" sends the developer's token, not the app's.
    const token = this.#givenToken;
    if (token === undefined) {
      return this.isServiceApp ? this.#describeRejectedStoredToken() : undefined;
    }
    const tokenFile = this.options.tokenFile;
    const pair = token.pair;
    if (tokenFile === undefined || pair === undefined) {
      const fix = tokenFile === undefined ? "Pass a current token" : `Put a current token in ${tokenFile}`;
      return (
        `Webex rejected the access token from ${token.source}: it has expired, was revoked or was not copied whole. ` +
        `${fix}: a personal token from developer.webex.com, or a service-app token pair written by ` +
        `"wxadmin apps token APP_ID --org ORG_ID --secret-file FILE --out FILE" and read with --token-file FILE.`
      );
    }

    const expiresAt = pair.accessExpiresAt === undefined ? Number.NaN : Date.parse(pair.accessExpiresAt);
    let state = `Webex rejected the access token in ${tokenFile}: it has expired or was revoked.`;
    if (expiresAt <= Date.now()) {
      state = `The access token in ${tokenFile} expired ${formatExpiry(new Date(expiresAt))}.`;
    } else if (expiresAt > Date.now()) {
      state = `Webex rejected the access token in ${tokenFile} before its expiry, so it was revoked, or its app was deauthorized in the org or deleted.`;
    }
    const appId = typeof pair.appId === "string" ? pair.appId : "APP_ID";
    const orgId = typeof pair.orgId === "string" ? pair.orgId : "ORG_ID";
    const fetchCommand = joinCommand("wxadmin apps token", appId, "--org", orgId, this.#secretFileArgument(), "--out", shellQuote(tokenFile), "--force");
    return (
      `${state} Refresh the pair with: ${this.#refreshCommand()}. ` +
      `If Webex rejects the refresh too, get a new pair with: ${fetchCommand}${this.#secretNote()}`
    );
  }

  #describeRejectedStoredToken(): string {
    const app = this.#serviceAppTarget?.appId ?? this.options.app ?? "APP_ID";
    const org = this.#serviceAppTarget?.orgId ?? this.options.org ?? "ORG_ID";
    return (
      `Webex rejected the stored token of service app ${app} in org ${org} even after a refresh: the app may have been deauthorized in the org or deleted. ` +
      `Check with: wxadmin token status --app ${app}. A full admin of the org may need to authorize the app again (wxadmin apps authorize ${app}); ` +
      `then store a new pair with: ${joinCommand("wxadmin token fetch --app", app, "--org", org, this.#secretFileArgument())}${this.#secretNote()}`
    );
  }

  #describeUnreachableBaseUrl(): string {
    const url = this.options.baseUrl ?? DEFAULT_BASE_URL;
    const sources: Record<string, string> = { cli: "the --base-url flag", env: "WEBEX_BASE_URL" };
    const source = sources[this.options.baseUrlSource ?? ""] ?? "the default";
    return (
      `Check the base URL ${url} (from ${source}; set it with --base-url or WEBEX_BASE_URL) and that the server there is running. ` +
      `The emulator prints its URL when it starts: wxadmin emulator`
    );
  }

  /** Returns the command that refreshes the pair of `--token-file` in place. */
  #refreshCommand(): string {
    const file = shellQuote(this.options.tokenFile ?? "FILE");
    return joinCommand("wxadmin apps refresh --from", file, this.#secretFileArgument(), "--out", file);
  }

  /** Returns the client-secret flag of a suggested command; see `secretFileArgument`. */
  #secretFileArgument(): string {
    return secretFileArgument(this.secretOrigin());
  }

  /** Returns the note that follows a suggested command with the `--secret-file FILE` placeholder. */
  #secretNote(): string {
    return secretNote(this.secretOrigin());
  }
}

/**
 * Wraps `logger` for a service-app client of the CLI. The provider logs a rejected refresh as an
 * error and also throws it. The CLI prints the thrown error in its own words, so the logged line
 * goes to debug (`--verbose`) only and the person reads the rejection once.
 */
function withoutRejectionLines(logger: Logger): Logger {
  return {
    debug: (message, fields) => logger.debug(message, fields),
    info: (message, fields) => logger.info(message, fields),
    warn: (message, fields) => logger.warn(message, fields),
    error: (message, fields) => (fields?.code === "refresh_rejected" ? logger.debug(message, fields) : logger.error(message, fields)),
  };
}

/** Builds the context of the command being run from its own and its parents' options. */
export function contextFor(command: Command, io: CliIo): CliContext {
  return new CliContext(readGlobalOptions(command), io);
}

/** Reads the options of `command` and its parents; `--org` arrives as a list (see `collectOrgIds`). */
export function readGlobalOptions(command: Command): GlobalOptions {
  const raw = command.optsWithGlobals<Omit<GlobalOptions, "org" | "orgs" | "baseUrlSource"> & { org?: string[] }>();
  const orgs = raw.org ?? [];
  const baseUrlSource = command.getOptionValueSourceWithGlobals("baseUrl");
  return { ...raw, org: orgs.length === 1 ? orgs[0] : undefined, orgs, baseUrlSource };
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
    const options = withShadowedOptions(command, actionArgs.at(-2) as Options);
    const args = actionArgs.slice(0, -2).filter((arg): arg is string => typeof arg === "string");
    const context = contextFor(command, io);
    try {
      await handler(context, args, options);
    } catch (error) {
      throw context.explainFailure(error);
    } finally {
      context.logPendingRateLimitSummaries();
    }
  };
}

/**
 * Returns `options` with the values of options that `command` declares under the name of a
 * program option. Commander lets the program consume its own options wherever they appear, so
 * `apps token --secret-file FILE` stores FILE among the program's options, not the command's.
 */
function withShadowedOptions<Options>(command: Command, options: Options): Options {
  const globals = command.optsWithGlobals<Record<string, unknown>>();
  const merged = { ...(options as Record<string, unknown>) };
  for (const option of command.options) {
    const key = option.attributeName();
    if (merged[key] === undefined && globals[key] !== undefined) {
      merged[key] = globals[key];
    }
  }
  return merged as Options;
}
