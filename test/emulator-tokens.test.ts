/**
 * Emulator token controls over raw HTTP: lifetimes and rotation changed at run time, and
 * revocation of service-app tokens.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { startEmulator, type Emulator, type EmulatorOptions } from "../src/emulator/index.js";
import { call, createAuthorizedApp, refreshForm, requestAppToken } from "./helpers/emulator-client.js";

const running: Emulator[] = [];

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ people: 10, ...options });
  running.push(emulator);
  return emulator;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
});

async function statusOfMe(emulator: Emulator, token: string): Promise<number> {
  return (await call(emulator, "GET", "/people/me", { token })).status;
}

describe("configureTokens", () => {
  test("sets lifetimes of new tokens", async () => {
    const emulator = await start();
    const app = await createAuthorizedApp(emulator);
    const before = await requestAppToken(emulator, app);
    emulator.configureTokens({ accessTokenLifetimeSeconds: 30, refreshTokenLifetimeSeconds: 90 });
    const after = await requestAppToken(emulator, app);
    assert.equal(after.body.expires_in, 30);
    assert.equal(after.body.refresh_token_expires_in, 90);

    emulator.clock.advance(31);
    assert.equal(await statusOfMe(emulator, after.body.access_token), 401);
    assert.equal(await statusOfMe(emulator, before.body.access_token), 200);
  });

  test("refresh uses the new lifetimes", async () => {
    const emulator = await start();
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);
    emulator.configureTokens({ accessTokenLifetimeSeconds: 45, refreshTokenLifetimeSeconds: 120 });
    const refreshed = await refreshForm(emulator, app, issued.body.refresh_token);
    assert.equal(refreshed.body.expires_in, 45);
    assert.equal(refreshed.body.refresh_token_expires_in, 120);

    emulator.clock.advance(121);
    assert.equal((await refreshForm(emulator, app, issued.body.refresh_token)).body.error, "invalid_grant");
  });

  test("turns rotation on and off", async () => {
    const emulator = await start();
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);

    emulator.configureTokens({ rotateRefreshTokens: true });
    const rotated = await refreshForm(emulator, app, issued.body.refresh_token);
    assert.notEqual(rotated.body.refresh_token, issued.body.refresh_token);
    assert.equal((await refreshForm(emulator, app, issued.body.refresh_token)).body.error, "invalid_grant");

    emulator.configureTokens({ rotateRefreshTokens: false });
    const kept = await refreshForm(emulator, app, rotated.body.refresh_token);
    assert.equal(kept.body.refresh_token, rotated.body.refresh_token);
  });

  test("rejects bad settings", async () => {
    const emulator = await start();
    assert.throws(() => emulator.configureTokens({ accessTokenLifetimeSeconds: 0 }), RangeError);
    assert.throws(() => emulator.configureTokens({ refreshTokenLifetimeSeconds: 1.5 }), RangeError);
    assert.throws(() => emulator.configureTokens({ rotateRefreshTokens: "yes" as unknown as boolean }), TypeError);
  });
});

describe("revokeTokens", () => {
  test("access only keeps the refresh token", async () => {
    const emulator = await start();
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);

    const revoked = emulator.revokeTokens({ appId: app.id, kind: "access" });
    assert.deepEqual(revoked, { accessTokens: 1, refreshTokens: 0 });
    const me = await call(emulator, "GET", "/people/me", { token: issued.body.access_token });
    assert.equal(me.status, 401);
    assert.equal(typeof me.body.message, "string");
    assert.equal((await refreshForm(emulator, app, issued.body.refresh_token)).status, 200);
  });

  test("refresh only keeps the access token", async () => {
    const emulator = await start();
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);

    const revoked = emulator.revokeTokens({ appId: app.id, kind: "refresh" });
    assert.deepEqual(revoked, { accessTokens: 0, refreshTokens: 1 });
    assert.equal(await statusOfMe(emulator, issued.body.access_token), 200);
    const refreshed = await refreshForm(emulator, app, issued.body.refresh_token);
    assert.equal(refreshed.status, 400);
    assert.equal(refreshed.body.error, "invalid_grant");
  });

  test("filters by app and org", async () => {
    const emulator = await start();
    const first = await createAuthorizedApp(emulator, { name: "First Robot" });
    const second = await createAuthorizedApp(emulator, { name: "Second Robot" });
    const firstToken = await requestAppToken(emulator, first);
    const secondToken = await requestAppToken(emulator, second);

    assert.deepEqual(emulator.revokeTokens({ orgId: emulator.orgs.developer.id }), { accessTokens: 0, refreshTokens: 0 });
    assert.deepEqual(emulator.revokeTokens({ appId: first.id, orgId: emulator.orgs.customer.uuid }), { accessTokens: 1, refreshTokens: 1 });
    assert.equal(await statusOfMe(emulator, firstToken.body.access_token), 401);
    assert.equal(await statusOfMe(emulator, secondToken.body.access_token), 200);
    assert.equal((await refreshForm(emulator, second, secondToken.body.refresh_token)).status, 200);
  });

  test("spares personal tokens", async () => {
    const emulator = await start();
    const app = await createAuthorizedApp(emulator);
    const issued = await requestAppToken(emulator, app);

    emulator.revokeTokens();
    assert.equal(await statusOfMe(emulator, issued.body.access_token), 401);
    assert.equal(await statusOfMe(emulator, emulator.tokens.developer), 200);
    assert.equal(await statusOfMe(emulator, emulator.tokens.customerAdmin), 200);
  });

  test("rejects unknown ids", async () => {
    const emulator = await start();
    assert.throws(() => emulator.revokeTokens({ appId: "Y2lzY29zcGFyazovL3VzL0FQUExJQ0FUSU9OL25vbmU" }), RangeError);
    assert.throws(() => emulator.revokeTokens({ orgId: "00000000-0000-4000-8000-000000000000" }), RangeError);
    assert.throws(() => emulator.revokeTokens({ kind: "all" as never }), RangeError);
  });
});
