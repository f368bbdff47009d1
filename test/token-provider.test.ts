/**
 * The self-refreshing service-app token provider and `Webex.fromServiceApp`, against the
 * emulator. Token expiry is driven by the emulator clock, which the SDK uses as its clock.
 */
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { afterEach, describe, test } from "node:test";
import { FileTokenStore } from "../src/auth/file-token-store.js";
import type { Emulator } from "../src/emulator/index.js";
import { ServiceAppTokenProvider, type TokenRenewedEvent } from "../src/auth/service-app-token-provider.js";
import { MemoryTokenStore, type StoredToken } from "../src/auth/token-store.js";
import { encodeId } from "../src/ids.js";
import { AuthError, InvalidInputError, ServerError, TokenRefreshError, exitCodeFor, type TokenRejectionReason } from "../src/transport/errors.js";
import { Webex } from "../src/webex.js";
import { createCapturingLogger, createScriptedFetch } from "./helpers/sdk-fakes.js";
import {
  CountingStore,
  connectServiceApp,
  countRefreshes,
  countRequests,
  startServiceAppFixture,
  type ServiceAppFixture,
} from "./helpers/token-provider-setup.js";
import type { WorkerCommand, WorkerReply } from "./helpers/token-provider-worker.js";

const HOUR = 3600;

const running: Emulator[] = [];

async function start(options: Parameters<typeof startServiceAppFixture>[0] = {}): Promise<ServiceAppFixture> {
  const fixture = await startServiceAppFixture({ accessTokenLifetimeSeconds: HOUR, ...options });
  running.push(fixture.emulator);
  return fixture;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
});

/** Lists every person of the org with one paginator and returns the ids in order. */
async function listIds(webex: Webex, pageSize: number, onItem: () => void = () => undefined): Promise<string[]> {
  const ids: string[] = [];
  for await (const person of webex.org.people.list({ max: pageSize })) {
    ids.push(person.id);
    onItem();
  }
  return ids;
}

describe("fromServiceApp", () => {
  test("construction sends nothing", async () => {
    const fetchSpy = createScriptedFetch([{ status: 500 }]);
    const store = new CountingStore(new MemoryTokenStore());
    const webex = Webex.fromServiceApp({
      clientId: "C0123456789abcdef",
      clientSecret: "planted-client-secret-0001",
      orgId: "8fe9a48e-535d-4bee-a155-d7c0a8acbf09",
      store,
      baseUrl: "http://127.0.0.1:9/v1",
      fetch: fetchSpy,
    });
    assert.equal(fetchSpy.requests.length, 0);
    assert.deepEqual(store.calls, { get: 0, set: 0, delete: 0, list: 0, withLock: 0 });
    assert.equal(webex.org.id, encodeId("ORGANIZATION", "8fe9a48e-535d-4bee-a155-d7c0a8acbf09"));
    assert.equal(webex.org.displayName, "");
    assert.equal(webex.orgs.length, 1);
    assert.equal(webex.me, undefined);
    assert.ok(webex.tokenProvider instanceof ServiceAppTokenProvider);
  });

  test("rejects bad options", () => {
    const base = { clientId: "C0123", clientSecret: "secret-value-0002", orgId: encodeId("ORGANIZATION", "8fe9a48e-535d-4bee-a155-d7c0a8acbf09"), store: new MemoryTokenStore() };
    const cases: Array<[string, Record<string, unknown>]> = [
      ["empty secret", { clientSecret: "" }],
      ["missing client id", { clientId: undefined }],
      ["person id as org", { orgId: encodeId("PEOPLE", "8fe9a48e-535d-4bee-a155-d7c0a8acbf09") }],
      ["garbage org", { orgId: "not an org" }],
      ["no store", { store: undefined }],
      ["access token", { accessToken: "a-fixed-token-value" }],
      ["negative margin", { refreshMarginSeconds: -1 }],
    ];
    for (const [name, change] of cases) {
      assert.throws(() => Webex.fromServiceApp({ ...base, ...change } as never), InvalidInputError, name);
    }
  });

  test("acts as the app", async () => {
    const fixture = await start();
    const webex = connectServiceApp(fixture);
    const me = await webex.org.people.me();
    assert.equal(me.type, "appuser");
    assert.equal(countRefreshes(fixture.emulator), 0);
  });
});

