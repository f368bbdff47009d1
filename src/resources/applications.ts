/**
 * Service applications: create one, look it up, have an admin authorize it in an org, and
 * get org-specific tokens for it.
 */
import { inspect } from "node:util";
import { classifyRefreshRejection } from "../auth/token-grants.js";
import { TokenInfo } from "../auth/token.js";
import { maskSecret, registerSecret } from "../redact.js";
import {
  AuthError,
  BadRequestError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  TokenRefreshError,
  WebexApiError,
  wrappingDetails,
  type TokenRejectionReason,
} from "../transport/errors.js";
import { paginate, type Paginator } from "../transport/paginate.js";
import type { Transport } from "../transport/request.js";
import type { OrgRef } from "./organizations.js";
import { describeValue, pathSegment, requireSecretText, requireText } from "./validate.js";

/** The type Webex gives service applications. */
export const SERVICE_APP_TYPE = "authorizedAppIssuer";

/** An application as Webex returns it, without the client secret. */
export interface ApplicationData {
  id: string;
  friendlyId?: string;
  /** `authorizedAppIssuer` for service apps; `integration` or `bot` for others. */
  type: string;
  name: string;
  description?: string;
  /** Org that owns the application. */
  orgId: string;
  clientId?: string;
  scopes?: string[];
  logo?: string;
  contactEmail?: string;
  createdBy?: string;
  created?: string;
  modified?: string;
  isNative?: boolean;
  isFeatured?: boolean;
  submissionStatus?: string;
  [field: string]: unknown;
}

/** Input of `Applications.createServiceApplication`. */
export interface CreateServiceApplicationInput {
  /** Name shown to admins in Control Hub. */
  name: string;
  /** Email address of the app's developers. */
  contactEmail: string;
  /** Absolute http(s) URL of the app's logo image. */
  logo: string;
  /** Scopes the app's tokens carry, such as `spark-admin:people_read`. At least one. */
  scopes: string[];
  description?: string;
}

/** Filters of `Applications.list`, as Webex names them. */
export interface ListApplicationsParams {
  /** Application type, such as `authorizedAppIssuer` for service apps. Default: all types. */
  type?: string;
  /** Person id of the creator, or `me`. */
  createdBy?: string;
  /** Org whose applications to list. Default the org these `Applications` belong to. */
  orgId?: string;
  /** Applications per page. */
  max?: number;
}

/** The org context an `Application` uses: its default org and the org-id resolver of its connection. */
export interface ApplicationScope {
  /** Base64 id of that org: the default org of `authorize` and `list`. */
  readonly orgId: string;
  /** Turns an org reference into a base64 org id. */
  resolveOrgId(org: OrgRef): Promise<string>;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SCOPE_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** The applications visible through one org of a connection. */
export class Applications {
  readonly #transport: Transport;
  readonly #scope: ApplicationScope;

  constructor(transport: Transport, scope: ApplicationScope) {
    this.#transport = transport;
    this.#scope = scope;
  }

