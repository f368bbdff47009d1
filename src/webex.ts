/**
 * The entry point of the SDK: `Webex.connect` checks the token, learns which orgs it can see
 * and which org owns it, and hands out one `Org` per visible org. `Webex.fromServiceApp`
 * builds a connection for a stored service-app token pair without any network call.
 */
import { ServiceAppTokenProvider, type ServiceAppTokenProviderOptions } from "./auth/service-app-token-provider.js";
import { StaticTokenProvider, type TokenProvider } from "./auth/token-provider.js";
import { encodeId, isSameId, isUuid, decodeId, rawId } from "./ids.js";
import { Applications } from "./resources/applications.js";
import { Licenses } from "./resources/licenses.js";
import { Organizations, type OrganizationData, type OrgRef } from "./resources/organizations.js";
import { People, type Person } from "./resources/people.js";
import { Locations } from "./resources/locations.js";
import { CallingLocations } from "./resources/calling-locations.js";
import { Numbers } from "./resources/numbers.js";
import { CallQueues } from "./resources/call-queues.js";
import { CallQueueAgents } from "./resources/call-queue-agents.js";
import { HuntGroups } from "./resources/hunt-groups.js";
import { AutoAttendants } from "./resources/auto-attendants.js";
import { describeValue } from "./resources/validate.js";
import { InvalidInputError, NotFoundError, PermissionError, withAdvice } from "./transport/errors.js";
import { chooseBaseUrl, DEFAULT_BASE_URL } from "./transport/base-url.js";
import { Transport, type ConnectionOptions } from "./transport/request.js";

export type { OrgRef } from "./resources/organizations.js";

/** Options of `Webex.connect`: a token or token provider, and the connection settings. Give `accessToken` or `tokenProvider`. */
export interface WebexOptions extends ConnectionOptions {
  /** A bearer token: a personal token, an admin's token or a service-app token. */
  accessToken?: string;
  /** A source of tokens, asked before every request. Use instead of `accessToken`. */
  tokenProvider?: TokenProvider;
}

/**
 * Options of `Webex.fromServiceApp`: the service app, its org and the token store, plus the
 * connection settings, which apply to every request of the connection and to its token requests.
 */
export interface ServiceAppOptions extends ServiceAppTokenProviderOptions {}

/** The org-specific parts of a connection that `Org` needs. */
interface OrgOwner {
  readonly transport: Transport;
  resolveOrgId(org: OrgRef): Promise<string>;
}

/** One org seen through a connection. Every request made through it names the org. */
export class Org {
  /** Base64 Webex org id. */
  readonly id: string;
  /** The org's name; empty when the token cannot read organizations (service-app tokens without that scope). */
  readonly displayName: string;
  /** The UUID inside the id. */
  readonly uuid: string;
  /** The wire object. */
  readonly data: OrganizationData;
  readonly applications: Applications;
  readonly people: People;
  readonly licenses: Licenses;
  readonly locations: Locations;
  /** The locations with Webex Calling enabled, and their calling settings. */
  readonly callingLocations: CallingLocations;
  readonly numbers: Numbers;
  readonly callQueues: CallQueues;
  /** Everyone who answers the org's call queues. */
  readonly callQueueAgents: CallQueueAgents;
  readonly huntGroups: HuntGroups;
  readonly autoAttendants: AutoAttendants;

  constructor(owner: OrgOwner, data: OrganizationData) {
    this.id = data.id;
    this.displayName = typeof data.displayName === "string" ? data.displayName : "";
    this.uuid = rawId(data.id);
    this.data = data;
    this.applications = new Applications(owner.transport, { orgId: data.id, resolveOrgId: (org) => owner.resolveOrgId(org) });
    this.people = new People(owner.transport, data.id);
    this.licenses = new Licenses(owner.transport, data.id);
    this.locations = new Locations(owner.transport, data.id);
    this.callingLocations = new CallingLocations(owner.transport, data.id);
    this.numbers = new Numbers(owner.transport, data.id);
    this.callQueues = new CallQueues(owner.transport, data.id);
    this.callQueueAgents = new CallQueueAgents(owner.transport, data.id);
    this.huntGroups = new HuntGroups(owner.transport, data.id);
    this.autoAttendants = new AutoAttendants(owner.transport, data.id);
  }