describe("hot path", () => {
  test("reads the store once", async () => {
    const fixture = await start();
    const store = new CountingStore(fixture.store);
    const provider = connectServiceApp(fixture, { store }).tokenProvider;
    const tokens = new Set<string>();
    for (let index = 0; index < 1000; index += 1) {
      tokens.add(await provider.getAccessToken());
    }
    assert.equal(store.calls.get, 1);
    assert.equal(store.calls.withLock, 0);
    assert.deepEqual([...tokens], [fixture.firstEntry.tokens.access_token]);
  });
});

describe("proactive refresh", () => {
  test("refreshes inside the margin", async () => {
    const fixture = await start();
    const webex = connectServiceApp(fixture);
    const events: TokenRenewedEvent[] = [];
    webex.tokenProvider.on("refreshed", (event) => events.push(event));
    await webex.org.people.me();

    // The default margin is 900 s, so the refresh point is 2,700 s after issue.
    fixture.emulator.clock.advance(HOUR - 960);
    await webex.org.people.me();
    assert.equal(countRefreshes(fixture.emulator), 0);

    fixture.emulator.clock.advance(70);
    await webex.org.people.me();
    assert.equal(countRefreshes(fixture.emulator, 200), 1);
    assert.equal(events.length, 1);
    assert.match(events[0]?.reason ?? "", /access token expires/);

    const stored = await fixture.store.get(fixture);
    assert.notEqual(stored?.tokens.access_token, fixture.firstEntry.tokens.access_token);
    assert.equal(stored?.tokens.access_token, await webex.tokenProvider.getAccessToken());
    assert.equal(stored?.state, "ok");
    assert.equal(stored?.appId, fixture.app.id);
  });

  test("caps the margin at half the lifetime", async () => {
    const fixture = await start({ accessTokenLifetimeSeconds: 60 });
    const webex = connectServiceApp(fixture);
    fixture.emulator.clock.advance(25);
    await webex.org.people.me();
    assert.equal(countRefreshes(fixture.emulator), 0);

    fixture.emulator.clock.advance(10);
    await webex.org.people.me();
    assert.equal(countRefreshes(fixture.emulator), 1);
  });

  test("saves the pair before using it", async () => {
    const fixture = await start();
    const store = new CountingStore(fixture.store);
    const sentBeforeSaved: string[] = [];
    const checkingFetch: typeof fetch = async (input, init) => {
      const authorization = new Headers(init?.headers).get("authorization");
      const stored = await fixture.store.get(fixture);
      if (authorization !== null && authorization !== `Bearer ${stored?.tokens.access_token}`) {
        sentBeforeSaved.push(String(input));
      }
      return fetch(input, init);
    };
    const webex = connectServiceApp(fixture, { store, fetch: checkingFetch });
    await webex.org.people.me();
    fixture.emulator.clock.advance(HOUR + 1);

    // Requests started while the new pair is being written must wait for the write.
    let releaseSet!: () => void;
    const setStarted = new Promise<void>((resolve) => {
      store.beforeSet = () => {
        resolve();
        return new Promise<void>((release) => {
          releaseSet = release;
        });
      };
    });
    const first = webex.org.people.me();
    await setStarted;
    const during = Array.from({ length: 5 }, () => webex.org.people.me());
    await new Promise((resolve) => setTimeout(resolve, 20));
    releaseSet();
    await Promise.all([first, ...during]);

    assert.equal(countRefreshes(fixture.emulator), 1);
    assert.equal(store.calls.set, 1);
    assert.deepEqual(sentBeforeSaved, []);
  });

  test("stores rotated refresh tokens", async () => {
    const fixture = await start({ rotateRefreshTokens: true });
    const webex = connectServiceApp(fixture);
    const refreshTokens = new Set([fixture.firstEntry.tokens.refresh_token]);
    for (let round = 0; round < 3; round += 1) {
      fixture.emulator.clock.advance(HOUR + 1);
      await webex.org.people.me();
      refreshTokens.add((await fixture.store.get(fixture))?.tokens.refresh_token as string);
    }
    assert.equal(countRefreshes(fixture.emulator, 200), 3);
    assert.equal(countRefreshes(fixture.emulator), 3);
    assert.equal(refreshTokens.size, 4);
  });
});

