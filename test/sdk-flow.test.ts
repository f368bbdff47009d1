/** The service-app flow end to end against the emulator, step by step. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../src/emulator/index.js";
import type { TokenInfo } from "../src/auth/token.js";
import { decodeId, isSameId } from "../src/ids.js";
import type { Application } from "../src/resources/applications.js";
import { BadRequestError, NotFoundError, PermissionError, TokenRefreshError } from "../src/transport/errors.js";
import { Webex } from "../src/webex.js";
import { SERVICE_APP_SCOPES, connectTo, startTestEmulator } from "./helpers/sdk-emulator.js";
import { createCapturingLogger } from "./helpers/sdk-fakes.js";

const TOKEN_FIELDS = ["access_token", "expires_in", "refresh_token", "refresh_token_expires_in", "token_type"];

describe("service-app flow", () => {
  let emulator: Emulator;
  let developer: Webex;
  let admin: Webex;
  let app: Application;
  let clientSecret: string;
  let token: TokenInfo;

  before(async () => {
    emulator = await startTestEmulator();
  });

  after(async () => {
    await emulator.stop();
  });

  test("connect reads org and owner", async () => {
    developer = await connectTo(emulator, emulator.tokens.developer);
    assert.equal(developer.org.id, emulator.orgs.developer.id);
    assert.equal(developer.org.displayName, emulator.orgs.developer.displayName);
    assert.equal(developer.org.uuid, emulator.orgs.developer.uuid);
    assert.equal(developer.me?.orgId, emulator.orgs.developer.id);
    assert.equal(developer.orgs.length, 1);
  });

  test("step 1: create service app", async () => {
    app = await developer.org.applications.createServiceApplication({
      name: "Flow Robot",
      contactEmail: "dev-team@example.com",
      logo: "https://example.com/logo.png",
      scopes: SERVICE_APP_SCOPES,
      description: "Reads people and licenses",
    });
    assert.equal(decodeId(app.id)?.kind, "APPLICATION");
    assert.equal(app.name, "Flow Robot");
    assert.equal(app.type, "authorizedAppIssuer");
    assert.ok(isSameId(app.orgId, emulator.orgs.developer.id));
    assert.deepEqual(app.scopes, SERVICE_APP_SCOPES);
    assert.equal(typeof app.clientId, "string");
    assert.equal(typeof app.clientSecret, "string");
    assert.equal("clientSecret" in app.data, false);
    assert.equal(JSON.stringify(app).includes(app.clientSecret as string), false);
    clientSecret = app.clientSecret as string;
  });

  test("step 2: admin reads the app by id", async () => {
    admin = await connectTo(emulator, emulator.tokens.customerAdmin);
    assert.equal(admin.org.id, emulator.orgs.customer.id);
    const seen = await admin.org.applications.getAppById(app.id);
    assert.equal(seen.id, app.id);
    assert.equal(seen.name, "Flow Robot");
    assert.equal(seen.clientId, app.clientId);
    assert.equal(seen.clientSecret, undefined);
  });

  test("step 2: token before authorize is refused", async () => {
    await assert.rejects(app.getToken(clientSecret, admin.org.id), PermissionError);
  });

  test("step 2: admin authorizes the app", async () => {
    const seen = await admin.org.applications.getAppById(app.id);
    await seen.authorize();
    const entry = emulator.requestLog.findLast((logged) => logged.method === "POST" && logged.path.endsWith("/authorize"));
    assert.equal(entry?.status, 200);
  });

  test("step 3: token for a base64 org id", async () => {
    token = await app.getToken(clientSecret, admin.org.id);
    assert.deepEqual(Object.keys(token).sort(), [...TOKEN_FIELDS].sort());
    assert.equal(token.token_type, "Bearer");
    assert.equal(token.expires_in, 1_209_600);
    assert.equal(token.refresh_token_expires_in, 7_776_000);
    assert.equal(token.accessExpiresAt().getTime() - token.obtainedAt().getTime(), 1_209_600_000);
    assert.equal(token.refreshExpiresAt().getTime() - token.obtainedAt().getTime(), 7_776_000_000);
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(token))).sort(), [...TOKEN_FIELDS].sort());
  });

  test("step 3: token for a bare UUID", async () => {
    const fromUuid = await app.getToken(clientSecret, emulator.orgs.customer.uuid);
    const session = await connectTo(emulator, fromUuid.access_token);
    assert.equal(session.org.id, emulator.orgs.customer.id);
  });

  test("step 3: token for an Org object", async () => {
    const fromOrg = await app.getToken(clientSecret, admin.org);
    const session = await connectTo(emulator, fromOrg.access_token);
    assert.equal(session.org.id, emulator.orgs.customer.id);
  });

  test("step 3: unseen UUID is looked up, then encoded", async () => {
    const logger = createCapturingLogger();
    const session = await connectTo(emulator, emulator.tokens.developer, { logger });
    const resolved = await session.resolveOrgId(emulator.orgs.customer.uuid);
    assert.equal(resolved, emulator.orgs.customer.id);

    const lookup = emulator.requestLog.findLast((logged) => logged.path === `/v1/organizations/${emulator.orgs.customer.uuid}`);
    assert.ok(lookup !== undefined, "GET /organizations/{uuid} was not sent");
    assert.ok([403, 404].includes(lookup.status), `lookup status ${lookup.status}`);
    const debug = logger.lines.find((line) => line.level === "debug" && line.message.includes("locally encoded id"));
    assert.ok(debug !== undefined, "no debug line about the local encoding");
    assert.match(debug.message, /assumes the "us" cluster/);

    const requests = emulator.requestLog.length;
    assert.equal(await session.resolveOrgId(emulator.orgs.customer.uuid), emulator.orgs.customer.id);
    assert.equal(emulator.requestLog.length, requests, "a second resolution must come from the cache");
  });

  test("step 3: admin resolves its own UUID locally", async () => {
    const requests = emulator.requestLog.length;
    assert.equal(await admin.resolveOrgId(emulator.orgs.customer.uuid), emulator.orgs.customer.id);
    assert.equal(emulator.requestLog.length, requests);
  });

  test("step 4: refresh returns a working pair", async () => {
    const refreshed = await app.getTokenRefresh(clientSecret, token.refresh_token);
    assert.deepEqual(Object.keys(refreshed).sort(), [...TOKEN_FIELDS].sort());
    const entry = emulator.requestLog.findLast((logged) => logged.path.startsWith("/v1/access_token"));
    assert.equal(entry?.method, "POST");
    assert.equal(entry?.status, 200);
    const session = await connectTo(emulator, refreshed.access_token);
    assert.equal(session.org.id, emulator.orgs.customer.id);
    token = refreshed;
  });

  test("step 5: regenerated secret replaces the old", async () => {
    const newSecret = await app.regenerateClientSecret();
    assert.notEqual(newSecret, clientSecret);
    assert.equal(app.clientSecret, newSecret);

    await assert.rejects(app.getToken(clientSecret, admin.org.id), BadRequestError);
    await assert.rejects(app.getTokenRefresh(clientSecret, token.refresh_token), TokenRefreshError);

    const fresh = await app.getToken(newSecret, admin.org.id);
    assert.equal(typeof fresh.access_token, "string");
    clientSecret = newSecret;
    token = fresh;
  });

  test("step 6: service-app token reads the customer org", async () => {
    const session = await connectTo(emulator, token.access_token);
    assert.equal(session.org.id, emulator.orgs.customer.id);
    assert.equal(session.me?.type, "appuser");

    const people = await session.org.people.list({ max: 100 }).toArray();
    assert.equal(people.length, 300);
    assert.ok(people.every((person) => isSameId(person.orgId, emulator.orgs.customer.id)));

    const licenses = await session.org.licenses.list().toArray();
    assert.ok(licenses.length > 0);
    assert.ok(licenses.every((license) => typeof license.name === "string" && typeof license.totalUnits === "number"));
    const firstLicense = licenses[0];
    assert.ok(firstLicense !== undefined);
    assert.equal((await session.org.licenses.get(firstLicense.id)).id, firstLicense.id);
  });

  test("step 6: requests name the org", async () => {
    const session = await connectTo(emulator, token.access_token);
    await session.org.people.list({ max: 5 }).toArray({ limit: 5 });
    const entry = emulator.requestLog.findLast((logged) => logged.path.startsWith("/v1/people?"));
    assert.ok(entry?.path.includes(`orgId=${emulator.orgs.customer.id}`), entry?.path);
  });

  test("people get and me", async () => {
    const [first] = await admin.org.people.list({ max: 1 }).toArray({ limit: 1 });
    assert.ok(first !== undefined);
    assert.equal((await admin.org.people.get(first.id)).id, first.id);
    assert.equal((await admin.org.people.me()).id, admin.me?.id);
  });

  test("list finds the app", async () => {
    const apps = await developer.org.applications.list().toArray();
    assert.ok(apps.some((listed) => listed.id === app.id));
    assert.ok(apps.every((listed) => listed.clientSecret === undefined));
  });

  test("getAppByName finds the app", async () => {
    const found = await developer.org.applications.getAppByName("Flow Robot");
    assert.equal(found.id, app.id);
  });

  test("getAppByName rejects unknown names", async () => {
    await assert.rejects(developer.org.applications.getAppByName("No Such Robot"), (error: unknown) => {
      assert.ok(error instanceof NotFoundError);
      assert.match(error.message, /No application named "No Such Robot"/);
      return true;
    });
  });

  test("deauthorize stops new tokens", async () => {
    const seen = await admin.org.applications.getAppById(app.id);
    await seen.deauthorize();
    await assert.rejects(app.getToken(clientSecret, admin.org.id), PermissionError);
    await seen.authorize(admin.org);
    assert.equal(typeof (await app.getToken(clientSecret, admin.org.id)).access_token, "string");
  });

  test("delete removes the app", async () => {
    await app.delete();
    await assert.rejects(developer.org.applications.getAppById(app.id), NotFoundError);
    await assert.rejects(app.getToken(clientSecret, admin.org.id));
  });
});