  /** Lists applications, page by page as the iterator is consumed. */
  list(params: ListApplicationsParams = {}): Paginator<Application> {
    const query = { type: params.type, createdBy: params.createdBy, max: params.max };
    const request = { method: "GET" as const, path: "/applications", query, orgId: params.orgId ?? this.#scope.orgId };
    const pages = paginate<ApplicationData>(this.#transport, request, "items");
    return mapPaginator(pages, (data) => new Application(this.#transport, this.#scope, data));
  }

  /**
   * Reads one application. A service app of another org can be read too, so an admin can look
   * it up before authorizing it.
   *
   * @throws InvalidInputError for an empty id; NotFoundError and other `WebexError`s
   */
  async getAppById(id: string): Promise<Application> {
    const appId = requireText(id, "application id", "a base64 application id");
    const response = await this.#transport.request<ApplicationData>({ method: "GET", path: `/applications/${pathSegment(appId)}` });
    return new Application(this.#transport, this.#scope, readApplication(response.body));
  }

  /**
   * Finds the application with exactly this name among `list()`.
   *
   * @throws NotFoundError when none has it; ConflictError when several have it; other `WebexError`s
   */
  async getAppByName(name: string): Promise<Application> {
    const expectedName = requireText(name, "application name", '"Acme Audit Robot"');
    const matches: Application[] = [];
    for await (const app of this.list()) {
      if (app.name === expectedName) {
        matches.push(app);
      }
    }

    if (matches.length === 0) {
      throw new NotFoundError(`No application named ${JSON.stringify(expectedName)} in org ${this.#scope.orgId}; check the name (matching is exact) or list the applications.`);
    }
    if (matches.length > 1) {
      const ids = matches.map((app) => app.id).join(", ");
      throw new ConflictError(`${matches.length} applications are named ${JSON.stringify(expectedName)} (ids ${ids}); use getAppById with one of the ids.`);
    }
    return matches[0] as Application;
  }

  /**
   * Creates a service application. The returned app carries `clientSecret`, which Webex shows
   * only in this response: store it now. The request is not repeated after a timeout or a
   * 5xx, because the app may already exist.
   *
   * @throws InvalidInputError naming the field for bad input; other `WebexError`s
   */
  async createServiceApplication(input: CreateServiceApplicationInput): Promise<Application> {
    const body = validateCreateInput(input);
    const response = await this.#transport.request<ApplicationData & { clientSecret?: unknown }>({ method: "POST", path: "/applications", json: body });

    const { clientSecret, ...data } = readApplication(response.body) as ApplicationData & { clientSecret?: unknown };
    if (typeof clientSecret !== "string" || clientSecret === "") {
      throw new WebexApiError(
        `Webex created application ${data.id} but returned no clientSecret; regenerate the secret with regenerateClientSecret() to get one.`,
        { method: "POST", path: "/applications", trackingId: response.trackingId },
      );
    }
    registerSecret(clientSecret);
    return new Application(this.#transport, this.#scope, data, clientSecret);
  }
}

/**
 * One application. Its fields are Webex's, and `data` contains the full wire object without
 * the client secret. `inspect()` masks the secret and `JSON.stringify` leaves it out.
 */
export class Application {
  readonly id: string;
  readonly clientId: string | undefined;
  readonly name: string;
  readonly type: string;
  readonly orgId: string;
  readonly scopes: string[];
  /** The wire object, without `clientSecret`. */
  readonly data: ApplicationData;
  readonly #transport: Transport;
  readonly #scope: ApplicationScope;
  #clientSecret: string | undefined;

  constructor(transport: Transport, scope: ApplicationScope, data: ApplicationData, clientSecret?: string) {
    this.#transport = transport;
    this.#scope = scope;
    this.data = data;
    this.id = data.id;
    this.clientId = typeof data.clientId === "string" ? data.clientId : undefined;
    this.name = data.name;
    this.type = data.type;
    this.orgId = data.orgId;
    this.scopes = Array.isArray(data.scopes) ? data.scopes : [];
    this.#clientSecret = clientSecret;
  }

  /**
   * The client secret, known only on the object returned by `createServiceApplication` and
   * after `regenerateClientSecret` on this object. Webex never returns it again.
   */
  get clientSecret(): string | undefined {
    return this.#clientSecret;
  }

  /**
   * Authorizes the app in an org, as a full admin of that org. Authorizing twice is harmless.
   *
   * @param org the org to authorize; default the org these applications were read through
   * @throws PermissionError when the caller is not a full admin of the org; other `WebexError`s
   */
  async authorize(org?: OrgRef): Promise<void> {
    const orgId = org === undefined ? this.#scope.orgId : await this.#scope.resolveOrgId(org);
    await this.#transport.request({
      method: "POST",
      path: `/applications/${pathSegment(this.id)}/authorize`,
      json: { orgId },
      // Authorizing an already authorized app changes nothing, so a retry is safe.
      idempotent: true,
    });
  }

  /**
   * Withdraws the app's authorization in an org; its tokens for that org stop working.
   *
   * @param org the org; default the org these applications were read through
   * @throws PermissionError when the caller is not a full admin of the org; other `WebexError`s
   */
  async deauthorize(org?: OrgRef): Promise<void> {
    const orgId = org === undefined ? this.#scope.orgId : await this.#scope.resolveOrgId(org);
    await this.#transport.request({ method: "DELETE", path: `/applications/${pathSegment(this.id)}/authorize`, query: { orgId } });
  }

  /**
   * Gets an access and refresh token pair that acts in `org`, where a full admin must have
   * authorized the app. The caller's token needs the `spark:applications_token` scope.
   *
   * @param clientSecret the app's client secret
   * @param org the target org: base64 id, bare UUID or `Org`
   * @throws InvalidInputError for an empty secret, a bad org or an app without clientId.
   * @throws BadRequestError for a wrong client id or secret.
   * @throws PermissionError when the app is not authorized in the org or the caller lacks the scope.
   * @throws WebexError for other failures.
   */
  async getToken(clientSecret: string, org: OrgRef): Promise<TokenInfo> {
    const secret = requireSecretText(clientSecret, "clientSecret");
    registerSecret(secret);
    const clientId = this.#requireClientId();
    const targetOrgId = await this.#scope.resolveOrgId(org);

    const obtainedAtMs = this.#transport.now();
    const response = await this.#transport.request({
      method: "POST",
      path: `/applications/${pathSegment(this.id)}/token`,
      json: { clientId, clientSecret: secret, targetOrgId },
      // A repeated request only issues another valid pair, so a retry is safe.
      idempotent: true,
    });
    return TokenInfo.fromResponse(response.body, obtainedAtMs);
  }

  /**
   * Exchanges a refresh token for a new pair (`POST /v1/access_token`, form-encoded refresh
   * grant). Store the refresh token that comes back: Webex may return a new one.
   *
   * @throws TokenRefreshError when Webex rejects the refresh token or the client secret. Then
   *   a new `getToken` is needed, perhaps after the admin authorizes the app again.
   * @throws InvalidInputError for empty input.
   * @throws WebexError for other failures.
   */
  async getTokenRefresh(clientSecret: string, refreshToken: string): Promise<TokenInfo> {
    const secret = requireSecretText(clientSecret, "clientSecret");
    const refresh = requireSecretText(refreshToken, "refreshToken");
    registerSecret(secret);
    registerSecret(refresh);
    const clientId = this.#requireClientId();

    const obtainedAtMs = this.#transport.now();
    try {
      const response = await this.#transport.request({
        method: "POST",
        path: "/access_token",
        form: { grant_type: "refresh_token", client_id: clientId, client_secret: secret, refresh_token: refresh },
        authenticate: false,
      });
      return TokenInfo.fromResponse(response.body, obtainedAtMs);
    } catch (error) {
      if (error instanceof BadRequestError || error instanceof AuthError) {
        const reason = classifyRefreshRejection(error);
        throw new TokenRefreshError(`${error.message} ${describeRefreshRejection(reason, this.name)}`, { ...wrappingDetails(error), reason });
      }
      throw error;
    }
  }