describe("single flight", () => {
  for (const [name, advanceSeconds] of [
    ["inside the margin", HOUR - 600],
    ["past expiry", HOUR + 5],
  ] as const) {
    test(`8 listings ${name}`, async () => {
      const fixture = await start({ people: 2000 });
      const webex = connectServiceApp(fixture);
      const expected = await listIds(webex, 500);
      assert.equal(new Set(expected).size, expected.length);
      assert.ok(expected.length >= 2000);

      let seen = 0;
      let advanced = false;
      const halfway = (8 * expected.length) / 2;
      const onItem = (): void => {
        seen += 1;
        if (!advanced && seen >= halfway) {
          advanced = true;
          fixture.emulator.clock.advance(advanceSeconds);
        }
      };
      const results = await Promise.all(Array.from({ length: 8 }, () => listIds(webex, 50, onItem)));

      assert.ok(advanced, "the clock moved during the listings");
      assert.equal(countRefreshes(fixture.emulator), 1);
      assert.equal(countRefreshes(fixture.emulator, 200), 1);
      for (const ids of results) {
        assert.deepEqual(ids, expected);
      }
    });
  }

  test("100 calls at expiry", async () => {
    const fixture = await start();
    const webex = connectServiceApp(fixture);
    await webex.org.people.me();
    fixture.emulator.clock.advance(HOUR + 1);

    const people = await Promise.all(Array.from({ length: 100 }, () => webex.org.people.me()));
    assert.equal(people.length, 100);
    assert.equal(countRefreshes(fixture.emulator), 1);
    assert.equal(countRequests(fixture.emulator, "GET", "/v1/people/me", 401), 0);
  });

  test("two clients share one store", async () => {
    const fixture = await start({ rotateRefreshTokens: true });
    const first = connectServiceApp(fixture);
    const second = connectServiceApp(fixture);
    fixture.emulator.clock.advance(HOUR + 1);

    const [tokenA, tokenB] = await Promise.all([first.tokenProvider.getAccessToken(), second.tokenProvider.getAccessToken()]);
    assert.equal(tokenA, tokenB);
    assert.equal(countRefreshes(fixture.emulator), 1);
    await Promise.all([first.org.people.me(), second.org.people.me()]);
  });
});

describe("unexpected 401", () => {
  test("refreshes and replays once", async () => {
    const fixture = await start();
    const webex = connectServiceApp(fixture);
    await webex.org.people.me();
    const revoked = fixture.emulator.revokeTokens({ appId: fixture.app.id, orgId: fixture.orgId, kind: "access" });
    assert.ok(revoked.accessTokens >= 1);

    const logStart = fixture.emulator.requestLog.length;
    const me = await webex.org.people.me();
    assert.equal(me.type, "appuser");
    const sequence = fixture.emulator.requestLog.slice(logStart).map((entry) => `${entry.method} ${entry.path.split("?")[0]} ${entry.status}`);
    assert.deepEqual(sequence, ["GET /v1/people/me 401", "POST /v1/access_token 200", "GET /v1/people/me 200"]);
  });

  test("fails after the replay", async () => {
    const fixture = await start();
    const webex = connectServiceApp(fixture);
    await webex.org.people.me();
    fixture.emulator.inject({ method: "GET", path: "/people/me", status: 401, times: 2 });

    await assert.rejects(webex.org.people.me(), AuthError);
    assert.equal(countRefreshes(fixture.emulator), 1);
    assert.equal(countRequests(fixture.emulator, "GET", "/v1/people/me", 401), 2);
  });

  test("50 concurrent 401s refresh once", async () => {
    const fixture = await start();
    const webex = connectServiceApp(fixture);
    await webex.org.people.me();
    fixture.emulator.revokeTokens({ kind: "access" });

    await Promise.all(Array.from({ length: 50 }, () => webex.org.people.me()));
    assert.equal(countRefreshes(fixture.emulator), 1);
  });
});