  /** Shows id and name only. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Org { id: '${this.id}', displayName: '${this.displayName}' }`;
  }
}

/** A connection to Webex with one token. */
export class Webex {
  readonly transport: Transport;
  /** The person (or service-app machine account) that owns the token, when `people/me` could be read. */
  readonly me: Person | undefined;
  /** The token owner's org. */
  readonly org: Org;
  /** Every org the token can see; the token owner's org is among them. */
  readonly orgs: Org[];
  /** Organization lookups with this connection's token. */
  readonly organizations: Organizations;
  /** The source of this connection's tokens; a `ServiceAppTokenProvider` after `fromServiceApp`. */
  readonly tokenProvider: TokenProvider;
  readonly #resolvedUuids = new Map<string, string>();

  private constructor(transport: Transport, me: Person | undefined, orgData: OrganizationData[], ownOrgId: string) {
    this.transport = transport;
    this.tokenProvider = transport.tokenProvider;
    this.me = me;
    this.organizations = new Organizations(transport);
    this.orgs = orgData.map((data) => new Org(this, data));
    this.org = this.orgs.find((org) => isSameId(org.id, ownOrgId)) as Org;
  }

  /**
   * Connects with a token: reads the orgs it can see (`GET /organizations`) and its owner
   * (`GET /people/me`). A token that may not list organizations, such as a service-app token
   * without that scope, gets the owner's org alone.
   *
   * @throws InvalidInputError for a missing or empty token or a bad base URL; AuthError for a
   *   rejected token; other `WebexError`s
   */
  static async connect(options: WebexOptions): Promise<Webex> {
    const tokenProvider = resolveTokenProvider(options);
    const transport = createTransport(options, tokenProvider);
    transport.logger.info(`Connecting to ${transport.baseUrl} with a ${tokenProvider.describe()}.`);

    const organizations = new Organizations(transport);
    const readMe = async (): Promise<Person> => (await transport.request<Person>({ method: "GET", path: "/people/me" })).body;
    const [orgsResult, meResult] = await Promise.allSettled([organizations.list(), readMe()]);

    let orgData: OrganizationData[];
    if (orgsResult.status === "fulfilled") {
      orgData = orgsResult.value;
    } else if (orgsResult.reason instanceof PermissionError) {
      transport.logger.debug("The token may not list organizations (403); using the org of people/me alone.");
      orgData = [];
    } else {
      throw explainConnectFailure(orgsResult.reason, transport.baseUrl);
    }

    if (meResult.status === "rejected" && !(meResult.reason instanceof PermissionError) && !(meResult.reason instanceof NotFoundError)) {
      throw meResult.reason;
    }
    const me = meResult.status === "fulfilled" ? meResult.value : undefined;
    let ownOrgId: string;
    try {
      ownOrgId = chooseOwnOrgId(me, orgData, meResult);
    } catch (error) {
      throw explainConnectFailure(error, transport.baseUrl);
    }
    if (!orgData.some((org) => isSameId(org.id, ownOrgId))) {
      orgData = [...orgData, { id: ownOrgId, displayName: "" }];
    }

    const webex = new Webex(transport, me, orgData, ownOrgId);
    transport.logger.info(`Connected as ${describeOwner(me)} in org ${webex.org.displayName || webex.org.id}; ${webex.orgs.length === 1 ? "1 org" : `${webex.orgs.length} orgs`} visible.`);
    return webex;
  }

