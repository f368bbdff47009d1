/**
 * A token provider for a service app in one org that keeps its token pair fresh by itself.
 * It refreshes ahead of expiry, once for all concurrent callers, and refreshes and replays
 * once after an unexpected 401. It writes every new pair to a token store before using it and
 * keeps the refresh token alive. When Webex rejects the refresh, it stops with a
 * `TokenRefreshError`.
 *
 * A refresh runs inside `store.withLock`, so several processes sharing one file store refresh
 * once between them. The process that takes the lock second finds the new pair and adopts it.
 */
import { EventEmitter } from "node:events";
import { inspect } from "node:util";
import { decodeId } from "../ids.js";
import type { Logger } from "../logger.js";
import { registerSecret } from "../redact.js";
import { chooseBaseUrl } from "../transport/base-url.js";
import { InvalidInputError, TokenRefreshError, type TokenRejectionReason } from "../transport/errors.js";
import { Transport, type ConnectionOptions } from "../transport/request.js";
import {
  buildMissingEntryError,
  buildRefreshRejection,
  buildRemintRejection,
  describeRejectionReason,
  isGrantRejection,
  isRemintRejection,
  requestRefreshGrant,
  requestServiceAppToken,
  type GrantTarget,
} from "./token-grants.js";
import { StaticTokenProvider, type TokenProvider } from "./token-provider.js";
import { planTokenSchedule, resolveRefreshTimings, type RefreshTimings, type TokenSchedule } from "./token-schedule.js";
import { normalizeOrgId, type StoredToken, type TokenStore, type TokenStoreKey } from "./token-store.js";
import type { TokenInfo } from "./token.js";

/** A token with `spark:applications_token` that can mint a new pair when refreshing fails. */
export interface TokenManagerOptions {
  /** The token-manager token (a developer's personal token, an integration's token) or a provider of one. */
  accessToken: string | TokenProvider;
  /** Id of the service app to mint for. Default the provider's `appId`, then the store entry's. */
  appId?: string;
}

/**
 * Options of `ServiceAppTokenProvider`. The connection settings apply to its token requests
 * (the refresh grant and re-mints), and its logger also receives refresh notices (info),
 * warnings and rejections (error).
 */
export interface ServiceAppTokenProviderOptions extends ConnectionOptions {
  /** OAuth client id of the service app. */
  clientId: string;
  /** Client secret of the service app. Never logged. */
  clientSecret: string;
  /** Org the tokens act in: a base64 org id, or a bare UUID, which is encoded locally with the `us` cluster. */
  orgId: string;
  /** The store that keeps the token pair between requests and processes. */
  store: TokenStore;
  /** Id of the service app, needed to mint a new pair. Default the store entry's `appId`. */
  appId?: string;
  /**
   * A token-manager token. With it the provider mints a new pair through
   * `POST /v1/applications/{appId}/token` when the store has none or Webex rejects the refresh.
   */
  tokenManager?: TokenManagerOptions;
  /** Refresh when the access token has less than this many seconds left. Default 900, capped at half the token's lifetime. */
  refreshMarginSeconds?: number;
  /** Warn when the refresh token has less than this many seconds left. Default 604800 (7 days), capped at a fifth of its lifetime. */
  refreshTokenWarningSeconds?: number;
  /** Refresh early when the refresh token has less than this many seconds left. Default 1209600 (14 days), capped at a quarter of its lifetime. */
  refreshTokenKeepAliveSeconds?: number;
}

/** Payload of the `refreshed` and `reminted` events. */
export interface TokenRenewedEvent {
  /** Base64 org id. */
  orgId: string;
  accessExpiresAt: Date;
  refreshExpiresAt: Date;
  /** The reason the pair was renewed, in words. */
  reason: string;
}

/** Payload of the `refreshTokenExpiring` event. */
export interface RefreshTokenExpiringEvent {
  /** Base64 org id. */
  orgId: string;
  refreshExpiresAt: Date;
}

