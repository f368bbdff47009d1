/**
 * Public option and handle types of the emulator.
 */

/** Settings of `startEmulator`. Every field is optional. */
export interface EmulatorOptions {
  /** TCP port to listen on. Default 0, an ephemeral port chosen by the system. */
  port?: number;
  /** Address to bind. Default `127.0.0.1`; only loopback addresses (127.0.0.0/8, `::1`, `localhost`) are accepted. */
  host?: string;
  /** Fixture to load: `demo` (two orgs, seeded people and licenses) or `empty` (the two orgs and their admins only). Default `demo`. */
  seed?: "demo" | "empty";
  /** Seed of the generated people, ids and names; the same seed gives the same data. Default 1. */
  randomSeed?: number;
  /** People in the customer org, its full admin included. Default 300, minimum 1. */
  people?: number;
  /** Lifetime of a service-app access token, in seconds. Default 1209600 (14 days). */
  accessTokenLifetimeSeconds?: number;
  /** Lifetime of a service-app refresh token, in seconds. Default 7776000 (90 days). */
  refreshTokenLifetimeSeconds?: number;
  /** Lifetime of the seeded personal tokens, in seconds. Default 43200 (12 hours). */
  personalTokenLifetimeSeconds?: number;
  /** When true a refresh returns a new refresh token and revokes the old one. Default false: the same refresh token comes back with its lifetime reset. */
  rotateRefreshTokens?: boolean;
  /** Per-token rate limit measured in real (wall-clock) time. Default: none. */
  rateLimit?: RateLimitOptions;
  /** Random faults drawn from a PRNG seeded with `randomSeed`. Default: none. */
  faults?: RandomFaultOptions;
  /** Receives one line per request with credentials masked. Default: no access log. */
  accessLog?: (line: string) => void;
}

/** Token bucket per bearer token (per `client_id` for `/access_token`). */
export interface RateLimitOptions {
  /** Sustained requests per second. The bucket also has room for this many requests (at least 1), which allows short bursts. */
  requestsPerSecond: number;
  /** `Retry-After` value sent with a 429, in seconds. Default: the seconds until the bucket has a request again, rounded up. */
  retryAfterSeconds?: number;
}

/** Shares of requests (0 to 1) that get a random fault. */
export interface RandomFaultOptions {
  /** Share of requests that get a 500, 502, 503 or 504 response. Default 0. */
  errorRate?: number;
  /** Share of requests whose socket is destroyed without a response. Default 0. */
  resetRate?: number;
  /** Share of requests whose response waits `delayMs`. Default 0. */
  delayRate?: number;
  /** Delay of a delayed request, in milliseconds. Default 1000. */
  delayMs?: number;
}

/** A scripted fault for tests, applied to the next matching requests. */
export interface InjectedFault {
  /** HTTP method to match, any case. Default: every method. */
  method?: string;
  /**
   * Path to match. A string matches the pathname with or without the `/v1` prefix, with or
   * without the query string; a trailing `*` makes it a prefix. A RegExp is tested against
   * the pathname (with `/v1`) plus the query string. Default: every path.
   */
  path?: string | RegExp;
  /** Matching requests to let through before the fault applies. Default 0. */
  skip?: number;
  /** Matching requests the fault applies to after the skipped ones. Default 1. */
  times?: number;
  /** Status to answer with, with a Webex error body. */
  status?: number;
  /** Raw `Retry-After` header value (`"2"`, an HTTP-date, `"soon"`); `null` sends none. Default for a 429: `"1"`. */
  retryAfter?: string | null;
  /** Delay before answering (or before resetting), in milliseconds. */
  delayMs?: number;
  /** Destroys the socket without an answer. */
  reset?: boolean;
  /** Performs the request first and then answers with the fault, so the client cannot know it succeeded. */
  processBeforeFault?: boolean;
}