  /**
   * Creates a connection that acts as a service app in one org, with a token pair from
   * `options.store` that a `ServiceAppTokenProvider` keeps fresh. Makes no network call: the
   * org is `options.orgId` (its `displayName` is empty), it is the only org in `orgs`, and
   * `me` is undefined. The first request loads the pair from the store.
   *
   * @throws InvalidInputError for a missing or malformed option (client id, secret, org id,
   *   store, base URL)
   */
  static fromServiceApp(options: ServiceAppOptions): Webex & { readonly tokenProvider: ServiceAppTokenProvider } {
    if (options === null || typeof options !== "object") {
      throw new InvalidInputError(`Webex.fromServiceApp needs an options object with clientId, clientSecret, orgId and store, got ${describeValue(options)}.`);
    }
    const unexpected = (["accessToken", "tokenProvider"] as const).find((name) => (options as WebexOptions)[name] !== undefined);
    if (unexpected !== undefined) {
      throw new InvalidInputError(`Webex.fromServiceApp got ${unexpected}; it gets its tokens from the store. Use Webex.connect for a fixed token.`);
    }

    const tokenProvider = new ServiceAppTokenProvider(options);
    const transport = createTransport(options, tokenProvider);
    const webex = new Webex(transport, undefined, [{ id: tokenProvider.orgId, displayName: "" }], tokenProvider.orgId);
    transport.logger.info(`Using ${tokenProvider.describe()} at ${transport.baseUrl}; the first request loads the token pair.`);
    return webex as Webex & { readonly tokenProvider: ServiceAppTokenProvider };
  }

  /**
   * Returns the visible org that `org` names (base64 id, bare UUID or `Org`).
   *
   * @throws InvalidInputError when `org` is malformed or not among `orgs`; the message lists them
   */
  forOrg(org: OrgRef): Org {
    const value = readOrgRef(org);
    const found = this.orgs.find((candidate) => isSameId(candidate.id, value));
    if (found !== undefined) {
      return found;
    }
    if (!isUuid(value) && !isOrgId(value)) {
      throw invalidOrgRef(value);
    }
    const visible = this.orgs.map((candidate) => `${candidate.id} (${candidate.displayName || "name unknown"})`).join(", ");
    throw new InvalidInputError(`Org ${value} is not among the orgs this token can see: ${visible}. Pass one of these ids, or connect with a token of that org.`);
  }

  /**
   * Turns an org reference into a base64 org id. A base64 id is returned as given and an `Org`
   * gives its id. A bare UUID is looked up among the visible orgs, then with
   * `GET /organizations/{uuid}`, and only when neither finds it is it encoded locally with the
   * `us` cluster (logged at debug level).
   *
   * @throws InvalidInputError when `org` is neither a base64 org id nor a UUID; `WebexError`s of
   *   the lookup other than 403 and 404
   */
  async resolveOrgId(org: OrgRef): Promise<string> {
    const value = readOrgRef(org);
    if (isOrgId(value)) {
      return value;
    }
    if (!isUuid(value)) {
      throw invalidOrgRef(value);
    }

    const visible = this.orgs.find((candidate) => isSameId(candidate.id, value));
    if (visible !== undefined) {
      return visible.id;
    }
    const cached = this.#resolvedUuids.get(value.toLowerCase());
    if (cached !== undefined) {
      return cached;
    }

    const resolved = await this.#lookUpOrgUuid(value);
    this.#resolvedUuids.set(value.toLowerCase(), resolved);
    return resolved;
  }

  async #lookUpOrgUuid(uuid: string): Promise<string> {
    try {
      const data = await this.organizations.get(uuid);
      if (typeof data.id === "string" && isOrgId(data.id)) {
        return data.id;
      }
    } catch (error) {
      if (!(error instanceof PermissionError) && !(error instanceof NotFoundError)) {
        throw error;
      }
    }

    const encoded = encodeId("ORGANIZATION", uuid);
    this.transport.logger.debug(
      `Org UUID ${uuid} is not visible to this token and GET /organizations/${uuid} did not return it; using the locally encoded id ${encoded}, which assumes the "us" cluster.`,
    );
    return encoded;
  }