describe("rejected refresh", () => {
  /** Checks the error, the mark in the store and that a second call sends nothing. */
  async function assertStopsAtOnce(
    fixture: ServiceAppFixture,
    webex: ReturnType<typeof connectServiceApp>,
    advice: RegExp,
    reason: TokenRejectionReason,
  ): Promise<void> {
    const rejections: TokenRefreshError[] = [];
    webex.tokenProvider.on("refreshRejected", (error) => rejections.push(error));

    const first = await webex.org.people.me().then(
      () => assert.fail("the request succeeded"),
      (error: unknown) => error,
    );
    assert.ok(first instanceof TokenRefreshError, `got ${String(first)}`);
    assert.equal(first.code, "refresh_rejected");
    assert.equal(exitCodeFor(first.code), 3);
    assert.match(first.message, advice);
    assert.equal(first.reason, reason);
    assert.equal(countRefreshes(fixture.emulator), 1);
    assert.equal(rejections.length, 1);

    const stored = await fixture.store.get(fixture);
    assert.equal(stored?.state, "needs_reauthorization");
    assert.match(stored?.problem ?? "", advice);
    assert.equal(stored?.rejectionReason, reason);

    const logLength = fixture.emulator.requestLog.length;
    await assert.rejects(webex.org.people.me(), (error: unknown) => error === first);
    await assert.rejects(webex.tokenProvider.getAccessToken(), (error: unknown) => error === first);
    assert.equal(fixture.emulator.requestLog.length, logLength);
    assert.equal(rejections.length, 1);
  }

  test("after secret regeneration", async () => {
    const fixture = await start();
    const webex = connectServiceApp(fixture);
    await fixture.app.regenerateClientSecret();
    fixture.emulator.clock.advance(HOUR + 1);
    await assertStopsAtOnce(fixture, webex, /client secret was probably regenerated/, "client_secret");
  });

  test("after deauthorization", async () => {
    const fixture = await start();
    const webex = connectServiceApp(fixture);
    await webex.org.people.me();
    const seenByAdmin = await fixture.admin.org.applications.getAppById(fixture.app.id);
    await seenByAdmin.deauthorize();
    await assertStopsAtOnce(fixture, webex, /authorize the app again in Control Hub/, "refresh_token");
    assert.equal(countRequests(fixture.emulator, "GET", "/v1/people/me", 401), 1);
  });

  test("after refresh-token expiry", async () => {
    const fixture = await start({ refreshTokenLifetimeSeconds: 2 * HOUR });
    const webex = connectServiceApp(fixture);
    fixture.emulator.clock.advance(2 * HOUR + 1);
    await assertStopsAtOnce(fixture, webex, /refresh token has expired or was revoked/, "refresh_token");
  });

  test("refresh() tries once more", async () => {
    const fixture = await start({ refreshTokenLifetimeSeconds: 2 * HOUR });
    const webex = connectServiceApp(fixture);
    fixture.emulator.clock.advance(2 * HOUR + 1);
    await assert.rejects(webex.org.people.me(), TokenRefreshError);
    await assert.rejects(webex.tokenProvider.refresh(), TokenRefreshError);
    assert.equal(countRefreshes(fixture.emulator), 2);
  });

  test("a new client tries the marked pair once", async () => {
    const fixture = await start();
    await fixture.app.regenerateClientSecret();
    fixture.emulator.clock.advance(HOUR + 1);
    await assert.rejects(connectServiceApp(fixture).org.people.me(), TokenRefreshError);

    // The developer passes the new secret; the stored refresh token is still valid.
    const logger = createCapturingLogger();
    const fixed = connectServiceApp(fixture, { clientSecret: fixture.app.clientSecret as string, logger });
    await fixed.org.people.me();
    assert.equal((await fixture.store.get(fixture))?.state, "ok");
    const warnings = logger.lines.filter((line) => line.level === "warn").map((line) => line.message);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0] ?? "", /marks the pair of .* as rejected at \S+: Webex rejected the client secret\. Refreshing it once more now, because the access token expires at /);
    assert.equal(countRefreshes(fixture.emulator), 2);
  });

  test("marked pair with fresh token is used", async () => {
    const fixture = await start();
    await fixture.app.regenerateClientSecret();
    await assert.rejects(connectServiceApp(fixture).tokenProvider.refresh(), TokenRefreshError);
    assert.equal((await fixture.store.get(fixture))?.rejectionReason, "client_secret");

    // The access token is still fresh, so the new client uses it and sends no refresh yet.
    const logger = createCapturingLogger();
    const fixed = connectServiceApp(fixture, { clientSecret: fixture.app.clientSecret as string, logger });
    await fixed.org.people.me();
    assert.equal(countRefreshes(fixture.emulator), 1);
    const warnings = logger.lines.filter((line) => line.level === "warn").map((line) => line.message);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0] ?? "", /Its access token is used until a refresh is due, at the latest at \S+; that refresh tries the refresh token again\./);
    assert.doesNotMatch(warnings[0] ?? "", /once more/);

    fixture.emulator.clock.advance(HOUR + 1);
    await fixed.org.people.me();
    assert.equal(countRefreshes(fixture.emulator), 2);
    assert.equal((await fixture.store.get(fixture))?.state, "ok");
  });

  test("network failure is not a rejection", async () => {
    const fixture = await start();
    const webex = connectServiceApp(fixture, { retry: { maxRetries: 0 } });
    fixture.emulator.clock.advance(HOUR + 1);
    fixture.emulator.inject({ method: "POST", path: "/access_token", status: 503 });

    await assert.rejects(webex.org.people.me(), ServerError);
    assert.equal((await fixture.store.get(fixture))?.state, "ok");
    await webex.org.people.me();
    assert.equal(countRefreshes(fixture.emulator), 2);
    assert.equal(countRefreshes(fixture.emulator, 200), 1);
  });

  test("missing entry names the fix", async () => {
    const fixture = await start();
    const webex = connectServiceApp(fixture, { store: new MemoryTokenStore() });
    const logLength = fixture.emulator.requestLog.length;
    await assert.rejects(webex.org.people.me(), (error: unknown) => {
      assert.ok(error instanceof TokenRefreshError);
      assert.match(error.message, /has no token pair/);
      assert.match(error.message, /wxadmin token fetch/);
      return true;
    });
    assert.equal(fixture.emulator.requestLog.length, logLength);
  });
});