  /**
   * Replaces the app's client secret and returns the new one. The old secret stops working at
   * once. Not repeated after a timeout or a 5xx, because a second call would replace the
   * secret the first one returned.
   *
   * @throws PermissionError or NotFoundError when the caller cannot manage the app; other `WebexError`s
   */
  async regenerateClientSecret(): Promise<string> {
    const response = await this.#transport.request<{ clientSecret?: unknown }>({
      method: "DELETE",
      path: `/applications/${pathSegment(this.id)}/clientSecret`,
      idempotent: false,
    });
    const secret = response.body?.clientSecret;
    if (typeof secret !== "string" || secret === "") {
      throw new WebexApiError(`Webex regenerated the secret of application ${this.id} but returned no clientSecret; regenerate it again to get one.`, {
        method: "DELETE",
        trackingId: response.trackingId,
      });
    }
    registerSecret(secret);
    this.#clientSecret = secret;
    return secret;
  }

  /**
   * Deletes the application. Its tokens stop working in every org.
   *
   * @throws NotFoundError when the app does not exist; PermissionError and other `WebexError`s
   */
  async delete(): Promise<void> {
    try {
      await this.#transport.request({ method: "DELETE", path: `/applications/${pathSegment(this.id)}` });
    } catch (error) {
      // A retried DELETE whose first attempt went through finds nothing left to delete.
      if (error instanceof NotFoundError && (error.attempts ?? 1) > 1) {
        return;
      }
      throw error;
    }
  }

  /** Returns the wire object without the client secret. */
  toJSON(): ApplicationData {
    return this.data;
  }

  /** Shows the main fields with the client secret masked. */
  [inspect.custom](): string {
    const visibleFields: Record<string, unknown> = {
      id: this.id,
      name: this.name,
      type: this.type,
      clientId: this.clientId,
      orgId: this.orgId,
      scopes: this.scopes,
    };
    if (this.#clientSecret !== undefined) {
      visibleFields.clientSecret = maskSecret(this.#clientSecret);
    }
    return `Application ${inspect(visibleFields)}`;
  }

  #requireClientId(): string {
    if (this.clientId === undefined || this.clientId === "") {
      throw new InvalidInputError(`Application ${this.id} has no clientId in what Webex returned; read it again with getAppById from the developer's org.`);
    }
    return this.clientId;
  }
}