/** Events of `ServiceAppTokenProvider`, by name, with their arguments. */
export interface ServiceAppTokenEvents {
  /** A refresh grant returned a new pair, which is already stored. */
  refreshed: [TokenRenewedEvent];
  /** The token manager minted a new pair, which is already stored. */
  reminted: [TokenRenewedEvent];
  /** The refresh token has less than `refreshTokenWarningSeconds` left. */
  refreshTokenExpiring: [RefreshTokenExpiringEvent];
  /** Webex rejected the refresh (and the re-mint, if configured); a person must act. */
  refreshRejected: [TokenRefreshError];
}

/** The stored state of this provider's app and org. */
export interface ServiceAppTokenStatus {
  clientId: string;
  /** Base64 org id. */
  orgId: string;
  appId?: string;
  /** `missing` when the store has no entry. */
  state: "ok" | "needs_reauthorization" | "missing";
  obtainedAt?: Date;
  accessExpiresAt?: Date;
  refreshExpiresAt?: Date;
  /** The text of the last rejection. */
  problem?: string;
  /** The reason of the last rejection, when `state` is `needs_reauthorization`. */
  rejectionReason?: TokenRejectionReason;
  /** `TokenStore.describe()` of the store. */
  store: string;
}

/** The cause of an update: a due pair, a 401, or an explicit `refresh()`. */
type UpdateTrigger =
  | { kind: "due" }
  | { kind: "unauthorized"; rejected: string }
  | { kind: "forced"; reason: string };

/** Stands in for a token provider on the transport that only sends unauthenticated token requests. */
const NO_BEARER_TOKEN: TokenProvider = {
  getAccessToken: () => Promise.reject(new Error("The token-endpoint transport sends no bearer token; its requests set authenticate: false.")),
  describe: () => "no bearer token (OAuth token endpoint)",
};

/** A self-refreshing source of service-app access tokens for one (client id, org). */
export class ServiceAppTokenProvider extends EventEmitter<ServiceAppTokenEvents> implements TokenProvider {
  readonly clientId: string;
  /** Base64 org id the tokens act in. */
  readonly orgId: string;
  readonly store: TokenStore;
  readonly #key: TokenStoreKey;
  readonly #clientSecret: string;
  readonly #appId: string | undefined;
  readonly #timings: RefreshTimings;
  readonly #now: () => number;
  /** Sends the refresh grant, which carries no bearer token, so it cannot recurse into this provider. */
  readonly #tokenEndpoint: Transport;
  readonly #tokenManager: { transport: Transport; appId: string | undefined } | undefined;
  readonly #logger: Logger;

  #current: StoredToken | undefined;
  #schedule: TokenSchedule | undefined;
  #tokenPromise: Promise<string> | undefined;
  /** Before this time the hot path returns `#tokenPromise` without further checks. */
  #deadlineMs = Number.NEGATIVE_INFINITY;
  /** The one update in progress, which concurrent callers share. */
  #inflight: Promise<void> | undefined;
  /** Set once Webex rejected the refresh; every call fails with it until `refresh()`. */
  #rejection: TokenRefreshError | undefined;
  /** A new pair the store failed to save; saved before anything else on the next update. */
  #unsaved: StoredToken | undefined;
  /** Refresh token for which refreshing proved not to extend its life. */
  #keepAliveStoppedFor: string | undefined;
  /** Refresh-token expiry (epoch ms) already warned about. */
  #warnedForExpiryMs: number | undefined;