describe("save failure", () => {
  test("keeps the new pair for the next call", async () => {
    const fixture = await start({ rotateRefreshTokens: true });
    const store = new CountingStore(fixture.store);
    const webex = connectServiceApp(fixture, { store });
    fixture.emulator.clock.advance(HOUR + 1);
    store.failNextSets = 1;

    await assert.rejects(webex.org.people.me(), /disk full/);
    assert.equal((await fixture.store.get(fixture))?.tokens.access_token, fixture.firstEntry.tokens.access_token);

    await webex.org.people.me();
    assert.equal(countRefreshes(fixture.emulator), 1);
    const stored = await fixture.store.get(fixture);
    assert.equal(stored?.tokens.access_token, await webex.tokenProvider.getAccessToken());
  });
});

describe("token manager", () => {
  test("re-mints after a rejected refresh", async () => {
    const fixture = await start({ refreshTokenLifetimeSeconds: 2 * HOUR });
    const webex = connectServiceApp(fixture, { tokenManager: { accessToken: fixture.emulator.tokens.developer } });
    const reminted: TokenRenewedEvent[] = [];
    webex.tokenProvider.on("reminted", (event) => reminted.push(event));
    const mintPath = `/v1/applications/${fixture.app.id}/token`;
    const mintsBefore = countRequests(fixture.emulator, "POST", mintPath);

    fixture.emulator.clock.advance(2 * HOUR + 1);
    await webex.org.people.me();
    assert.equal(countRefreshes(fixture.emulator, 400), 1);
    assert.equal(countRequests(fixture.emulator, "POST", mintPath) - mintsBefore, 1);
    assert.equal(reminted.length, 1);
    const stored = await fixture.store.get(fixture);
    assert.equal(stored?.state, "ok");
    assert.equal(stored?.tokens.access_token, await webex.tokenProvider.getAccessToken());
  });

  test("mints when the store is empty", async () => {
    const fixture = await start();
    const store = new MemoryTokenStore();
    const webex = connectServiceApp(fixture, { store, appId: fixture.app.id, tokenManager: { accessToken: fixture.emulator.tokens.developer } });
    await webex.org.people.me();
    const stored = await store.get(fixture);
    assert.equal(stored?.appId, fixture.app.id);
    assert.equal(countRefreshes(fixture.emulator), 0);
  });

  test("stops when the app is deauthorized", async () => {
    const fixture = await start();
    const webex = connectServiceApp(fixture, { tokenManager: { accessToken: fixture.emulator.tokens.developer, appId: fixture.app.id } });
    const seenByAdmin = await fixture.admin.org.applications.getAppById(fixture.app.id);
    await seenByAdmin.deauthorize();

    const error = await webex.org.people.me().then(
      () => assert.fail("the request succeeded"),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof TokenRefreshError);
    assert.match(error.message, /not authorized in this org/);
    assert.equal((await fixture.store.get(fixture))?.state, "needs_reauthorization");

    const logLength = fixture.emulator.requestLog.length;
    await assert.rejects(webex.org.people.me(), TokenRefreshError);
    assert.equal(fixture.emulator.requestLog.length, logLength);
  });
});