/** One served request as recorded in `Emulator.requestLog`. */
export interface RequestLogEntry {
  method: string;
  /** Pathname plus query string, secret query values masked. */
  path: string;
  /** Status sent, or 0 when the socket was reset without an answer. */
  status: number;
  trackingId: string;
  /** Wall-clock time the request arrived, epoch milliseconds. */
  at: number;
  /** Time from arrival to the end of the answer, in milliseconds. */
  durationMs: number;
}

/** Settable time source behind every expiry in the emulator. */
export interface EmulatorClock {
  /** Current emulator time, epoch milliseconds. */
  now(): number;
  /** Moves the clock forward by `seconds` (negative moves it back). */
  advance(seconds: number): void;
  /** Jumps the clock to `epochMs`; it keeps running from there. */
  set(epochMs: number): void;
  /** Returns the clock to real time. */
  reset(): void;
}

/** Summary of a seeded org. */
export interface EmulatorOrg {
  /** Base64 Webex id. */
  id: string;
  uuid: string;
  displayName: string;
}

/** Settings of `Emulator.createPersonalToken`. */
export interface PersonalTokenRequest {
  /** Org of the new person. */
  org: "developer" | "customer";
  /** Admin role of the new person. Default `none`. */
  role?: "full_admin" | "read_only_admin" | "none";
  /** Scopes of the token. Default: the scopes of the seeded personal tokens. */
  scopes?: string[];
  /** Token lifetime in seconds. Default `personalTokenLifetimeSeconds`. */
  lifetimeSeconds?: number;
}

/** Token settings changed while the emulator runs; each applies to tokens issued afterwards. */
export interface TokenSettings {
  /** Lifetime of service-app access tokens issued from now on, in seconds. */
  accessTokenLifetimeSeconds?: number;
  /** Lifetime of service-app refresh tokens issued or renewed from now on, in seconds. */
  refreshTokenLifetimeSeconds?: number;
  /** When true, each refresh returns a new refresh token and revokes the old one. */
  rotateRefreshTokens?: boolean;
}

/** Filter of `Emulator.revokeTokens`. Personal tokens are never revoked. */
export interface RevokeTokensFilter {
  /** Only tokens of this application (base64 id or UUID). Default: every service app. */
  appId?: string;
  /** Only tokens that act in this org (base64 id or UUID). Default: every org. */
  orgId?: string;
  /** Kind of tokens to revoke: `access`, `refresh` or `both`. Default `both`. */
  kind?: "access" | "refresh" | "both";
}

/** Counts of the tokens `Emulator.revokeTokens` revoked. */
export interface RevokedTokens {
  accessTokens: number;
  refreshTokens: number;
}

/** A running emulator. */
export interface Emulator {
  /** Base URL ending in `/v1`, for example `http://127.0.0.1:41234/v1`. */
  url: string;
  /** Personal tokens of the seeded roles. */
  tokens: { developer: string; customerAdmin: string };
  orgs: { developer: EmulatorOrg; customer: EmulatorOrg };
  clock: EmulatorClock;
  /** Queues a scripted fault; faults are matched in the order they were queued. */
  inject(fault: InjectedFault): void;
  /** Drops every queued scripted fault. */
  clearFaults(): void;
  /** Adds a person to a seeded org and returns a personal token for them, for tests that need other roles or scopes. */
  createPersonalToken(request: PersonalTokenRequest): string;
  /**
   * Changes token lifetimes and refresh-token rotation for tokens issued from now on.
   * @throws RangeError for a lifetime that is not a whole number of seconds of at least 1
   */
  configureTokens(settings: TokenSettings): void;
  /**
   * Revokes service-app tokens as Webex does when it withdraws them: a revoked access token gets
   * 401 and a revoked refresh token `invalid_grant`. Returns how many of each were revoked.
   * @throws RangeError when `appId` or `orgId` names no app or org of the emulator
   */
  revokeTokens(filter?: RevokeTokensFilter): RevokedTokens;
  /** Requests served so far, oldest first; past 20,000 entries the oldest are dropped down to the newest 10,000. */
  requestLog: RequestLogEntry[];
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}