  /**
   * Checks the options. Makes no network call and does not read the store.
   *
   * @throws InvalidInputError for a missing or malformed option
   */
  constructor(options: ServiceAppTokenProviderOptions) {
    super();
    if (options === null || typeof options !== "object") {
      throw new InvalidInputError("ServiceAppTokenProvider needs an options object with clientId, clientSecret, orgId and store.");
    }
    this.clientId = requireOption(options.clientId, "clientId", "the service app's OAuth client id");
    this.#clientSecret = requireOption(options.clientSecret, "clientSecret", "the service app's client secret");
    registerSecret(this.#clientSecret);
    this.orgId = readOrgId(options.orgId);
    this.store = readStore(options.store);
    this.#key = { clientId: this.clientId, orgId: this.orgId };
    this.#appId = options.appId === undefined ? undefined : requireOption(options.appId, "appId", "the service app's id");
    this.#timings = resolveRefreshTimings(options);
    this.#now = options.now ?? Date.now;

    const connection = {
      baseUrl: chooseBaseUrl(options.baseUrl),
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      logger: options.logger,
      fetch: options.fetch,
      sleep: options.sleep,
      now: this.#now,
      signal: options.signal,
    };
    this.#tokenEndpoint = new Transport({ ...connection, tokenProvider: NO_BEARER_TOKEN });
    this.#logger = this.#tokenEndpoint.logger;
    if (options.tokenManager !== undefined) {
      const manager = readTokenManager(options.tokenManager);
      this.#tokenManager = { transport: new Transport({ ...connection, tokenProvider: manager.provider }), appId: manager.appId };
    }
  }

  /**
   * Returns the current access token, refreshing it first when it is due. Concurrent callers
   * share one refresh.
   *
   * @throws TokenRefreshError when Webex rejected the refresh or the store has no pair to start from
   * @throws WebexError of a refresh that failed for another reason (network, 5xx); the next call tries again
   */
  getAccessToken(): Promise<string> {
    // The hot path: one clock read and one comparison against a precomputed deadline.
    if (this.#now() < this.#deadlineMs) {
      return this.#tokenPromise as Promise<string>;
    }
    return this.#renew();
  }

  /**
   * Handles a 401 to a request sent with `rejected`: refreshes once (or adopts a pair another
   * caller or process already got) and returns true when a different token is now current.
   *
   * @throws TokenRefreshError when Webex rejects the refresh
   */
  async onUnauthorized(rejected: string): Promise<boolean> {
    let ranOwnUpdate = false;
    for (;;) {
      if (this.#rejection !== undefined) {
        throw this.#rejection;
      }
      if (this.#current !== undefined && this.#current.tokens.access_token !== rejected) {
        return true;
      }
      if (ranOwnUpdate) {
        return false;
      }
      if (this.#inflight !== undefined) {
        await this.#inflight;
        continue;
      }
      // New callers must not pick up the rejected token while the refresh runs.
      this.#deadlineMs = Number.NEGATIVE_INFINITY;
      ranOwnUpdate = true;
      await this.#startUpdate({ kind: "unauthorized", rejected });
    }
  }

  /**
   * Refreshes the pair now, even when it is fresh, and returns the stored entry. Clears an
   * earlier rejection, so it is also how to resume after fixing what the rejection named.
   *
   * @throws TokenRefreshError when Webex rejects the refresh; other `WebexError`s
   */
  async refresh(reason = "refresh requested"): Promise<StoredToken> {
    this.#rejection = undefined;
    while (this.#inflight !== undefined) {
      await this.#inflight.catch(() => undefined);
    }
    await this.#startUpdate({ kind: "forced", reason });
    return structuredClone(this.#current as StoredToken);
  }

  /**
   * Reads what the store holds for this app and org. Makes no network call.
   *
   * @throws WebexError when the store cannot be read
   */
  async status(): Promise<ServiceAppTokenStatus> {
    const entry = await this.store.get(this.#key);
    const base = { clientId: this.clientId, orgId: this.orgId, store: this.store.describe() };
    if (entry === undefined) {
      return { ...base, appId: this.#appId, state: "missing" };
    }
    const schedule = planTokenSchedule(entry, this.#timings);
    return {
      ...base,
      appId: entry.appId ?? this.#appId,
      state: entry.state ?? "ok",
      obtainedAt: new Date(entry.obtainedAt),
      accessExpiresAt: new Date(schedule.accessExpiresAtMs),
      refreshExpiresAt: new Date(schedule.refreshExpiresAtMs),
      problem: entry.problem,
      rejectionReason: entry.rejectionReason,
    };
  }

  describe(): string {
    return `service app client ${this.clientId} in org ${this.orgId} (tokens in ${this.store.describe()})`;
  }

  /** Never shows a token or the client secret. */
  [inspect.custom](): string {
    return `ServiceAppTokenProvider { ${this.describe()} }`;
  }

  // ---- single flight ----

  async #renew(): Promise<string> {
    if (this.#rejection !== undefined) {
      throw this.#rejection;
    }
    if (this.#inflight === undefined) {
      await this.#startUpdate({ kind: "due" });
    } else {
      await this.#inflight;
    }
    return this.#currentToken();
  }

  /** Starts an update that concurrent callers can join through `#inflight`, and waits for it. */
  #startUpdate(trigger: UpdateTrigger): Promise<void> {
    const update = this.#update(trigger).finally(() => {
      if (this.#inflight === update) {
        this.#inflight = undefined;
      }
    });
    this.#inflight = update;
    return update;
  }

  #currentToken(): Promise<string> {
    if (this.#rejection !== undefined) {
      throw this.#rejection;
    }
    return this.#tokenPromise as Promise<string>;
  }