/** Checks the input of `createServiceApplication` and returns the request body. */
function validateCreateInput(input: CreateServiceApplicationInput): Record<string, unknown> {
  if (input === null || typeof input !== "object") {
    throw new InvalidInputError(`Invalid service application input: expected an object with name, contactEmail, logo and scopes, got ${describeValue(input)}.`);
  }

  const name = requireText(input.name, "name", '"Acme Audit Robot"');
  const contactEmail = requireText(input.contactEmail, "contactEmail", "dev-team@example.com");
  if (!EMAIL_PATTERN.test(contactEmail)) {
    throw new InvalidInputError(`Invalid contactEmail ${JSON.stringify(contactEmail)}: expected an email address such as dev-team@example.com.`);
  }

  const logo = requireText(input.logo, "logo", "https://example.com/logo.png");
  if (!isHttpUrl(logo)) {
    throw new InvalidInputError(`Invalid logo ${JSON.stringify(logo)}: expected an absolute http(s) URL of an image, such as https://example.com/logo.png.`);
  }

  if (!Array.isArray(input.scopes) || input.scopes.length === 0) {
    throw new InvalidInputError(`Invalid scopes ${describeValue(input.scopes)}: expected a non-empty array of Webex scopes, such as ["spark-admin:people_read"].`);
  }
  const scopes = input.scopes.map((scope) => (typeof scope === "string" ? scope.trim() : scope));
  const badScope = scopes.find((scope) => typeof scope !== "string" || !SCOPE_PATTERN.test(scope));
  if (badScope !== undefined) {
    throw new InvalidInputError(`Invalid scope ${describeValue(badScope)}: expected a scope name such as spark-admin:people_read, one per array item.`);
  }

  const body: Record<string, unknown> = { type: SERVICE_APP_TYPE, name, contactEmail, logo, scopes };
  if (input.description !== undefined) {
    if (typeof input.description !== "string") {
      throw new InvalidInputError(`Invalid description ${describeValue(input.description)}: expected a string.`);
    }
    body.description = input.description;
  }
  return body;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Checks that a body looks like an application, so later field reads are safe. */
function readApplication(body: unknown): ApplicationData {
  if (body === null || typeof body !== "object" || typeof (body as { id?: unknown }).id !== "string") {
    throw new WebexApiError(`Webex returned an application without an id (got ${describeValue(body)}); the response does not match the applications API.`);
  }
  return body as ApplicationData;
}

/** Wraps a paginator so that it yields `map(item)` for each item. */
function mapPaginator<S, T>(source: Paginator<S>, map: (item: S) => T): Paginator<T> {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const item of source) {
        yield map(item);
      }
    },
    pages() {
      return {
        async *[Symbol.asyncIterator]() {
          for await (const page of source.pages()) {
            yield { ...page, items: page.items.map(map) };
          }
        },
      };
    },
    async toArray(options) {
      return (await source.toArray(options)).map(map);
    },
  };
}

/** Returns what a rejected `getTokenRefresh` means for the app named `appName` and how to go on. */
function describeRefreshRejection(reason: TokenRejectionReason, appName: string): string {
  if (reason === "client_secret") {
    return `The client secret of application ${appName} was rejected: it is not the app's current secret, which happens once the secret is regenerated. Call getTokenRefresh again with the current secret; the refresh token may still be valid.`;
  }
  if (reason === "refresh_token") {
    return `The refresh token of application ${appName} was rejected: it expired or was revoked, or the app was deauthorized in the org. Get a new pair with getToken (an admin may need to authorize the app again first).`;
  }
  return `The refresh token or client secret of application ${appName} was rejected: the refresh token may have expired or been revoked, the secret may have been regenerated, or the app may have been deauthorized. Get a new pair with getToken (an admin may need to authorize the app again).`;
}