  /** Shows the org and the owner, never the token. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Webex { baseUrl: '${this.transport.baseUrl}', org: '${this.org.id}', orgs: ${this.orgs.length}, me: '${describeOwner(this.me)}' }`;
  }
}

function resolveTokenProvider(options: WebexOptions): TokenProvider {
  if (options === null || typeof options !== "object") {
    throw new InvalidInputError(`Webex.connect needs an options object with accessToken or tokenProvider, got ${describeValue(options)}.`);
  }
  if (options.accessToken !== undefined && options.tokenProvider !== undefined) {
    throw new InvalidInputError("Webex.connect got both accessToken and tokenProvider; pass one of them.");
  }
  if (options.tokenProvider !== undefined) {
    return options.tokenProvider;
  }
  if (options.accessToken === undefined) {
    throw new InvalidInputError("Webex.connect got no access token; pass accessToken (a personal or service-app token) or tokenProvider.");
  }
  return new StaticTokenProvider(options.accessToken);
}

function createTransport(options: ConnectionOptions, tokenProvider: TokenProvider): Transport {
  return new Transport({
    baseUrl: chooseBaseUrl(options.baseUrl),
    tokenProvider,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    logger: options.logger,
    fetch: options.fetch,
    sleep: options.sleep,
    now: options.now,
    signal: options.signal,
  });
}

/**
 * Adds a hint to a 404 from the first calls of `connect` when the base URL does not end in
 * `/v1`. Webex's base URL and the emulator's both do, so the likely cause is a base URL
 * without it, such as `http://127.0.0.1:8080`. Returns other errors unchanged.
 */
function explainConnectFailure(error: unknown, baseUrl: string): unknown {
  if (!(error instanceof NotFoundError) || new URL(baseUrl).pathname.replace(/\/+$/, "").endsWith("/v1")) {
    return error;
  }
  return withAdvice(
    error,
    `The base URL ${baseUrl} does not end in /v1, as Webex's (${DEFAULT_BASE_URL}) and the emulator's do; check the baseUrl option (--base-url in the CLI) or WEBEX_BASE_URL.`,
  );
}

/** Picks the token owner's org: the `orgId` of people/me, else the only visible org. */
function chooseOwnOrgId(me: Person | undefined, orgData: OrganizationData[], meResult: PromiseSettledResult<Person>): string {
  if (me !== undefined && typeof me.orgId === "string" && me.orgId !== "") {
    return me.orgId;
  }
  if (orgData.length === 1 && orgData[0] !== undefined) {
    return orgData[0].id;
  }
  if (meResult.status === "rejected") {
    throw meResult.reason;
  }
  throw new InvalidInputError(
    `Cannot determine the org that owns this token: GET /people/me returned no orgId and the token can see ${orgData.length} orgs; use a token whose owner can read people/me.`,
  );
}

function describeOwner(me: Person | undefined): string {
  if (me === undefined) {
    return "an unknown owner";
  }
  return me.displayName ?? me.emails?.[0] ?? me.id;
}

function readOrgRef(org: OrgRef): string {
  if (typeof org === "string") {
    const value = org.trim();
    if (value === "") {
      throw invalidOrgRef(org);
    }
    return value;
  }
  if (org !== null && typeof org === "object" && typeof org.id === "string" && org.id.trim() !== "") {
    return org.id.trim();
  }
  throw new InvalidInputError(`Invalid org ${describeValue(org)}: expected a base64 org id, a bare UUID or an Org object.`);
}

function isOrgId(value: string): boolean {
  return decodeId(value)?.kind === "ORGANIZATION";
}

function invalidOrgRef(value: string): InvalidInputError {
  const kind = decodeId(value)?.kind;
  if (kind !== undefined) {
    return new InvalidInputError(`Invalid org ${value}: it is a ${kind} id, not an ORGANIZATION id; pass the org's id or UUID.`);
  }
  return new InvalidInputError(
    `Invalid org ${JSON.stringify(value)}: expected a base64 org id (Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi…), a bare UUID or an Org object.`,
  );
}
