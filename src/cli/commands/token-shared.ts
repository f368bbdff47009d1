/**
 * Helpers shared by the `token` commands and by `--app ID --org ORG` on other commands: opening
 * the file token store, choosing its entries, the client secret for refreshes, and the health
 * of a stored pair as `token status` shows it.
 */
import { FileTokenStore } from "../../auth/file-token-store.js";
import { DEFAULT_REFRESH_TIMINGS, planTokenSchedule } from "../../auth/token-schedule.js";
import { normalizeOrgId, type StoredToken, type TokenStore, type TokenStoreKey } from "../../auth/token-store.js";
import { isSameId, isUuid, isWebexId } from "../../ids.js";
import { InvalidInputError, TokenRefreshError, type TokenRejectionReason } from "../../transport/errors.js";
import { CLIENT_SECRET_ENV, readClientSecret } from "../credential-files.js";
import type { CliContext } from "../context.js";
import { formatExpiry } from "../render.js";

/** Environment variable that names the token store file when `--store` is not given. */
export const TOKEN_STORE_ENV = "WXADMIN_TOKEN_STORE";

/** Opens the file store of this run: `--store`, else `WXADMIN_TOKEN_STORE`, else the user's config folder. */
export function openTokenStore(context: CliContext): FileTokenStore {
  return new FileTokenStore({ path: tokenStorePath(context), logger: context.logger });
}

/** Returns the path of the file store of this run; see `openTokenStore`. */
function tokenStorePath(context: CliContext): string {
  const fromFlag = context.options.store?.trim();
  if (fromFlag) {
    return fromFlag;
  }
  return FileTokenStore.defaultPath(context.io.env);
}

/**
 * Returns `--app`. For `token fetch` (`isAppIdRequired`) it must be a base64 application id;
 * commands that only read the store also accept the app's OAuth client id.
 *
 * @throws InvalidInputError when `--app` is missing or malformed
 */
export function requireAppOption(context: CliContext, purpose: string, isAppIdRequired = false): string {
  const app = context.options.app?.trim();
  if (!app) {
    throw new InvalidInputError(`Missing --app: ${purpose}. Give the service app's id (base64 Webex id), as "wxadmin apps list" shows it.`);
  }
  if (isWebexId(app, "APPLICATION")) {
    return app;
  }
  if (isAppIdRequired || /\s/.test(app)) {
    throw new InvalidInputError(
      `Invalid --app ${JSON.stringify(app)}: expected the service app's id (a base64 Webex id of kind APPLICATION), as "wxadmin apps list" shows it.`,
    );
  }
  return app;
}

/**
 * Returns an org given on the command line as the base64 org id the store keys entries by.
 *
 * @throws InvalidInputError when `value` is neither a base64 org id nor a bare UUID
 */
export function parseOrgId(value: string): string {
  const trimmed = value.trim();
  if (!isUuid(trimmed) && !isWebexId(trimmed, "ORGANIZATION")) {
    throw new InvalidInputError(`Invalid --org ${JSON.stringify(value)}: expected a base64 Webex org id or a bare UUID.`);
  }
  return normalizeOrgId(trimmed);
}

/** Returns true when `entry` belongs to the app named by `app` (its app id or its client id). */
export function isEntryOfApp(entry: StoredToken, app: string): boolean {
  if (entry.clientId === app) {
    return true;
  }
  return entry.appId !== undefined && isSameId(entry.appId, app);
}

/** Names an entry's app for people: the app id when stored, else the client id. */
export function describeEntryApp(entry: StoredToken): string {
  return entry.appId ?? `client ${entry.clientId}`;
}

/** Returns what `--app` takes to name an entry's app: its app id when stored, else its client id. */
export function entryAppRef(entry: StoredToken): string {
  return entry.appId ?? entry.clientId;
}

/** Returns the command that stores a pair for `app` in `orgId`, for messages that tell a person what to run. */
export function fetchCommandFor(app: string, orgId: string): string {
  return `wxadmin token fetch --app ${app} --org ${orgId} --secret-file FILE`;
}

/**
 * Returns the stored entry of `app` in `orgId`.
 *
 * @throws TokenRefreshError (exit code 3) when the store has none: a person must fetch a pair first
 */
export async function requireStoredEntry(store: FileTokenStore, app: string, orgId: string): Promise<StoredToken> {
  const entries = (await store.list()).filter((entry) => isEntryOfApp(entry, app));
  const entry = entries.find((candidate) => isSameId(candidate.orgId, orgId));
  if (entry !== undefined) {
    return entry;
  }

  const storedOrgs = entries.length === 0 ? "none" : entries.map((candidate) => candidate.orgId).join(", ");
  throw new TokenRefreshError(
    `No stored token for app ${app} in org ${orgId} in ${store.describe()} (stored orgs of this app: ${storedOrgs}). ` +
      `A developer with the app's client secret fetches one with: ${fetchCommandFor(app, orgId)}`,
    { reason: "no_pair" },
  );
}

/**
 * Reads the client secret from `--secret-file`, else `WEBEX_CLIENT_SECRET`.
 *
 * @param purpose what needs the secret, for the message when neither is given
 * @throws InvalidInputError when neither is given or the file cannot be read
 */
