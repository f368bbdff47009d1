/**
 * Contract tests of the emulator over raw HTTP: status codes, error bodies, headers, paging,
 * the Service App flow, expiry on the emulator clock, faults and the rate limit.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { decodeId, encodeId } from "../src/ids.js";
import { startEmulator, type Emulator, type EmulatorOptions } from "../src/emulator/index.js";
import {
  appInput,
  call,
  createAuthorizedApp,
  nextLink,
  refreshForm,
  requestAppToken,
  type RawResponse,
} from "./helpers/emulator-client.js";

const UNAUTHORIZED = "The request requires a valid access token set in the Authorization request header.";
const TOO_MANY = "The user has sent too many requests in a given amount of time. Please refer to the Retry-After response header to wait before making a new request.";
const HOUR_SECONDS = 3600;

const running: Emulator[] = [];

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ people: 40, ...options });
  running.push(emulator);
  return emulator;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
});

function assertErrorBody(response: RawResponse, status: number): void {
  assert.equal(response.status, status);
  assert.equal(typeof response.body.message, "string");
  assert.ok(Array.isArray(response.body.errors), "errors is an array");
  assert.ok(response.body.errors.length > 0, "errors is not empty");
  assert.equal(typeof response.body.errors[0].description, "string");
  assert.equal(response.body.trackingId, response.headers.get("trackingid"));
}

async function listAll(emulator: Emulator, firstUrl: string, token: string): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let pages = 0;
  for (let url: string | undefined = firstUrl; url; ) {
    const page = await call(emulator, "GET", url, { token });
    assert.equal(page.status, 200);
    items.push(...page.body.items);
    pages += 1;
    url = nextLink(page);
  }
  return { items, pages };
}

describe("service app flow", () => {
  test("runs end to end over HTTP", async () => {
    const emulator = await start();

    const created = await call(emulator, "POST", "/applications", { token: emulator.tokens.developer, json: appInput() });
    assert.equal(created.status, 200);
    assert.equal(created.body.type, "authorizedAppIssuer");
    assert.equal(created.body.orgId, emulator.orgs.developer.id);
    assert.match(created.body.clientId, /^C[0-9a-f]{64}$/);
    assert.equal(typeof created.body.clientSecret, "string");
    assert.equal(decodeId(created.body.id)?.kind, "APPLICATION");

    const lookedUp = await call(emulator, "GET", `/applications/${created.body.id}`, { token: emulator.tokens.customerAdmin });
    assert.equal(lookedUp.status, 200);
    assert.equal(lookedUp.body.name, "Audit Robot");
    assert.equal(lookedUp.body.clientSecret, undefined);

    const authorized = await call(emulator, "POST", `/applications/${created.body.id}/authorize`, {
      token: emulator.tokens.customerAdmin,
      json: { orgId: emulator.orgs.customer.id },
    });
    assert.equal(authorized.status, 200);

    const app = { id: created.body.id, clientId: created.body.clientId, clientSecret: created.body.clientSecret };
    const issued = await requestAppToken(emulator, app);
    assert.equal(issued.status, 200);
    assert.deepEqual(Object.keys(issued.body).sort(), ["access_token", "expires_in", "refresh_token", "refresh_token_expires_in", "token_type"]);
    assert.equal(issued.body.token_type, "Bearer");
    assert.equal(issued.body.expires_in, 1_209_600);
    assert.equal(issued.body.refresh_token_expires_in, 7_776_000);

    const me = await call(emulator, "GET", "/people/me", { token: issued.body.access_token });
    assert.equal(me.status, 200);
    assert.equal(me.body.type, "appuser");
    assert.equal(me.body.orgId, emulator.orgs.customer.id);

    const people = await call(emulator, "GET", "/people?max=5", { token: issued.body.access_token });
    assert.equal(people.status, 200);
    assert.equal(people.body.items.length, 5);
    assert.ok(people.body.items.every((person: any) => person.orgId === emulator.orgs.customer.id));

    const licenses = await call(emulator, "GET", "/licenses", { token: issued.body.access_token });
    assert.equal(licenses.status, 200);
    assert.ok(licenses.body.items.length >= 3);

    const orgs = await call(emulator, "GET", "/organizations", { token: issued.body.access_token });
    assert.equal(orgs.status, 200);
    assert.deepEqual(orgs.body.items.map((org: any) => org.id), [emulator.orgs.customer.id]);

    const refreshed = await refreshForm(emulator, app, issued.body.refresh_token);
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body.access_token, issued.body.access_token);
    assert.equal(refreshed.body.refresh_token, issued.body.refresh_token);
  });

  test("lists apps with paging and without secrets", async () => {
    const emulator = await start();
    for (let index = 0; index < 5; index += 1) {
      const created = await call(emulator, "POST", "/applications", { token: emulator.tokens.developer, json: appInput({ name: `App ${index}` }) });
      assert.equal(created.status, 200);
    }

    const { items, pages } = await listAll(emulator, `${emulator.url}/applications?max=2`, emulator.tokens.developer);
    assert.equal(pages, 3);
    assert.deepEqual(items.map((app) => app.name), ["App 0", "App 1", "App 2", "App 3", "App 4"]);
    assert.ok(items.every((app) => app.clientSecret === undefined));

    const customerView = await call(emulator, "GET", "/applications", { token: emulator.tokens.customerAdmin });
    assert.deepEqual(customerView.body.items, []);
  });

  test("deletes an app and revokes its tokens", async () => {
    const emulator = await start();
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);

    const foreign = await call(emulator, "DELETE", `/applications/${app.id}`, { token: emulator.tokens.customerAdmin });
    assertErrorBody(foreign, 403);

    const deleted = await call(emulator, "DELETE", `/applications/${app.id}`, { token: emulator.tokens.developer });
    assert.equal(deleted.status, 204);
    assert.equal(deleted.body, undefined);

    assertErrorBody(await call(emulator, "GET", `/applications/${app.id}`, { token: emulator.tokens.developer }), 404);
    assertErrorBody(await call(emulator, "GET", "/people/me", { token: issued.body.access_token }), 401);
    assertErrorBody(await requestAppToken(emulator, app), 404);
  });
});

describe("application create", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ people: 5 });
  });
  after(async () => {
    await emulator.stop();
  });

  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ["missing name", { name: undefined }, /name/],
    ["empty name", { name: "" }, /name/],
    ["missing contactEmail", { contactEmail: undefined }, /contactEmail/],
    ["invalid contactEmail", { contactEmail: "not-an-email" }, /contactEmail/],
    ["logo not a URL", { logo: "logo.png" }, /logo/],
    ["logo ftp URL", { logo: "ftp://x.example/logo.png" }, /logo/],
    ["empty scopes", { scopes: [] }, /scopes/],
    ["missing scopes", { scopes: undefined }, /scopes/],
    ["malformed scope", { scopes: ["people read"] }, /scope/],
    ["wrong type", { type: "integration" }, /type/],
  ];
  for (const [name, overrides, field] of cases) {
    test(`rejects ${name}`, async () => {
      const response = await call(emulator, "POST", "/applications", { token: emulator.tokens.developer, json: appInput(overrides) });
      assertErrorBody(response, 400);
      assert.match(response.body.message, field);
    });
  }

  test("rejects a body that is not JSON", async () => {
    const response = await call(emulator, "POST", "/applications", {
      token: emulator.tokens.developer,
      headers: { "Content-Type": "application/json" },
      form: { name: "x" },
    });
    assertErrorBody(response, 400);
  });

  test("rejects a Service App token", async () => {
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);
    const response = await call(emulator, "POST", "/applications", { token: issued.body.access_token, json: appInput() });
    assertErrorBody(response, 403);
  });
});

describe("token endpoint", () => {
  let emulator: Emulator;
  let app: Awaited<ReturnType<typeof createAuthorizedApp>>;
  before(async () => {
    emulator = await startEmulator({ people: 5 });
    app = await createAuthorizedApp(emulator);
  });
  after(async () => {
    await emulator.stop();
  });

  test("rejects a wrong client secret", async () => {
    const response = await requestAppToken(emulator, app, { clientSecret: "0".repeat(64) });
    assertErrorBody(response, 400);
  });

  test("rejects a wrong client id", async () => {
    const response = await requestAppToken(emulator, app, { clientId: `C${"0".repeat(64)}` });
    assertErrorBody(response, 400);
  });

  test("names a missing field", async () => {
    const response = await requestAppToken(emulator, app, { clientSecret: undefined });
    assertErrorBody(response, 400);
    assert.match(response.body.message, /clientSecret/);
  });

  test("rejects a bare UUID org id", async () => {
    const response = await requestAppToken(emulator, app, { targetOrgId: emulator.orgs.customer.uuid });
    assertErrorBody(response, 400);
    assert.match(response.body.errors[0].description, /base64/);
  });

  test("rejects an org that did not authorize", async () => {
    const response = await requestAppToken(emulator, app, { targetOrgId: emulator.orgs.developer.id });
    assertErrorBody(response, 403);
    assert.match(response.body.message, /^Service App not authorized/);
  });

  test("returns 404 for an unknown app", async () => {
    const unknown = { ...app, id: encodeId("APPLICATION", "00000000-0000-4000-8000-000000000000") };
    assertErrorBody(await requestAppToken(emulator, unknown), 404);
  });

  test("needs spark:applications_token", async () => {
    const token = emulator.createPersonalToken({ org: "developer", role: "full_admin", scopes: ["spark:all"] });
    const response = await call(emulator, "POST", `/applications/${app.id}/token`, {
      token,
      json: { clientId: app.clientId, clientSecret: app.clientSecret, targetOrgId: emulator.orgs.customer.id },
    });
    assertErrorBody(response, 403);
    assert.match(response.body.message, /spark:applications_token/);
  });

  test("needs a bearer token", async () => {
    const response = await call(emulator, "POST", `/applications/${app.id}/token`, {
      json: { clientId: app.clientId, clientSecret: app.clientSecret, targetOrgId: emulator.orgs.customer.id },
    });
    assertErrorBody(response, 401);
    assert.equal(response.body.message, UNAUTHORIZED);
  });
});

describe("authorization", () => {
  test("needs a full admin of the org", async () => {
    const emulator = await start();
    const created = await call(emulator, "POST", "/applications", { token: emulator.tokens.developer, json: appInput() });
    const path = `/applications/${created.body.id}/authorize`;

    const outsider = await call(emulator, "POST", path, { token: emulator.tokens.developer, json: { orgId: emulator.orgs.customer.id } });
    assertErrorBody(outsider, 403);

    const readOnly = emulator.createPersonalToken({ org: "customer", role: "read_only_admin" });
    assertErrorBody(await call(emulator, "POST", path, { token: readOnly, json: { orgId: emulator.orgs.customer.id } }), 403);

    assertErrorBody(await call(emulator, "POST", path, { token: emulator.tokens.customerAdmin, json: {} }), 400);
  });

  test("is idempotent", async () => {
    const emulator = await start();
    const app = await createAuthorizedApp(emulator);
    const again = await call(emulator, "POST", `/applications/${app.id}/authorize`, {
      token: emulator.tokens.customerAdmin,
      json: { orgId: emulator.orgs.customer.id },
    });
    assert.equal(again.status, 200);
    assert.equal((await requestAppToken(emulator, app)).status, 200);
  });

  test("deauthorize revokes the org's tokens", async () => {
    const emulator = await start();
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);

    const removed = await call(emulator, "DELETE", `/applications/${app.id}/authorize?orgId=${encodeURIComponent(emulator.orgs.customer.id)}`, {
      token: emulator.tokens.customerAdmin,
    });
    assert.equal(removed.status, 204);

    assertErrorBody(await call(emulator, "GET", "/people/me", { token: issued.body.access_token }), 401);
    const token = await requestAppToken(emulator, app);
    assertErrorBody(token, 403);
    assert.match(token.body.message, /not authorized/);
    const refreshed = await refreshForm(emulator, app, issued.body.refresh_token);
    assert.equal(refreshed.status, 400);
    assert.equal(refreshed.body.error, "invalid_grant");
  });
});

describe("refresh grant", () => {
  test("accepts form and JSON bodies", async () => {
    const emulator = await start();
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);

    const form = await refreshForm(emulator, app, issued.body.refresh_token);
    assert.equal(form.status, 200);
    const json = await call(emulator, "POST", "/access_token", {
      json: { grant_type: "refresh_token", client_id: app.clientId, client_secret: app.clientSecret, refresh_token: issued.body.refresh_token },
    });
    assert.equal(json.status, 200);
    assert.equal(json.body.token_type, "Bearer");
    assert.equal((await call(emulator, "GET", "/people/me", { token: json.body.access_token })).status, 200);
  });

  test("resets the refresh token lifetime", async () => {
    const emulator = await start({ refreshTokenLifetimeSeconds: 10 * HOUR_SECONDS });
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);

    emulator.clock.advance(8 * HOUR_SECONDS);
    const first = await refreshForm(emulator, app, issued.body.refresh_token);
    assert.equal(first.status, 200);
    assert.equal(first.body.refresh_token_expires_in, 10 * HOUR_SECONDS);

    // Past the first lifetime but within the renewed one.
    emulator.clock.advance(8 * HOUR_SECONDS);
    assert.equal((await refreshForm(emulator, app, issued.body.refresh_token)).status, 200);
  });

  test("rotates when configured", async () => {
    const emulator = await start({ rotateRefreshTokens: true });
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);

    const rotated = await refreshForm(emulator, app, issued.body.refresh_token);
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.refresh_token, issued.body.refresh_token);
    const reused = await refreshForm(emulator, app, issued.body.refresh_token);
    assert.equal(reused.body.error, "invalid_grant");
  });

  test("rejects bad grants with OAuth codes", async () => {
    const emulator = await start();
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);

    const unknown = await refreshForm(emulator, app, "not-a-refresh-token");
    assertErrorBody(unknown, 400);
    assert.equal(unknown.body.error, "invalid_grant");
    assert.equal(typeof unknown.body.error_description, "string");

    const wrongClient = await refreshForm(emulator, app, issued.body.refresh_token, "f".repeat(64));
    assertErrorBody(wrongClient, 400);
    assert.equal(wrongClient.body.error, "invalid_client");

    const wrongGrant = await call(emulator, "POST", "/access_token", { form: { grant_type: "client_credentials" } });
    assert.equal(wrongGrant.body.error, "unsupported_grant_type");
  });
});

describe("client secret", () => {
  test("regeneration retires the old secret", async () => {
    const emulator = await start();
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);

    const regenerated = await call(emulator, "DELETE", `/applications/${app.id}/clientSecret`, { token: emulator.tokens.developer });
    assert.equal(regenerated.status, 200);
    const newSecret: string = regenerated.body.clientSecret;
    assert.notEqual(newSecret, app.clientSecret);

    assertErrorBody(await requestAppToken(emulator, app), 400);
    const oldRefresh = await refreshForm(emulator, app, issued.body.refresh_token);
    assert.equal(oldRefresh.body.error, "invalid_client");

    assert.equal((await requestAppToken(emulator, app, { clientSecret: newSecret })).status, 200);
    assert.equal((await refreshForm(emulator, app, issued.body.refresh_token, newSecret)).status, 200);
    assert.equal((await call(emulator, "GET", "/people/me", { token: issued.body.access_token })).status, 200);
  });

  test("regeneration needs the owning org", async () => {
    const emulator = await start();
    const app = await createAuthorizedApp(emulator);
    const response = await call(emulator, "DELETE", `/applications/${app.id}/clientSecret`, { token: emulator.tokens.customerAdmin });
    assertErrorBody(response, 403);
  });
});

describe("clock", () => {
  test("expires personal tokens", async () => {
    const emulator = await start();
    assert.equal((await call(emulator, "GET", "/people/me", { token: emulator.tokens.developer })).status, 200);

    emulator.clock.advance(12 * HOUR_SECONDS);
    const expired = await call(emulator, "GET", "/people/me", { token: emulator.tokens.developer });
    assertErrorBody(expired, 401);
    assert.equal(expired.body.message, UNAUTHORIZED);

    emulator.clock.reset();
    assert.equal((await call(emulator, "GET", "/people/me", { token: emulator.tokens.developer })).status, 200);
  });

  test("expires service app tokens", async () => {
    const emulator = await start({ accessTokenLifetimeSeconds: 60, refreshTokenLifetimeSeconds: 600 });
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);
    assert.equal(issued.body.expires_in, 60);
    assert.equal(issued.body.refresh_token_expires_in, 600);

    emulator.clock.advance(61);
    assertErrorBody(await call(emulator, "GET", "/people/me", { token: issued.body.access_token }), 401);
    const refreshed = await refreshForm(emulator, app, issued.body.refresh_token);
    assert.equal(refreshed.status, 200);

    emulator.clock.set(emulator.clock.now() + 601_000);
    const late = await refreshForm(emulator, app, issued.body.refresh_token);
    assert.equal(late.status, 400);
    assert.equal(late.body.error, "invalid_grant");
  });
});

describe("errors and headers", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ people: 5 });
  });
  after(async () => {
    await emulator.stop();
  });

  test("401 without a token", async () => {
    const response = await call(emulator, "GET", "/people");
    assertErrorBody(response, 401);
    assert.equal(response.body.message, UNAUTHORIZED);
    assert.equal(response.body.errors[0].description, UNAUTHORIZED);
  });

  test("401 for an unknown token", async () => {
    assertErrorBody(await call(emulator, "GET", "/people", { token: "made-up-token" }), 401);
  });

  test("tracking id is generated", async () => {
    const response = await call(emulator, "GET", "/people/me", { token: emulator.tokens.developer });
    assert.match(response.headers.get("trackingid") ?? "", /^ROUTER_[0-9a-f-]{36}$/);
  });

  test("tracking id is echoed", async () => {
    const response = await call(emulator, "GET", "/organizations", { token: emulator.tokens.developer, headers: { TrackingID: "WXADMIN_test-1" } });
    assert.equal(response.headers.get("trackingid"), "WXADMIN_test-1");
    const failed = await call(emulator, "GET", "/nowhere", { headers: { TrackingID: "WXADMIN_test-2" } });
    assert.equal(failed.body.trackingId, "WXADMIN_test-2");
  });

  test("404 for an unknown path", async () => {
    assertErrorBody(await call(emulator, "GET", "/nowhere", { token: emulator.tokens.developer }), 404);
  });

  test("405 for a wrong method", async () => {
    const response = await call(emulator, "DELETE", "/people", { token: emulator.tokens.developer });
    assertErrorBody(response, 405);
    assert.equal(response.headers.get("allow"), "GET");
  });

  test("403 names the missing scope", async () => {
    const token = emulator.createPersonalToken({ org: "customer", role: "full_admin", scopes: ["spark:all"] });
    const response = await call(emulator, "GET", "/licenses", { token });
    assertErrorBody(response, 403);
    assert.match(response.body.message, /spark-admin:licenses_read/);
  });

  test("403 for organizations without the scope", async () => {
    const app = await createAuthorizedApp(emulator, { scopes: ["spark-admin:people_read"] });
    const issued = await requestAppToken(emulator, app);
    const response = await call(emulator, "GET", "/organizations", { token: issued.body.access_token });
    assertErrorBody(response, 403);
    assert.match(response.body.message, /spark-admin:organizations_read/);
    const me = await call(emulator, "GET", "/people/me", { token: issued.body.access_token });
    assert.equal(me.body.orgId, emulator.orgs.customer.id);
  });
});

describe("organizations", () => {
  test("accepts a UUID and returns the base64 id", async () => {
    const emulator = await start();
    const response = await call(emulator, "GET", `/organizations/${emulator.orgs.customer.uuid}`, { token: emulator.tokens.customerAdmin });
    assert.equal(response.status, 200);
    assert.equal(response.body.id, emulator.orgs.customer.id);
    assert.equal(response.body.displayName, "Example Customer Inc.");
    assert.equal(decodeId(response.body.id)?.kind, "ORGANIZATION");
  });

  test("lists only the caller's org", async () => {
    const emulator = await start();
    const response = await call(emulator, "GET", "/organizations", { token: emulator.tokens.developer });
    assert.deepEqual(response.body.items.map((org: any) => org.displayName), ["Wxadmin Developer Org"]);
    assert.equal(response.headers.get("link"), null);
    assertErrorBody(await call(emulator, "GET", `/organizations/${emulator.orgs.customer.id}`, { token: emulator.tokens.developer }), 403);
  });
});

describe("people", () => {
  test("pages across boundaries", async () => {
    const emulator = await start({ people: 23 });
    const first = await call(emulator, "GET", "/people?max=5&callingData=true", { token: emulator.tokens.customerAdmin });
    const link = nextLink(first);
    assert.ok(link?.startsWith(emulator.url), "next link is absolute and on the emulator host");
    assert.match(link ?? "", /callingData=true/);
    assert.match(link ?? "", /max=5/);

    const { items, pages } = await listAll(emulator, `${emulator.url}/people?max=5`, emulator.tokens.customerAdmin);
    assert.equal(pages, 5);
    assert.equal(items.length, 23);
    assert.equal(new Set(items.map((person) => person.id)).size, 23);
  });

  test("defaults to 100 per page", async () => {
    const emulator = await start({ people: 150 });
    const page = await call(emulator, "GET", "/people", { token: emulator.tokens.customerAdmin });
    assert.equal(page.body.items.length, 100);
    assert.ok(nextLink(page));
  });

  test("caps max per the spec", async () => {
    const emulator = await start({ people: 200 });
    const token = emulator.tokens.customerAdmin;
    const calling = await call(emulator, "GET", "/people?callingData=true&max=500", { token });
    assert.equal(calling.body.items.length, 100);

    const locations = await call(emulator, "GET", "/locations", { token });
    const locationId = locations.body.items[0].id;
    const byLocation = await call(emulator, "GET", `/people?locationId=${locationId}&max=500`, { token });
    assert.ok(byLocation.body.items.length <= 50);
    assert.ok(byLocation.body.items.every((person: any) => person.locationId === undefined));

    assertErrorBody(await call(emulator, "GET", "/people?max=0", { token }), 400);
  });

  test("filters by email and display name", async () => {
    const emulator = await start();
    const token = emulator.tokens.customerAdmin;
    const byEmail = await call(emulator, "GET", "/people?email=MORGAN.LEE@example-customer.example", { token });
    assert.deepEqual(byEmail.body.items.map((person: any) => person.displayName), ["Morgan Lee"]);

    const all = (await call(emulator, "GET", "/people?max=1000", { token })).body.items;
    const prefix = all[5].displayName.slice(0, 3);
    const byName = await call(emulator, "GET", `/people?displayName=${encodeURIComponent(prefix.toLowerCase())}`, { token });
    const expected = all.filter((person: any) => person.displayName.startsWith(prefix)).length;
    assert.equal(byName.body.items.length, expected);
  });

  test("filters by id and reports missing ids", async () => {
    const emulator = await start();
    const token = emulator.tokens.customerAdmin;
    const all = (await call(emulator, "GET", "/people?max=3", { token })).body.items;
    const missing = encodeId("PEOPLE", "00000000-0000-4000-8000-000000000000");
    const ids = [all[2].id, missing, all[0].id];
    const response = await call(emulator, "GET", `/people?id=${ids.join(",")}`, { token });
    assert.deepEqual(response.body.items.map((person: any) => person.id), [all[2].id, all[0].id]);
    assert.deepEqual(response.body.notFoundIds, [missing]);
    assert.ok(response.body.items.every((person: any) => person.status === undefined));

    const tooMany = Array.from({ length: 86 }, () => all[0].id).join(",");
    assertErrorBody(await call(emulator, "GET", `/people?id=${tooMany}`, { token }), 400);
  });

  test("callingData adds calling fields", async () => {
    const emulator = await start();
    const token = emulator.tokens.customerAdmin;
    const plain = await call(emulator, "GET", "/people/me", { token });
    assert.equal(plain.body.extension, undefined);
    const calling = await call(emulator, "GET", "/people/me?callingData=true", { token });
    assert.match(calling.body.extension, /^\d+$/);
    assert.equal(decodeId(calling.body.locationId)?.kind, "LOCATION");
  });

  test("orgId of another org is forbidden", async () => {
    const emulator = await start();
    const own = await call(emulator, "GET", `/people?max=1&orgId=${emulator.orgs.customer.id}`, { token: emulator.tokens.customerAdmin });
    assert.equal(own.status, 200);
    const other = await call(emulator, "GET", `/people?orgId=${emulator.orgs.developer.id}`, { token: emulator.tokens.customerAdmin });
    assertErrorBody(other, 403);
  });

  test("non-admins must filter and see no admin fields", async () => {
    const emulator = await start();
    const token = emulator.createPersonalToken({ org: "customer" });
    assertErrorBody(await call(emulator, "GET", "/people", { token }), 400);

    const found = await call(emulator, "GET", "/people?email=morgan.lee@example-customer.example", { token });
    assert.equal(found.status, 200);
    assert.equal(found.body.items.length, 1);
    assert.equal(found.body.items[0].licenses, undefined);
    assert.equal(found.body.items[0].roles, undefined);
    assertErrorBody(await call(emulator, "GET", "/licenses", { token }), 403);
  });

  test("gets one person by id", async () => {
    const emulator = await start();
    const token = emulator.tokens.customerAdmin;
    const listed = (await call(emulator, "GET", "/people?max=2", { token })).body.items[1];
    const person = await call(emulator, "GET", `/people/${listed.id}`, { token });
    assert.equal(person.status, 200);
    assert.deepEqual(person.body.emails, listed.emails);
    assertErrorBody(await call(emulator, "GET", `/people/${listed.id}`, { token: emulator.tokens.developer }), 404);
  });

  test("same random seed gives the same people", async () => {
    const first = await start({ randomSeed: 7 });
    const second = await start({ randomSeed: 7 });
    const third = await start({ randomSeed: 8 });
    const ids = async (emulator: Emulator) =>
      (await call(emulator, "GET", "/people?max=40", { token: emulator.tokens.customerAdmin })).body.items.map((person: any) => person.id);
    assert.deepEqual(await ids(first), await ids(second));
    assert.notDeepEqual(await ids(first), await ids(third));
  });

  test("seeds 10,000 people quickly", async () => {
    const startedAt = performance.now();
    const emulator = await start({ people: 10_000 });
    const elapsedMs = performance.now() - startedAt;
    const page = await call(emulator, "GET", "/people?max=1000", { token: emulator.tokens.customerAdmin });
    assert.equal(page.body.items.length, 1000);
    assert.ok(elapsedMs < 5000, `seeding took ${elapsedMs.toFixed(0)} ms`);
  });
});

describe("licenses", () => {
  test("consumption matches the people", async () => {
    const emulator = await start({ people: 120 });
    const token = emulator.tokens.customerAdmin;
    const licenses = (await call(emulator, "GET", "/licenses", { token })).body.items;
    const { items: people } = await listAll(emulator, `${emulator.url}/people?max=50`, token);

    assert.ok(licenses.some((license: any) => license.name === "Webex Calling - Professional"));
    for (const license of licenses) {
      const holders = people.filter((person) => person.licenses.includes(license.id)).length;
      assert.equal(license.consumedByUsers, holders, license.name);
      assert.equal(license.consumedUnits, license.consumedByUsers + license.consumedByWorkspaces, license.name);
      assert.ok(license.totalUnits > license.consumedUnits, `${license.name} has free units`);
    }
  });

  test("gets one license", async () => {
    const emulator = await start();
    const token = emulator.tokens.customerAdmin;
    const [first] = (await call(emulator, "GET", "/licenses", { token })).body.items;
    const license = await call(emulator, "GET", `/licenses/${first.id}`, { token });
    assert.deepEqual(license.body, first);
    assertErrorBody(await call(emulator, "GET", `/licenses/${first.id}`, { token: emulator.tokens.developer }), 404);
  });
});

describe("inject", () => {
  test("answers with status and Retry-After forms", async () => {
    const emulator = await start();
    const token = emulator.tokens.developer;
    const httpDate = new Date(Date.now() + 5000).toUTCString();
    emulator.inject({ path: "/people/me", status: 429, retryAfter: "2" });
    emulator.inject({ path: "/people/me", status: 429, retryAfter: httpDate });
    emulator.inject({ path: "/people/me", status: 429, retryAfter: null });
    emulator.inject({ path: "/people/me", status: 429 });

    const seconds = await call(emulator, "GET", "/people/me", { token });
    assertErrorBody(seconds, 429);
    assert.equal(seconds.body.message, TOO_MANY);
    assert.equal(seconds.headers.get("retry-after"), "2");
    assert.equal((await call(emulator, "GET", "/people/me", { token })).headers.get("retry-after"), httpDate);
    assert.equal((await call(emulator, "GET", "/people/me", { token })).headers.get("retry-after"), null);
    assert.equal((await call(emulator, "GET", "/people/me", { token })).headers.get("retry-after"), "1");
    assert.equal((await call(emulator, "GET", "/people/me", { token })).status, 200);
  });

  test("skips and repeats", async () => {
    const emulator = await start();
    const token = emulator.tokens.developer;
    emulator.inject({ method: "GET", path: "/v1/people*", skip: 1, times: 2, status: 503 });
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      statuses.push((await call(emulator, "GET", "/people?max=1", { token })).status);
    }
    assert.deepEqual(statuses, [200, 503, 503, 200]);
  });

  test("matches method and RegExp path", async () => {
    const emulator = await start();
    const token = emulator.tokens.developer;
    emulator.inject({ method: "POST", path: /\/applications$/, status: 502 });
    assert.equal((await call(emulator, "GET", "/applications", { token })).status, 200);
    assert.equal((await call(emulator, "POST", "/applications", { token, json: appInput() })).status, 502);
  });

  test("resets the socket", async () => {
    const emulator = await start();
    emulator.inject({ path: "/organizations", reset: true });
    await assert.rejects(call(emulator, "GET", "/organizations", { token: emulator.tokens.developer }), TypeError);
    assert.equal(emulator.requestLog.at(-1)?.status, 0);
    assert.equal((await call(emulator, "GET", "/organizations", { token: emulator.tokens.developer })).status, 200);
  });

  test("delays the answer", async () => {
    const emulator = await start();
    emulator.inject({ path: "/organizations", delayMs: 80 });
    const startedAt = performance.now();
    const response = await call(emulator, "GET", "/organizations", { token: emulator.tokens.developer });
    assert.equal(response.status, 200);
    assert.ok(performance.now() - startedAt >= 70, "answer came after the delay");
  });

  test("processes before the fault", async () => {
    const emulator = await start();
    const token = emulator.tokens.developer;
    emulator.inject({ method: "POST", path: "/applications", status: 503, processBeforeFault: true });
    assertErrorBody(await call(emulator, "POST", "/applications", { token, json: appInput({ name: "Ghost" }) }), 503);
    const listed = await call(emulator, "GET", "/applications", { token });
    assert.deepEqual(listed.body.items.map((app: any) => app.name), ["Ghost"]);
  });

  test("rejects a fault without effect", async () => {
    const emulator = await start();
    assert.throws(() => emulator.inject({ path: "/people" }), TypeError);
    emulator.inject({ path: "/people/me", status: 500 });
    emulator.clearFaults();
    assert.equal((await call(emulator, "GET", "/people/me", { token: emulator.tokens.developer })).status, 200);
  });
});

describe("random faults", () => {
  test("same seed gives the same faults", async () => {
    const run = async (): Promise<number[]> => {
      const emulator = await start({ randomSeed: 3, faults: { errorRate: 0.5 } });
      const statuses: number[] = [];
      for (let index = 0; index < 12; index += 1) {
        statuses.push((await call(emulator, "GET", "/people/me", { token: emulator.tokens.developer })).status);
      }
      return statuses;
    };
    const first = await run();
    assert.deepEqual(await run(), first);
    assert.ok(first.some((status) => status >= 500), "some requests failed");
    assert.ok(first.includes(200), "some requests succeeded");
  });

  test("errorRate 1 fails every request", async () => {
    const emulator = await start({ faults: { errorRate: 1 } });
    for (let index = 0; index < 5; index += 1) {
      const response = await call(emulator, "GET", "/people/me", { token: emulator.tokens.developer });
      assert.ok([500, 502, 503, 504].includes(response.status), `status ${response.status}`);
      assertErrorBody(response, response.status);
    }
  });
});

describe("rate limit", () => {
  test("answers 429 per token", async () => {
    const emulator = await start({ rateLimit: { requestsPerSecond: 2, retryAfterSeconds: 3 } });
    const statuses: number[] = [];
    let limited: RawResponse | undefined;
    for (let index = 0; index < 3; index += 1) {
      const response = await call(emulator, "GET", "/people/me", { token: emulator.tokens.developer });
      statuses.push(response.status);
      limited = response;
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    assertErrorBody(limited as RawResponse, 429);
    assert.equal(limited?.headers.get("retry-after"), "3");
    assert.equal(limited?.body.message, TOO_MANY);

    const otherToken = await call(emulator, "GET", "/people/me", { token: emulator.tokens.customerAdmin });
    assert.equal(otherToken.status, 200);
  });
});

describe("access log", () => {
  test("holds no token or secret", async () => {
    const lines: string[] = [];
    const emulator = await start({ accessLog: (line) => lines.push(line) });
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);
    await refreshForm(emulator, app, issued.body.refresh_token);
    await call(emulator, "GET", `/people?max=1&access_token=${issued.body.access_token}`, { token: issued.body.access_token });

    const secrets = [emulator.tokens.developer, emulator.tokens.customerAdmin, app.clientSecret, issued.body.access_token, issued.body.refresh_token];
    const logged = [...lines, JSON.stringify(emulator.requestLog)].join("\n");
    for (const secret of secrets) {
      assert.ok(!logged.includes(secret), "a credential reached the log");
    }
    assert.equal(lines.length, emulator.requestLog.length);
    assert.match(lines.at(-1) ?? "", /^GET \/v1\/people\?max=1&access_token=\*\*\* 200 [\d.]+ms trackingId=ROUTER_/);
  });
});

describe("startEmulator", () => {
  test("rejects non-loopback hosts", async () => {
    for (const host of ["0.0.0.0", "192.168.1.10", "example.com", "::"]) {
      await assert.rejects(startEmulator({ host }), /loopback/);
    }
  });

  test("binds localhost and IPv6 loopback", async () => {
    const emulator = await start({ host: "::1", people: 3 });
    assert.match(emulator.url, /^http:\/\/\[::1\]:\d+\/v1$/);
    assert.equal((await call(emulator, "GET", "/people/me", { token: emulator.tokens.developer })).status, 200);
  });

  test("empty seed has the two admins", async () => {
    const emulator = await start({ seed: "empty" });
    const people = await call(emulator, "GET", "/people", { token: emulator.tokens.customerAdmin });
    assert.deepEqual(people.body.items.map((person: any) => person.displayName), ["Morgan Lee"]);
    assert.deepEqual((await call(emulator, "GET", "/licenses", { token: emulator.tokens.customerAdmin })).body.items, []);
  });
});
