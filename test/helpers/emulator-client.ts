/**
 * Raw HTTP helpers for the emulator contract tests. They use plain `fetch`, never the SDK, so
 * the tests check the emulator against the Webex contract on their own.
 */
import type { Emulator } from "../../src/emulator/index.js";

/** A parsed response. `body` is the parsed JSON, or undefined for an empty body. */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** Request settings: a bearer token and a JSON or form body. */
export interface RawRequest {
  token?: string;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Sends one request to `path` (relative to the emulator's `/v1` base, or an absolute URL). */
export async function call(emulator: Emulator, method: string, path: string, request: RawRequest = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { Accept: "application/json", ...request.headers };
  if (request.token) {
    headers.Authorization = `Bearer ${request.token}`;
  }
  let body: string | undefined;
  if (request.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(request.json);
  } else if (request.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(request.form).toString();
  }

  const url = path.startsWith("http") ? path : `${emulator.url}${path}`;
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : JSON.parse(text) };
}

/** Returns the URL of the `rel="next"` link, or undefined on the last page. */
export function nextLink(response: RawResponse): string | undefined {
  const header = response.headers.get("link");
  return header ? /<([^>]+)>;\s*rel="next"/.exec(header)?.[1] : undefined;
}

/** The parts of a created Service App the tests reuse. */
export interface CreatedApp {
  id: string;
  clientId: string;
  clientSecret: string;
}

/** Default create body of a Service App; `overrides` replace fields. */
export function appInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "authorizedAppIssuer",
    name: "Audit Robot",
    contactEmail: "dev-team@wxadmin-dev.example",
    logo: "https://wxadmin-dev.example/logo.png",
    scopes: ["spark-admin:people_read", "spark-admin:licenses_read", "spark:organizations_read"],
    ...overrides,
  };
}

/** Creates a Service App as the developer and authorizes it in the customer org as its admin. */
export async function createAuthorizedApp(emulator: Emulator, overrides: Record<string, unknown> = {}): Promise<CreatedApp> {
  const created = await call(emulator, "POST", "/applications", { token: emulator.tokens.developer, json: appInput(overrides) });
  if (created.status !== 200) {
    throw new Error(`Creating the test app failed with ${created.status}: ${JSON.stringify(created.body)}`);
  }
  const authorized = await call(emulator, "POST", `/applications/${created.body.id}/authorize`, {
    token: emulator.tokens.customerAdmin,
    json: { orgId: emulator.orgs.customer.id },
  });
  if (authorized.status !== 200) {
    throw new Error(`Authorizing the test app failed with ${authorized.status}: ${JSON.stringify(authorized.body)}`);
  }
  return { id: created.body.id, clientId: created.body.clientId, clientSecret: created.body.clientSecret };
}

/** Requests a token pair for `app` in the customer org with the developer's token. */
export function requestAppToken(emulator: Emulator, app: CreatedApp, overrides: Record<string, unknown> = {}): Promise<RawResponse> {
  return call(emulator, "POST", `/applications/${app.id}/token`, {
    token: emulator.tokens.developer,
    json: { clientId: app.clientId, clientSecret: app.clientSecret, targetOrgId: emulator.orgs.customer.id, ...overrides },
  });
}

/** Sends the refresh grant form-encoded, as most OAuth clients do. */
export function refreshForm(emulator: Emulator, app: CreatedApp, refreshToken: string, clientSecret = app.clientSecret): Promise<RawResponse> {
  return call(emulator, "POST", "/access_token", {
    form: { grant_type: "refresh_token", client_id: app.clientId, client_secret: clientSecret, refresh_token: refreshToken },
  });
}