  // ---- the update: load, refresh when due, warn, set the deadline ----

  async #update(trigger: UpdateTrigger): Promise<void> {
    const isFirstLoad = this.#current === undefined && trigger.kind === "due";
    if (isFirstLoad) {
      await this.#loadFromStore();
    }

    const reason = this.#findRefreshReason(trigger);
    if (isFirstLoad) {
      this.#warnIfMarkedRejected(reason);
    }
    if (reason !== undefined) {
      await this.store.withLock(this.#key, () => this.#renewLocked(trigger, reason));
    }

    this.#warnIfRefreshTokenExpiring();
    this.#updateDeadline();
  }

  async #loadFromStore(): Promise<void> {
    const entry = await this.store.get(this.#key);
    if (entry === undefined) {
      this.#logger.debug(`The ${this.store.describe()} has no token pair for ${this.#describeTarget()}.`);
      return;
    }
    const schedule = planTokenSchedule(entry, this.#timings);
    this.#logger.debug(
      `Loaded the token pair of ${this.#describeTarget()} from the ${this.store.describe()}; the access token expires at ${isoTime(schedule.accessExpiresAtMs)}, ` +
        `the refresh token at ${isoTime(schedule.refreshExpiresAtMs)}.`,
    );
    this.#adopt(entry);
  }