describe("refresh token expiry", () => {
  test("keep-alive renews it", async () => {
    const fixture = await start({ refreshTokenLifetimeSeconds: 100 });
    const webex = connectServiceApp(fixture);
    const warnings: unknown[] = [];
    webex.tokenProvider.on("refreshTokenExpiring", (event) => warnings.push(event));
    const events: TokenRenewedEvent[] = [];
    webex.tokenProvider.on("refreshed", (event) => events.push(event));

    fixture.emulator.clock.advance(70);
    await webex.org.people.me();
    assert.equal(countRefreshes(fixture.emulator), 0);

    // A quarter of the 100 s lifetime: the keep-alive point is 75 s after issue.
    fixture.emulator.clock.advance(8);
    await webex.org.people.me();
    assert.equal(countRefreshes(fixture.emulator), 1);
    assert.match(events[0]?.reason ?? "", /refreshing renews it/);
    assert.equal(warnings.length, 0);

    // The renewed refresh token outlives the first one.
    fixture.emulator.clock.advance(50);
    await webex.org.people.me();
    assert.equal(countRefreshes(fixture.emulator), 1);
  });

  test("warns, then keeps it alive", async () => {
    const fixture = await start({ refreshTokenLifetimeSeconds: 100 });
    const logger = createCapturingLogger();
    const webex = connectServiceApp(fixture, { logger, refreshTokenWarningSeconds: 20, refreshTokenKeepAliveSeconds: 10 });
    const warnings: Array<{ orgId: string; refreshExpiresAt: Date }> = [];
    webex.tokenProvider.on("refreshTokenExpiring", (event) => warnings.push(event));

    fixture.emulator.clock.advance(81);
    await webex.org.people.me();
    await webex.org.people.me();
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.orgId, fixture.orgId);
    assert.equal(warnings[0]?.refreshExpiresAt.getTime(), fixture.firstEntry.obtainedAt + 100_000);
    assert.equal(countRefreshes(fixture.emulator), 0);
    assert.ok(logger.lines.some((line) => line.level === "warn" && /refresh token .* expires at/.test(line.message)));

    fixture.emulator.clock.advance(10);
    await webex.org.people.me();
    assert.equal(countRefreshes(fixture.emulator), 1);
    assert.equal(warnings.length, 1);
  });

  test("keep-alive stops when it cannot renew", async () => {
    // A deployment that keeps the refresh token's first expiry: each response counts down.
    let nowMs = Date.UTC(2026, 0, 15, 12, 0, 0);
    const startMs = nowMs;
    let issued = 0;
    const fake = createScriptedFetch([
      () => {
        issued += 1;
        const remaining = Math.round((startMs + 100_000 - nowMs) / 1000);
        const body = {
          access_token: `planted-access-token-${issued}-abcdef`,
          expires_in: HOUR,
          refresh_token: "planted-refresh-token-fixed-abcdef",
          refresh_token_expires_in: remaining,
          token_type: "Bearer",
        };
        return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
      },
    ]);
    const orgId = encodeId("ORGANIZATION", "8fe9a48e-535d-4bee-a155-d7c0a8acbf09");
    const entry: StoredToken = {
      clientId: "C0123456789abcdef",
      orgId,
      tokens: { access_token: "planted-access-token-0-abcdef", expires_in: HOUR, refresh_token: "planted-refresh-token-fixed-abcdef", refresh_token_expires_in: 100, token_type: "Bearer" },
      obtainedAt: startMs,
      updatedAt: startMs,
    };
    const logger = createCapturingLogger();
    const provider = new ServiceAppTokenProvider({
      clientId: entry.clientId,
      clientSecret: "planted-client-secret-abcdef",
      orgId,
      store: new MemoryTokenStore([entry]),
      baseUrl: "http://127.0.0.1:9/v1",
      fetch: fake,
      now: () => nowMs,
      logger,
    });
    const warnings: unknown[] = [];
    provider.on("refreshTokenExpiring", (event) => warnings.push(event));

    for (const offsetSeconds of [76, 80, 90, 95, 97, 99]) {
      nowMs = startMs + offsetSeconds * 1000;
      await provider.getAccessToken();
    }
    assert.equal(issued, 1);
    assert.equal(warnings.length, 1);
    assert.ok(logger.lines.some((line) => /did not renew the refresh token/.test(line.message)));
  });
});

