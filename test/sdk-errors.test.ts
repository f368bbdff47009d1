/** Rejected credentials, permissions and input, against the emulator and before any request. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../src/emulator/index.js";
import { registerSecret } from "../src/redact.js";
import {
  AuthError,
  BadRequestError,
  InvalidInputError,
  NotFoundError,
  PermissionError,
  TokenRefreshError,
  withAdvice,
} from "../src/transport/errors.js";
import type { CreateServiceApplicationInput } from "../src/resources/applications.js";
import { Webex } from "../src/webex.js";
import { SERVICE_APP_SCOPES, connectTo, createAuthorizedApp, startTestEmulator, type ServiceAppSetup } from "./helpers/sdk-emulator.js";

describe("credential errors", () => {
  let emulator: Emulator;
  let setup: ServiceAppSetup;

  before(async () => {
    emulator = await startTestEmulator({ seed: "empty", personalTokenLifetimeSeconds: 3600, accessTokenLifetimeSeconds: 600 });
    setup = await createAuthorizedApp(emulator, "Errors Robot");
  });

  after(async () => {
    emulator.clock.reset();
    await emulator.stop();
  });

  test("wrong secret is a bad request", async () => {
    const wrongSecret = "wrong-client-secret-0123456789abcdef";
    await assert.rejects(setup.app.getToken(wrongSecret, setup.admin.org.id), (error: unknown) => {
      assert.ok(error instanceof BadRequestError);
      assert.equal(error.status, 400);
      assert.match(error.message, /^POST \/v1\/applications\/\S+\/token failed: 400 Bad Request: /);
      assert.equal(error.message.includes(wrongSecret), false);
      return true;
    });
  });

  test("wrong secret fails refresh", async () => {
    const token = await setup.app.getToken(setup.clientSecret, setup.admin.org.id);
    await assert.rejects(setup.app.getTokenRefresh("wrong-client-secret-0123456789abcdef", token.refresh_token), (error: unknown) => {
      assert.ok(error instanceof TokenRefreshError);
      assert.equal(error.code, "refresh_rejected");
      assert.equal(error.reason, "client_secret");
      assert.match(error.message, /Call getTokenRefresh again with the current secret; the refresh token may still be valid\.$/);
      return true;
    });
  });

  test("unknown refresh token fails refresh", async () => {
    await assert.rejects(setup.app.getTokenRefresh(setup.clientSecret, "unknown-refresh-token-000000000000"), (error: unknown) => {
      assert.ok(error instanceof TokenRefreshError);
      assert.equal(error.reason, "refresh_token");
      assert.match(error.message, /Get a new pair with getToken/);
      return true;
    });
  });

  test("unauthorized org is refused", async () => {
    const otherApp = await setup.developer.org.applications.createServiceApplication({
      name: "Never Authorized",
      contactEmail: "dev-team@example.com",
      logo: "https://example.com/logo.png",
      scopes: SERVICE_APP_SCOPES,
    });
    await assert.rejects(otherApp.getToken(otherApp.clientSecret as string, setup.admin.org.id), (error: unknown) => {
      assert.ok(error instanceof PermissionError);
      assert.equal(error.status, 403);
      assert.match(error.message, /403 Forbidden/);
      assert.match(error.message, /trackingId \S+, 1 attempt\)/);
      return true;
    });
  });

  test("caller without applications_token scope", async () => {
    const plainToken = emulator.createPersonalToken({ org: "developer", scopes: ["spark:all"] });
    const caller = await connectTo(emulator, plainToken);
    const app = await caller.org.applications.getAppById(setup.app.id);
    await assert.rejects(app.getToken(setup.clientSecret, setup.admin.org.id), (error: unknown) => {
      assert.ok(error instanceof PermissionError);
      assert.match(error.message, /spark:applications_token/);
      return true;
    });
  });

  test("non-admin cannot authorize", async () => {
    const personToken = emulator.createPersonalToken({ org: "customer", role: "none" });
    const person = await connectTo(emulator, personToken);
    const app = await person.org.applications.getAppById(setup.app.id);
    await assert.rejects(app.authorize(), PermissionError);
  });

  test("expired personal token is rejected", async () => {
    const shortToken = emulator.createPersonalToken({ org: "developer", lifetimeSeconds: 60 });
    await connectTo(emulator, shortToken);
    emulator.clock.advance(61);
    try {
      await assert.rejects(connectTo(emulator, shortToken), (error: unknown) => {
        assert.ok(error instanceof AuthError);
        assert.equal(error.status, 401);
        assert.equal(error.code, "auth");
        assert.match(error.message, /401 Unauthorized/);
        return true;
      });
    } finally {
      emulator.clock.reset();
    }
  });

  test("expired service-app token is rejected", async () => {
    const token = await setup.app.getToken(setup.clientSecret, setup.admin.org.id);
    const session = await connectTo(emulator, token.access_token);
    emulator.clock.advance(601);
    try {
      await assert.rejects(session.org.people.list().toArray(), AuthError);
      const refreshed = await setup.app.getTokenRefresh(setup.clientSecret, token.refresh_token);
      const renewed = await connectTo(emulator, refreshed.access_token);
      assert.equal(renewed.org.id, emulator.orgs.customer.id);
    } finally {
      emulator.clock.reset();
    }
  });

  test("unknown token is rejected", async () => {
    await assert.rejects(connectTo(emulator, "not-a-token-anyone-issued-00000"), AuthError);
  });
});

describe("input errors", () => {
  let emulator: Emulator;
  let developer: Webex;

  before(async () => {
    emulator = await startTestEmulator({ seed: "empty" });
    developer = await connectTo(emulator, emulator.tokens.developer);
  });

  after(async () => {
    await emulator.stop();
  });

  test("empty token", async () => {
    await assert.rejects(Webex.connect({ accessToken: "", baseUrl: emulator.url }), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /access token .* is empty/);
      return true;
    });
  });

  test("missing token", async () => {
    await assert.rejects(Webex.connect({ baseUrl: emulator.url }), /got no access token; pass accessToken/);
  });

  test("http base URL off loopback", async () => {
    await assert.rejects(Webex.connect({ accessToken: emulator.tokens.developer, baseUrl: "http://webex.example.com/v1" }), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /http:\/\/webex\.example\.com\/v1/);
      assert.match(error.message, /use https:\/\//);
      return true;
    });
  });

  test("base URL from WEBEX_BASE_URL", async () => {
    const saved = process.env.WEBEX_BASE_URL;
    process.env.WEBEX_BASE_URL = emulator.url;
    try {
      const session = await Webex.connect({ accessToken: emulator.tokens.developer });
      assert.equal(session.transport.baseUrl, emulator.url);
    } finally {
      if (saved === undefined) {
        delete process.env.WEBEX_BASE_URL;
      } else {
        process.env.WEBEX_BASE_URL = saved;
      }
    }
  });

  test("bad org references", async () => {
    const cases: Array<[unknown, RegExp]> = [
      ["", /Invalid org/],
      ["not-an-org", /Invalid org "not-an-org": expected a base64 org id/],
      [developer.me?.id, /it is a PEOPLE id, not an ORGANIZATION id/],
      [{}, /Invalid org an object/],
      [42, /Invalid org number 42/],
    ];
    for (const [value, pattern] of cases) {
      await assert.rejects(developer.resolveOrgId(value as string), (error: unknown) => {
        assert.ok(error instanceof InvalidInputError, String(value));
        assert.match(error.message, pattern);
        return true;
      });
    }
  });

  test("forOrg lists visible orgs", () => {
    assert.equal(developer.forOrg(emulator.orgs.developer.uuid), developer.org);
    assert.equal(developer.forOrg({ id: emulator.orgs.developer.id }), developer.org);
    assert.throws(() => developer.forOrg(emulator.orgs.customer.id), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /is not among the orgs this token can see/);
      assert.ok(error.message.includes(emulator.orgs.developer.id));
      assert.ok(error.message.includes(emulator.orgs.developer.displayName));
      return true;
    });
  });

  test("create-app input is checked", async () => {
    const valid: CreateServiceApplicationInput = {
      name: "Input Robot",
      contactEmail: "dev-team@example.com",
      logo: "https://example.com/logo.png",
      scopes: ["spark-admin:people_read"],
    };
    const cases: Array<[Partial<Record<keyof CreateServiceApplicationInput, unknown>>, RegExp]> = [
      [{ name: "  " }, /Invalid name: expected a non-empty string/],
      [{ name: undefined }, /Invalid name: .*got nothing/],
      [{ contactEmail: "dev-team" }, /Invalid contactEmail "dev-team": expected an email address/],
      [{ contactEmail: "a b@example.com" }, /Invalid contactEmail/],
      [{ logo: "logo.png" }, /Invalid logo "logo.png": expected an absolute http\(s\) URL/],
      [{ logo: "ftp://example.com/logo.png" }, /Invalid logo/],
      [{ scopes: [] }, /Invalid scopes an array of 0: expected a non-empty array/],
      [{ scopes: "spark-admin:people_read" }, /Invalid scopes/],
      [{ scopes: ["spark-admin:people_read spark:all"] }, /Invalid scope "spark-admin:people_read spark:all"/],
      [{ scopes: [""] }, /Invalid scope ""/],
      [{ description: 5 }, /Invalid description number 5/],
    ];
    const before = emulator.requestLog.length;
    for (const [change, pattern] of cases) {
      const input = { ...valid, ...change } as CreateServiceApplicationInput;
      await assert.rejects(developer.org.applications.createServiceApplication(input), (error: unknown) => {
        assert.ok(error instanceof InvalidInputError, JSON.stringify(change));
        assert.match(error.message, pattern);
        return true;
      });
    }
    assert.equal(emulator.requestLog.length, before, "invalid input must not reach the server");
  });

  test("empty secret is rejected", async () => {
    const app = await developer.org.applications.createServiceApplication({
      name: "Secretless",
      contactEmail: "dev-team@example.com",
      logo: "https://example.com/logo.png",
      scopes: ["spark-admin:people_read"],
    });
    await assert.rejects(app.getToken("", developer.org), /Invalid clientSecret: expected the non-empty value Webex issued, got an empty string/);
    await assert.rejects(app.getTokenRefresh(app.clientSecret as string, " "), /Invalid refreshToken/);
  });

  test("too many person ids", () => {
    const ids = Array.from({ length: 86 }, (_unused, index) => `id-${index}`);
    assert.throws(() => developer.org.people.list({ id: ids }), /at most 85 in one list request, got 86/);
  });
});

describe("withAdvice", () => {
  test("copies error with advice", () => {
    const original = new NotFoundError("GET /v1/applications/x failed: 404 Not Found.", {
      method: "GET",
      path: "/v1/applications/x",
      status: 404,
      trackingId: "T404",
      attempts: 1,
    });
    const advised = withAdvice(original, "Check the id.");

    assert.ok(advised instanceof NotFoundError);
    assert.notEqual(advised, original);
    assert.equal(advised.message, "GET /v1/applications/x failed: 404 Not Found. Check the id.");
    assert.equal(advised.code, "not_found");
    assert.equal(advised.status, 404);
    assert.equal(advised.trackingId, "T404");
    assert.equal(advised.path, "/v1/applications/x");
    assert.equal(original.message, "GET /v1/applications/x failed: 404 Not Found.");
  });

  test("masks a registered secret in advice", () => {
    const secret = "advice-planted-secret-0123456789";
    registerSecret(secret);
    const advised = withAdvice(new AuthError("401 Unauthorized."), `Token ${secret} was rejected.`);
    assert.equal(advised.message.includes(secret), false);
  });
});