  /**
   * Warns when the pair just loaded is marked as rejected by an earlier client, and states what
   * this client does with it. With `refreshReason` set, it refreshes the pair once more now,
   * perhaps with a corrected client secret. Otherwise it uses the access token until a refresh is due.
   */
  #warnIfMarkedRejected(refreshReason: string | undefined): void {
    const entry = this.#current;
    if (entry === undefined || entry.state !== "needs_reauthorization") {
      return;
    }
    const marked =
      `The ${this.store.describe()} marks the pair of ${this.#describeTarget()} as rejected at ${isoTime(entry.updatedAt)}: ` +
      `${describeRejectionReason(entry.rejectionReason)}.`;
    const plan =
      refreshReason === undefined
        ? `Its access token is used until a refresh is due, at the latest at ${isoTime((this.#schedule as TokenSchedule).accessRefreshAtMs)}; that refresh tries the refresh token again.`
        : `Refreshing it once more now, because ${refreshReason}.`;
    this.#logger.warn(`${marked} ${plan}`);
  }

  /** Returns why the pair must be renewed now, or undefined when it can be used as it is. */
  #findRefreshReason(trigger: UpdateTrigger): string | undefined {
    if (trigger.kind === "forced") {
      return trigger.reason;
    }
    if (trigger.kind === "unauthorized") {
      return "Webex rejected the access token (401)";
    }
    if (this.#current === undefined) {
      return "no token pair loaded yet";
    }
    return this.#findDueReason(this.#current, planTokenSchedule(this.#current, this.#timings), this.#now());
  }

  #findDueReason(entry: StoredToken, schedule: TokenSchedule, nowMs: number): string | undefined {
    if (nowMs >= schedule.accessRefreshAtMs) {
      return `the access token expires at ${isoTime(schedule.accessExpiresAtMs)}`;
    }
    if (nowMs >= schedule.keepAliveAtMs && entry.tokens.refresh_token !== this.#keepAliveStoppedFor) {
      return `the refresh token expires at ${isoTime(schedule.refreshExpiresAtMs)} and refreshing renews it`;
    }
    return undefined;
  }

  /** Runs under the store lock: re-reads the entry, adopts a pair someone else got, or gets a new one. */
  async #renewLocked(trigger: UpdateTrigger, reason: string): Promise<void> {
    const entry = await this.#readEntryLocked();

    if (trigger.kind !== "forced" && entry !== undefined && entry.state !== "needs_reauthorization") {
      const staleToken = trigger.kind === "unauthorized" ? trigger.rejected : this.#current?.tokens.access_token;
      const schedule = planTokenSchedule(entry, this.#timings);
      if (entry.tokens.access_token !== staleToken && this.#findDueReason(entry, schedule, this.#now()) === undefined) {
        this.#adopt(entry);
        this.#logger.debug(`Using the token pair of ${this.#describeTarget()} that another client stored; the access token expires at ${isoTime(schedule.accessExpiresAtMs)}.`);
        return;
      }
    }

    let renewed: TokenInfo;
    let how: "refreshed" | "reminted";
    if (entry === undefined) {
      if (this.#tokenManager === undefined) {
        throw buildMissingEntryError(this.#grantTarget(undefined), this.store.describe());
      }
      renewed = await this.#remint(entry);
      how = "reminted";
    } else {
      try {
        renewed = await requestRefreshGrant(this.#tokenEndpoint, {
          clientId: this.clientId,
          clientSecret: this.#clientSecret,
          refreshToken: entry.tokens.refresh_token,
        });
        how = "refreshed";
      } catch (error) {
        if (!isGrantRejection(error)) {
          throw error;
        }
        const rejection = buildRefreshRejection(error, this.#grantTarget(entry));
        if (this.#tokenManager === undefined) {
          await this.#markRejected(entry, rejection);
          throw rejection;
        }
        this.#logger.warn(`Webex rejected the refresh of ${this.#describeTarget()}; getting a new pair through the token manager instead.`);
        renewed = await this.#remint(entry);
        how = "reminted";
      }
    }

    await this.#saveAndAdopt(renewed, entry);
    this.#announce(how, reason);
  }

  /** Reads the entry, first saving a pair that an earlier update got but could not save. */
  async #readEntryLocked(): Promise<StoredToken | undefined> {
    const entry = await this.store.get(this.#key);
    const unsaved = this.#unsaved;
    if (unsaved === undefined) {
      return entry;
    }
    if (entry !== undefined && entry.obtainedAt > unsaved.obtainedAt) {
      this.#unsaved = undefined;
      return entry;
    }
    await this.#save(unsaved);
    return unsaved;
  }

  async #remint(entry: StoredToken | undefined): Promise<TokenInfo> {
    const manager = this.#tokenManager as { transport: Transport; appId: string | undefined };
    const appId = manager.appId ?? this.#appId ?? entry?.appId;
    if (appId === undefined) {
      throw new InvalidInputError(
        `Cannot get a new token for ${this.#describeTarget()} through the token manager: no app id is known. Pass appId (or tokenManager.appId), or store the pair with its appId.`,
      );
    }
    try {
      return await requestServiceAppToken(manager.transport, { appId, clientId: this.clientId, clientSecret: this.#clientSecret, targetOrgId: this.orgId });
    } catch (error) {
      if (!isRemintRejection(error)) {
        throw error;
      }
      const rejection = buildRemintRejection(error, { ...this.#grantTarget(entry), appId });
      await this.#markRejected(entry, rejection);
      throw rejection;
    }
  }

  /** Writes the new pair to the store, and only then makes it current. */
  async #saveAndAdopt(renewed: TokenInfo, previous: StoredToken | undefined): Promise<void> {
    const appId = this.#appId ?? previous?.appId ?? this.#tokenManager?.appId;
    const entry: StoredToken = {
      clientId: this.clientId,
      orgId: this.orgId,
      tokens: renewed.toJSON(),
      obtainedAt: renewed.obtainedAt().getTime(),
      updatedAt: this.#now(),
      state: "ok",
    };
    if (appId !== undefined) {
      entry.appId = appId;
    }
    await this.#save(entry);
    this.#adopt(entry);
    if (previous !== undefined) {
      this.#stopKeepAliveIfIneffective(previous, entry);
    }
  }

  async #save(entry: StoredToken): Promise<void> {
    try {
      await this.store.set(entry);
      this.#unsaved = undefined;
    } catch (error) {
      // With refresh-token rotation the old refresh token is already used up, so the new pair
      // is kept in memory and saved first on the next attempt.
      this.#unsaved = entry;
      this.#logger.error(
        `Could not save the new token pair of ${this.#describeTarget()} to the ${this.store.describe()}: ${describeError(error)} The pair is kept in memory and saved on the next request.`,
      );
      throw error;
    }
  }

  /** Makes the rejection sticky, marks the store entry and emits `refreshRejected`. */
  async #markRejected(entry: StoredToken | undefined, rejection: TokenRefreshError): Promise<void> {
    this.#rejection = rejection;
    this.#deadlineMs = Number.NEGATIVE_INFINITY;
    if (entry !== undefined) {
      try {
        await this.store.set({
          ...entry,
          state: "needs_reauthorization",
          problem: rejection.message,
          rejectionReason: rejection.reason,
          updatedAt: this.#now(),
        });
      } catch (error) {
        this.#logger.error(`Could not mark the token pair of ${this.#describeTarget()} as needing re-authorization in the ${this.store.describe()}: ${describeError(error)}`);
      }
    }
    this.#logger.error(rejection.message, { code: rejection.code, status: rejection.status, trackingId: rejection.trackingId });
    this.#emitSafely("refreshRejected", rejection);
  }

  #adopt(entry: StoredToken): void {
    registerSecret(entry.tokens.access_token);
    registerSecret(entry.tokens.refresh_token);
    this.#current = entry;
    this.#schedule = planTokenSchedule(entry, this.#timings);
    this.#tokenPromise = Promise.resolve(entry.tokens.access_token);
  }

  /**
   * Stops keep-alive refreshes for a refresh token that a refresh did not take out of its
   * keep-alive window, as happens where Webex keeps a refresh token's first expiry. Without
   * this the provider would refresh again at every shorter interval until the token lapsed.
   */
  #stopKeepAliveIfIneffective(previous: StoredToken, entry: StoredToken): void {
    const before = planTokenSchedule(previous, this.#timings);
    const schedule = this.#schedule as TokenSchedule;
    const nowMs = this.#now();
    const windowMs = before.refreshExpiresAtMs - before.keepAliveAtMs;
    if (nowMs < before.keepAliveAtMs || nowMs < schedule.refreshExpiresAtMs - windowMs) {
      return;
    }
    this.#keepAliveStoppedFor = entry.tokens.refresh_token;
    this.#logger.warn(
      `Refreshing did not renew the refresh token of ${this.#describeTarget()}: it still expires at ${isoTime(schedule.refreshExpiresAtMs)}. ` +
        `Fetch a new pair before then (\`wxadmin token fetch\`), or configure a tokenManager.`,
    );
  }

  #announce(how: "refreshed" | "reminted", reason: string): void {
    const schedule = this.#schedule as TokenSchedule;
    const verb = how === "refreshed" ? "Refreshed" : "Got a new";
    this.#logger.info(
      `${verb} service-app token pair of ${this.#describeTarget()} because ${reason}; the access token expires at ${isoTime(schedule.accessExpiresAtMs)}, ` +
        `the refresh token at ${isoTime(schedule.refreshExpiresAtMs)}.`,
    );
    this.#emitSafely(how, {
      orgId: this.orgId,
      accessExpiresAt: new Date(schedule.accessExpiresAtMs),
      refreshExpiresAt: new Date(schedule.refreshExpiresAtMs),
      reason,
    });
  }

  #warnIfRefreshTokenExpiring(): void {
    const schedule = this.#schedule;
    if (schedule === undefined || this.#now() < schedule.warnAtMs || this.#warnedForExpiryMs === schedule.refreshExpiresAtMs) {
      return;
    }
    this.#warnedForExpiryMs = schedule.refreshExpiresAtMs;
    const appId = this.#current?.appId ?? this.#appId ?? "<app id>";
    this.#logger.warn(
      `The refresh token of ${this.#describeTarget()} expires at ${isoTime(schedule.refreshExpiresAtMs)}. ` +
        `Requests made before then refresh it; after it lapses, fetch a new pair with \`wxadmin token fetch --app ${appId} --org ${this.orgId}\`.`,
    );
    this.#emitSafely("refreshTokenExpiring", { orgId: this.orgId, refreshExpiresAt: new Date(schedule.refreshExpiresAtMs) });
  }

  /** Sets the earliest time at which the hot path must step aside: refresh, keep-alive or warning. */
  #updateDeadline(): void {
    const schedule = this.#schedule;
    const current = this.#current;
    if (this.#rejection !== undefined || schedule === undefined || current === undefined) {
      this.#deadlineMs = Number.NEGATIVE_INFINITY;
      return;
    }
    let deadlineMs = schedule.accessRefreshAtMs;
    if (current.tokens.refresh_token !== this.#keepAliveStoppedFor) {
      deadlineMs = Math.min(deadlineMs, schedule.keepAliveAtMs);
    }
    if (this.#warnedForExpiryMs !== schedule.refreshExpiresAtMs) {
      deadlineMs = Math.min(deadlineMs, schedule.warnAtMs);
    }
    this.#deadlineMs = deadlineMs;
  }

  #emitSafely<E extends keyof ServiceAppTokenEvents>(event: E, ...payload: ServiceAppTokenEvents[E]): void {
    try {
      (this.emit as (name: string, ...args: unknown[]) => boolean)(event, ...payload);
    } catch (error) {
      this.#logger.error(`A "${event}" listener of ${this.#describeTarget()} threw: ${describeError(error)}`);
    }
  }

  #grantTarget(entry: StoredToken | undefined): GrantTarget {
    return { clientId: this.clientId, orgId: this.orgId, appId: this.#appId ?? entry?.appId ?? this.#tokenManager?.appId };
  }

  #describeTarget(): string {
    return `service app client ${this.clientId} in org ${this.orgId}`;
  }
}

