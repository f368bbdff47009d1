/** Which org a connection belongs to, with scripted /organizations and /people/me replies. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { encodeId } from "../src/ids.js";
import { StaticTokenProvider } from "../src/auth/token-provider.js";
import { AuthError, InvalidInputError, NotFoundError, PermissionError } from "../src/transport/errors.js";
import { Webex } from "../src/webex.js";
import { createCapturingLogger, createScriptedFetch } from "./helpers/sdk-fakes.js";

const BASE = "https://webex.test/v1";
const TOKEN = "connect-unit-token-0123456789";
const ORG_A = encodeId("ORGANIZATION", "0a0a0a0a-0000-4000-8000-000000000001");
const ORG_B = encodeId("ORGANIZATION", "0b0b0b0b-0000-4000-8000-000000000002");
const forbidden = { message: "Missing scope", errors: [{ description: "Missing scope" }], trackingId: "T403" };

type Reply = { status: number; body: unknown };

function connectWith(organizations: Reply, me: Reply, baseUrl = BASE) {
  const fetch = createScriptedFetch([
    (request) => {
      const reply = new URL(request.url).pathname.endsWith("/organizations") ? organizations : me;
      return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { "content-type": "application/json" } });
    },
  ]);
  const logger = createCapturingLogger();
  return { connecting: Webex.connect({ accessToken: TOKEN, baseUrl, fetch, logger }), fetch, logger };
}

describe("Webex.connect", () => {
  test("uses the org of people/me", async () => {
    const { connecting } = connectWith(
      { status: 200, body: { items: [{ id: ORG_A, displayName: "A" }, { id: ORG_B, displayName: "B" }] } },
      { status: 200, body: { id: "me", orgId: ORG_B, displayName: "Admin" } },
    );
    const webex = await connecting;
    assert.equal(webex.org.id, ORG_B);
    assert.equal(webex.org.displayName, "B");
    assert.equal(webex.orgs.length, 2);
    assert.equal(webex.forOrg(ORG_A).displayName, "A");
  });

  test("falls back to people/me on 403", async () => {
    const { connecting, logger } = connectWith({ status: 403, body: forbidden }, { status: 200, body: { id: "me", orgId: ORG_A, type: "appuser" } });
    const webex = await connecting;
    assert.equal(webex.org.id, ORG_A);
    assert.equal(webex.org.displayName, "");
    assert.deepEqual(webex.orgs.map((org) => org.id), [ORG_A]);
    assert.equal(webex.me?.type, "appuser");
    assert.ok(logger.lines.some((line) => line.level === "debug" && /may not list organizations/.test(line.message)));
  });

  test("adds the owner's org when unlisted", async () => {
    const { connecting } = connectWith({ status: 200, body: { items: [{ id: ORG_A, displayName: "A" }] } }, { status: 200, body: { id: "me", orgId: ORG_B } });
    const webex = await connecting;
    assert.equal(webex.org.id, ORG_B);
    assert.deepEqual(webex.orgs.map((org) => org.id), [ORG_A, ORG_B]);
  });

  test("uses the only org without people/me", async () => {
    const { connecting } = connectWith({ status: 200, body: { items: [{ id: ORG_A, displayName: "A" }] } }, { status: 403, body: forbidden });
    const webex = await connecting;
    assert.equal(webex.org.id, ORG_A);
    assert.equal(webex.me, undefined);
  });

  test("fails with several orgs and no owner", async () => {
    const { connecting } = connectWith(
      { status: 200, body: { items: [{ id: ORG_A, displayName: "A" }, { id: ORG_B, displayName: "B" }] } },
      { status: 403, body: forbidden },
    );
    await assert.rejects(connecting, PermissionError);
  });

  test("fails when both are forbidden", async () => {
    const { connecting } = connectWith({ status: 403, body: forbidden }, { status: 403, body: forbidden });
    await assert.rejects(connecting, PermissionError);
  });

  test("raises a rejected token", async () => {
    const unauthorized = { message: "The request requires a valid access token set in the Authorization request header.", errors: [], trackingId: "T401" };
    const { connecting } = connectWith({ status: 401, body: unauthorized }, { status: 401, body: unauthorized });
    await assert.rejects(connecting, AuthError);
  });

  test("404 without v1 hints at base URL", async () => {
    const noEndpoint = { message: "No endpoint at GET /organizations.", errors: [], trackingId: "T404" };
    const { connecting } = connectWith({ status: 404, body: noEndpoint }, { status: 404, body: noEndpoint }, "https://webex.test");
    await assert.rejects(connecting, (error: unknown) => {
      assert.ok(error instanceof NotFoundError);
      assert.equal(error.status, 404);
      assert.match(error.message, /^GET \/organizations failed: 404/);
      assert.match(error.message, /The base URL https:\/\/webex\.test does not end in \/v1, as Webex's \(https:\/\/webexapis\.com\/v1\)/);
      return true;
    });
  });

  test("404 with v1 has no hint", async () => {
    const noEndpoint = { message: "No endpoint at GET /v1/organizations.", errors: [], trackingId: "T404" };
    const { connecting } = connectWith({ status: 404, body: noEndpoint }, { status: 404, body: noEndpoint });
    await assert.rejects(connecting, (error: unknown) => {
      assert.ok(error instanceof NotFoundError);
      assert.doesNotMatch(error.message, /does not end in \/v1/);
      return true;
    });
  });

  test("403 then 404 without v1 hints", async () => {
    const { connecting } = connectWith({ status: 403, body: forbidden }, { status: 404, body: { message: "No endpoint." } }, "https://webex.test/api");
    await assert.rejects(connecting, (error: unknown) => {
      assert.ok(error instanceof NotFoundError);
      assert.match(error.message, /The base URL https:\/\/webex\.test\/api does not end in \/v1/);
      return true;
    });
  });

  test("logs the token source, not the token", async () => {
    const { connecting, logger } = connectWith({ status: 200, body: { items: [{ id: ORG_A, displayName: "A" }] } }, { status: 200, body: { id: "me", orgId: ORG_A } });
    await connecting;
    assert.match(logger.lines[0]?.message ?? "", /^Connecting to https:\/\/webex\.test\/v1 with a static access token from accessToken option\.$/);
    assert.equal(logger.text().includes(TOKEN), false);
  });

  test("logs a provider's own source", async () => {
    const fetch = createScriptedFetch([{ status: 200, body: { id: "me", orgId: ORG_A, items: [{ id: ORG_A, displayName: "A" }] } }]);
    const logger = createCapturingLogger();
    const tokenProvider = new StaticTokenProvider(TOKEN, { source: "environment variable WEBEX_ACCESS_TOKEN" });
    await Webex.connect({ tokenProvider, baseUrl: BASE, fetch, logger });
    assert.match(logger.lines[0]?.message ?? "", /with a static access token from environment variable WEBEX_ACCESS_TOKEN\.$/);
  });

  test("rejects both token and provider", async () => {
    const provider = { getAccessToken: async () => TOKEN, describe: () => "test" };
    await assert.rejects(Webex.connect({ accessToken: TOKEN, tokenProvider: provider, baseUrl: BASE }), InvalidInputError);
  });
});