describe("secrets", () => {
  test("never reach logs, errors or inspect", async () => {
    const fixture = await start({ refreshTokenLifetimeSeconds: 2 * HOUR });
    const logger = createCapturingLogger();
    const webex = connectServiceApp(fixture, { logger });
    const secrets = new Set<string>([fixture.clientSecret, fixture.firstEntry.tokens.access_token, fixture.firstEntry.tokens.refresh_token]);
    const collect = async (): Promise<void> => {
      const stored = await fixture.store.get(fixture);
      if (stored !== undefined) {
        secrets.add(stored.tokens.access_token);
        secrets.add(stored.tokens.refresh_token);
      }
    };

    await webex.org.people.me();
    fixture.emulator.clock.advance(HOUR + 1);
    await webex.org.people.me();
    await collect();
    fixture.emulator.revokeTokens({ kind: "access" });
    await webex.org.people.me();
    await collect();
    fixture.emulator.clock.advance(3 * HOUR);
    const error = await webex.org.people.me().catch((caught: unknown) => caught);
    assert.ok(error instanceof TokenRefreshError);

    const outputs = [
      logger.text(),
      error.message,
      String(error.stack),
      inspect(error, { depth: 5 }),
      JSON.stringify(error.body),
      inspect(webex.tokenProvider, { depth: 5 }),
      inspect(webex, { depth: 5 }),
      webex.tokenProvider.describe(),
      JSON.stringify(await fixture.store.get(fixture).then((entry) => entry?.problem)),
    ].join("\n");
    assert.ok(logger.lines.some((line) => line.level === "debug"), "debug lines were captured");
    assert.ok(secrets.size >= 5);
    for (const secret of secrets) {
      assert.equal(outputs.includes(secret), false, `a secret starting ${secret.slice(0, 4)} leaked`);
    }
  });
});