function requireOption(value: unknown, name: string, expected: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidInputError(`ServiceAppTokenProvider option ${name} is missing or empty; pass ${expected}.`);
  }
  return value.trim();
}

function readOrgId(value: unknown): string {
  const text = requireOption(value, "orgId", "the base64 org id or the org UUID");
  const orgId = normalizeOrgId(text);
  if (decodeId(orgId)?.kind !== "ORGANIZATION") {
    throw new InvalidInputError(
      `Invalid orgId ${JSON.stringify(text)}: expected a base64 org id (Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi…) or a bare UUID.`,
    );
  }
  return orgId;
}

function readStore(value: unknown): TokenStore {
  const store = value as Partial<TokenStore> | null | undefined;
  const methods = ["get", "set", "withLock", "describe"] as const;
  if (store === null || typeof store !== "object" || methods.some((method) => typeof store[method] !== "function")) {
    throw new InvalidInputError(
      "ServiceAppTokenProvider option store is missing or incomplete; pass a TokenStore such as new FileTokenStore() or new MemoryTokenStore().",
    );
  }
  return store as TokenStore;
}

function readTokenManager(value: TokenManagerOptions): { provider: TokenProvider; appId: string | undefined } {
  if (value === null || typeof value !== "object") {
    throw new InvalidInputError("ServiceAppTokenProvider option tokenManager must be an object with accessToken (and appId).");
  }
  const appId = value.appId === undefined ? undefined : requireOption(value.appId, "tokenManager.appId", "the service app's id");
  const token = value.accessToken;
  if (token !== null && typeof token === "object" && typeof token.getAccessToken === "function") {
    return { provider: token, appId };
  }
  return { provider: new StaticTokenProvider(token as string, { source: "tokenManager.accessToken" }), appId };
}

function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
