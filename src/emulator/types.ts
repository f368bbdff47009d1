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
  /** People in the customer org, its full admin included. Default 300, minimum 1; 100,000 seeds in a few seconds. */
  people?: number;
  /** Customer orgs the partner admin manages, the customer org included. Default 1, at most 1000. */
  orgs?: number;
  /** People in each customer org after the first, its full admin included. Default 50, minimum 1. */
  customerOrgPeople?: number;
  /**
   * Seeds the customer org's "Webex Calling - Basic" license two units beyond its total, an audit
   * finding. Default false; every customer org after the first has such a license anyway.
   */
  overConsumedLicense?: boolean;
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
  /** Personal tokens of the seeded roles. `partnerAdmin` lists every customer org and may pass their `orgId`. */
  tokens: { developer: string; customerAdmin: string; partnerAdmin: string };
  /** The seeded orgs; `customers` are the orgs the partner manages, `customer` first. */
  orgs: { developer: EmulatorOrg; customer: EmulatorOrg; partner: EmulatorOrg; customers: EmulatorOrg[] };
  /** Targeted changes of the seeded data for tests; each returns the changes the API shows afterwards. */
  data: EmulatorData;
  /**
   * Adds, removes and changes a few objects of several kinds in one org, as happens between two
   * backups, and returns every change the list endpoints show afterwards. Outside the process,
   * `POST /_emulator/mutate` with these options as a JSON body does the same (`wxadmin emulator mutate`).
   * @throws RangeError for an `orgId` that names no org of the emulator or a `changes` count below 1
   */
  mutate(options?: MutateOptions): DataChange[];
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

/** Kinds of objects the data changes report, named as the backup stores them. */
export type DataKind =
  | "people"
  | "licenses"
  | "locations"
  | "callingLocations"
  | "numbers"
  | "callQueues"
  | "huntGroups"
  | "autoAttendants"
  | "callQueueAgents";

/**
 * One object that differs between before and after a data change, as the list endpoints show
 * it (call queues, hunt groups and auto attendants as their list item merged with their details).
 */
export interface DataChange {
  /** Base64 id of the org the object belongs to. */
  orgId: string;
  kind: DataKind;
  /** The object's `id`; numbers use their `phoneNumber`, or `ext:<locationId>:<extension>` without one. */
  id: string;
  change: "added" | "removed" | "changed";
  /** Dotted paths of the fields that differ (`address.address1`); arrays count as one value. Only for `changed`. */
  fields?: string[];
}

/** Settings of `Emulator.mutate`. */
export interface MutateOptions {
  /** Org to change (base64 id or UUID). Default: the customer org. */
  orgId?: string;
  /** Seed of the random choices. Default: derived from the emulator's `randomSeed` and the number of earlier calls. */
  randomSeed?: number;
  /**
   * Operations to apply, spread over people, numbers, locations, call features and licenses.
   * One operation may change several objects (a removed person also frees a number). Default 6.
   */
  changes?: number;
}

/** A new person for `EmulatorData.addPerson`. */
export interface PersonInput {
  firstName: string;
  lastName: string;
  /** Default: first.last@ the org's domain, with a number added when taken. */
  email?: string;
  /** Org of the person (base64 id or UUID). Default: the customer org. */
  orgId?: string;
  /** License ids. Default: the org's Messaging license. */
  licenses?: string[];
  title?: string;
  department?: string;
  /** Makes the person a Webex Calling user. */
  calling?: CallingInput;
}

/** Webex Calling data of a person. */
export interface CallingInput {
  /** Calling location id. Default: the org's first calling location. */
  locationId?: string;
  /** Extension; `null` for none. Default: the location's next free extension. */
  extension?: string | null;
  /** Direct number in E.164; a spare number of the location is taken from the inventory. `null` or absent: none. */
  workNumber?: string | null;
}

/** Changes of `EmulatorData.updatePerson`; absent fields stay as they are. */
export interface PersonPatch {
  firstName?: string;
  lastName?: string;
  displayName?: string;
  /** `null` removes the title. */
  title?: string | null;
  department?: string | null;
  /** License ids; consumption counts follow. */
  licenses?: string[];
  /** Webex Calling data; `null` makes the person a non-calling user. Given fields replace the current ones. */
  calling?: CallingInput | null;
}

/** Changes of `EmulatorData.setLicense`. */
export interface LicensePatch {
  totalUnits?: number;
  consumedByWorkspaces?: number;
}

/** A spare number for `EmulatorData.addNumber`. */
export interface NumberInput {
  /** Calling location id. */
  locationId: string;
  /** E.164 number. Default: the location's next free number. */
  phoneNumber?: string;
  /** Default ACTIVE. */
  state?: "ACTIVE" | "INACTIVE";
}

/** A new location for `EmulatorData.addLocation`. */
export interface LocationInput {
  name: string;
  /** Org of the location. Default: the customer org. */
  orgId?: string;
  /** Enables Webex Calling with a new number block and main number. Default true. */
  calling?: boolean;
  city?: string;
}

/** Changes of `EmulatorData.updateLocation`. */
export interface LocationPatch {
  name?: string;
  address1?: string;
  postalCode?: string;
  /** Main number of a calling location; `null` removes it (an audit finding). */
  mainNumber?: string | null;
}

/** A new call queue, hunt group or auto attendant for `EmulatorData.addCallFeature`. */
export interface CallFeatureInput {
  kind: "callQueue" | "huntGroup" | "autoAttendant";
  locationId: string;
  name: string;
  /** Person ids of the agents (call queues and hunt groups). Default: none. */
  agentIds?: string[];
  /** Gives the feature a new number from the location's block. Default false. */
  withNumber?: boolean;
}

/** Changes of `EmulatorData.updateCallFeature`. */
export interface CallFeaturePatch {
  name?: string;
  enabled?: boolean;
  /** Replaces the agents (call queues and hunt groups) by these person ids. */
  agentIds?: string[];
}

/**
 * Targeted data changes for tests. Ids are base64 Webex ids. Each method returns the changes
 * the API shows afterwards, in the form `Emulator.mutate` uses.
 * Methods throw RangeError for an unknown id and TypeError for an invalid value.
 */
export interface EmulatorData {
  addPerson(input: PersonInput): { id: string; changes: DataChange[] };
  updatePerson(personId: string, patch: PersonPatch): DataChange[];
  /** Removes a person; their licenses are released, their number stays unassigned in the inventory. */
  removePerson(personId: string): DataChange[];
  setLicense(licenseId: string, patch: LicensePatch): DataChange[];
  addNumber(input: NumberInput): { phoneNumber: string; changes: DataChange[] };
  /** Changes the state of an unassigned number. */
  updateNumber(phoneNumber: string, patch: { state: "ACTIVE" | "INACTIVE" }, orgId?: string): DataChange[];
  /** Removes an unassigned number from the inventory. */
  removeNumber(phoneNumber: string, orgId?: string): DataChange[];
  addLocation(input: LocationInput): { id: string; changes: DataChange[] };
  updateLocation(locationId: string, patch: LocationPatch): DataChange[];
  /** Removes a location without people or call features; its spare numbers go with it. */
  removeLocation(locationId: string): DataChange[];
  addCallFeature(input: CallFeatureInput): { id: string; changes: DataChange[] };
  updateCallFeature(featureId: string, patch: CallFeaturePatch): DataChange[];
  /** Removes a call feature; its number stays unassigned in the inventory. */
  removeCallFeature(featureId: string): DataChange[];
}