export async function requireClientSecret(context: CliContext, purpose: string): Promise<string> {
  const secret = await readClientSecretIfGiven(context);
  if (secret === undefined) {
    throw missingSecretError(`${purpose} needs the service app's client secret`);
  }
  return secret;
}

/**
 * Reads the client secret when `--secret-file` or `WEBEX_CLIENT_SECRET` gives one, else returns undefined.
 *
 * @throws InvalidInputError when the file cannot be read
 */
export async function readClientSecretIfGiven(context: CliContext): Promise<string | undefined> {
  const { secretFile } = context.options;
  if (secretFile === undefined && !context.io.env[CLIENT_SECRET_ENV]?.trim()) {
    return undefined;
  }
  const secret = await readClientSecret(secretFile, context.io.env, (message) => context.warn(message));
  context.logger.debug(`Using the client secret from ${secret.source}`);
  return secret.value;
}

/** @param problem what needs the secret and why, completing "Missing client secret: …" */
function missingSecretError(problem: string): InvalidInputError {
  return new InvalidInputError(
    `Missing client secret: ${problem}. Pass --secret-file FILE or set ${CLIENT_SECRET_ENV}; a client secret is never taken from a command-line flag.`,
  );
}

/**
 * A store for a provider that has no client secret: reads and writes go to `store`, but
 * `withLock`, which a provider calls only to refresh or re-mint a pair, fails with a message
 * asking for the secret. So a stored token works without the secret until it expires, and the
 * placeholder secret the provider was given is never sent.
 */
export class StoreWithoutRefresh implements TokenStore {
  readonly #store: TokenStore;
  readonly #entry: StoredToken;

  /** @param entry the entry the provider would refresh, for the message */
  constructor(store: TokenStore, entry: StoredToken) {
    this.#store = store;
    this.#entry = entry;
  }

  get(key: TokenStoreKey): Promise<StoredToken | undefined> {
    return this.#store.get(key);
  }

  set(entry: StoredToken): Promise<void> {
    return this.#store.set(entry);
  }

  delete(key: TokenStoreKey): Promise<boolean> {
    return this.#store.delete(key);
  }

  list(): Promise<StoredToken[]> {
    return this.#store.list();
  }

  async withLock<T>(_key: TokenStoreKey, _work: () => Promise<T>): Promise<T> {
    const entry = this.#entry;
    const expiresAt = new Date(planTokenSchedule(entry, DEFAULT_REFRESH_TIMINGS).accessExpiresAtMs);
    const state = expiresAt.getTime() <= Date.now() ? `expired ${formatExpiry(expiresAt)}` : `was rejected by Webex before its expiry`;
    throw missingSecretError(
      `the stored access token of app ${describeEntryApp(entry)} in org ${entry.orgId} ${state}, and refreshing it needs the service app's client secret`,
    );
  }

  describe(): string {
    return this.#store.describe();
  }
}

/** Health of a stored pair, as `token status` reports it. */
export type TokenHealthState =
  | "ok"
  | "access expired"
  | "refresh expiring soon"
  | "refresh expired"
  | "client secret rejected"
  | "needs re-authorization"
  | "refresh rejected";

/** Expiry and state of a stored pair at one instant. */
export interface TokenHealth {
  accessExpiresAt: Date;
  refreshExpiresAt: Date;
  /** Seconds until the access token expires; negative once it has. */
  accessSecondsLeft: number;
  /** Seconds until the refresh token expires; negative once it has. */
  refreshSecondsLeft: number;
  state: TokenHealthState;
}

/**
 * Judges a stored pair at `nowMs` with the provider's default timings: a refresh token is
 * expiring soon once the provider would warn about it.
 */
export function assessTokenHealth(entry: StoredToken, nowMs: number): TokenHealth {
  const schedule = planTokenSchedule(entry, DEFAULT_REFRESH_TIMINGS);
  const accessSecondsLeft = (schedule.accessExpiresAtMs - nowMs) / 1000;
  const refreshSecondsLeft = (schedule.refreshExpiresAtMs - nowMs) / 1000;

  let state: TokenHealthState = "ok";
  if (entry.state === "needs_reauthorization") {
    state = describeRejectedState(entry.rejectionReason);
  } else if (refreshSecondsLeft <= 0) {
    state = "refresh expired";
  } else if (nowMs >= schedule.warnAtMs) {
    state = "refresh expiring soon";
  } else if (accessSecondsLeft <= 0) {
    state = "access expired";
  }

  return {
    accessExpiresAt: new Date(schedule.accessExpiresAtMs),
    refreshExpiresAt: new Date(schedule.refreshExpiresAtMs),
    accessSecondsLeft,
    refreshSecondsLeft,
    state,
  };
}

/** Names the state of a pair whose refresh was rejected for `reason`. */
function describeRejectedState(reason: TokenRejectionReason | undefined): TokenHealthState {
  switch (reason) {
    case "client_secret":
      return "client secret rejected";
    case "refresh_token":
    case "not_authorized":
      return "needs re-authorization";
    default:
      return "refresh rejected";
  }
}