describe("two processes", () => {
  /** Sends `command` to `child` and resolves with its next reply. */
  function ask(child: ChildProcess, command: WorkerCommand): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`worker ${child.pid} exited with code ${code}`));
      child.once("exit", onExit);
      child.once("message", (message: WorkerReply) => {
        child.off("exit", onExit);
        resolve(message);
      });
      child.send(command);
    });
  }

  test("refresh once per expiry", async () => {
    const fixture = await start({ rotateRefreshTokens: true });
    const folder = await mkdtemp(path.join(tmpdir(), "wxadmin-provider-"));
    const storePath = path.join(folder, "tokens.json");
    const fileStore = new FileTokenStore({ path: storePath });
    await fileStore.set(fixture.firstEntry);

    const workerPath = new URL("./helpers/token-provider-worker.js", import.meta.url);
    const workers = [fork(workerPath, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] }), fork(workerPath, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] })];
    try {
      const init: WorkerCommand = {
        type: "init",
        storePath,
        baseUrl: fixture.emulator.url,
        clientId: fixture.clientId,
        clientSecret: fixture.clientSecret,
        orgId: fixture.orgId,
      };
      for (const reply of await Promise.all(workers.map((worker) => ask(worker, init)))) {
        assert.equal(reply.type, "ready");
      }

      const accessTokens = new Set<string>();
      for (let round = 1; round <= 3; round += 1) {
        fixture.emulator.clock.advance(HOUR + 1);
        const clockOffsetMs = fixture.emulator.clock.now() - Date.now();
        const replies = await Promise.all(workers.map((worker) => ask(worker, { type: "run", clockOffsetMs })));

        for (const reply of replies) {
          assert.equal(reply.type, "done", JSON.stringify(reply.type === "failed" ? reply.message : reply.type));
        }
        const done = replies as Array<Extract<WorkerReply, { type: "done" }>>;
        assert.equal(done[0]?.accessToken, done[1]?.accessToken, `round ${round}: both processes use one pair`);
        assert.equal(done[0]?.personType, "appuser");
        assert.equal(countRefreshes(fixture.emulator), round, `round ${round}: one refresh`);
        assert.equal(countRefreshes(fixture.emulator, 200), round);
        assert.equal((done[0]?.refreshes ?? 0) + (done[1]?.refreshes ?? 0), round);

        const file = JSON.parse(await readFile(storePath, "utf8")) as { version: number; entries: Record<string, StoredToken> };
        assert.equal(file.version, 1);
        const entries = Object.values(file.entries);
        assert.equal(entries.length, 1);
        assert.equal(entries[0]?.tokens.access_token, done[0]?.accessToken);
        accessTokens.add(done[0]?.accessToken as string);
      }
      assert.equal(accessTokens.size, 3);

      // The stored refresh token is the live one: with rotation only the last issued works.
      const stored = await fileStore.get(fixture);
      const renewed = await fixture.app.getTokenRefresh(fixture.clientSecret, stored?.tokens.refresh_token as string);
      assert.equal(typeof renewed.access_token, "string");
    } finally {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.exitCode !== null) {
                resolve();
                return;
              }
              worker.once("exit", () => resolve());
              worker.send({ type: "exit" });
            }),
        ),
      );
      await rm(folder, { recursive: true, force: true });
    }
  });
});
