import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, test } from "node:test";
import { StaticTokenProvider, type TokenProvider } from "../src/auth/token-provider.js";
import {
  AuthError,
  BadRequestError,
  ConflictError,
  InvalidInputError,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
  TimeoutError,
  WebexApiError,
} from "../src/transport/errors.js";
import { isLoopbackHost, validateBaseUrl } from "../src/transport/base-url.js";
import { Transport, buildQueryString, type TransportOptions } from "../src/transport/request.js";
import { createCapturingLogger, createFakeClock, createScriptedFetch, fetchFailure, type ScriptedStep } from "./helpers/sdk-fakes.js";

const BASE = "https://webex.test/v1";
const TOKEN = "transport-unit-token-0123456789";

function setup(steps: ScriptedStep[], options: Partial<TransportOptions> = {}) {
  const fetch = createScriptedFetch(steps);
  const clock = createFakeClock();
  const logger = createCapturingLogger();
  const transport = new Transport({
    baseUrl: BASE,
    tokenProvider: new StaticTokenProvider(TOKEN),
    fetch,
    sleep: clock.sleep,
    now: clock.now,
    logger,
    random: () => 0.5,
    ...options,
  });
  return { transport, fetch, clock, logger };
}

function errorBody(message: string, description = message, trackingId = "ROUTER_TEST") {
  return { message, errors: [{ description }], trackingId };
}

describe("validateBaseUrl", () => {
  test("accepts https and strips the trailing slash", () => {
    assert.equal(validateBaseUrl("https://webexapis.com/v1/"), "https://webexapis.com/v1");
  });

  test("accepts http on loopback hosts", () => {
    for (const url of ["http://127.0.0.1:8080/v1", "http://127.1.2.3/v1", "http://localhost:3000/v1", "http://[::1]:9000/v1"]) {
      assert.equal(validateBaseUrl(url), url);
    }
  });

  test("rejects http elsewhere", () => {
    for (const url of ["http://webexapis.com/v1", "http://128.0.0.1/v1", "http://10.0.0.1/v1", "http://localhost.example.com/v1"]) {
      assert.throws(() => validateBaseUrl(url), (error: unknown) => {
        assert.ok(error instanceof InvalidInputError);
        assert.ok(error.message.includes(url), error.message);
        assert.match(error.message, /use https:\/\//);
        return true;
      });
    }
  });

  test("rejects other schemes and non-URLs", () => {
    assert.throws(() => validateBaseUrl("ftp://webexapis.com/v1"), /uses ftp:/);
    assert.throws(() => validateBaseUrl("webexapis.com/v1"), /not a valid absolute URL/);
  });

  test("rejects credentials in the URL", () => {
    assert.throws(() => validateBaseUrl("https://user:pass@webexapis.com/v1"), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.equal(error.message.includes("pass@"), false);
      return true;
    });
  });

  test("isLoopbackHost rejects lookalikes", () => {
    assert.equal(isLoopbackHost("127.0.0.256"), false);
    assert.equal(isLoopbackHost("127.0.0"), false);
    assert.equal(isLoopbackHost("LOCALHOST"), true);
  });
});

describe("StaticTokenProvider", () => {
  test("rejects an empty token", () => {
    assert.throws(() => new StaticTokenProvider("  \n"), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /access token from accessToken option is empty/);
      return true;
    });
  });

  test("rejects a Bearer prefix without echoing the token", () => {
    assert.throws(() => new StaticTokenProvider("Bearer prefixed-token-value-777777"), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /starts with "Bearer "/);
      assert.equal(error.message.includes("prefixed-token-value-777777"), false);
      return true;
    });
  });

  test("trims a trailing newline", async () => {
    assert.equal(await new StaticTokenProvider(`${TOKEN}\n`).getAccessToken(), TOKEN);
  });

  test("describe names the source only", () => {
    const provider = new StaticTokenProvider(TOKEN, { source: "WEBEX_ACCESS_TOKEN" });
    assert.equal(provider.describe(), "static access token from WEBEX_ACCESS_TOKEN");
    assert.equal(inspect(provider).includes(TOKEN), false);
  });
});

describe("Transport", () => {
  test("sends auth, accept and tracking headers", async () => {
    const { transport, fetch } = setup([{ status: 200, body: { ok: true }, headers: { trackingid: "ROUTER_1" } }]);
    const response = await transport.request({ method: "GET", path: "/people/me" });
    const sent = fetch.requests[0];
    assert.equal(sent?.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(sent?.headers.accept, "application/json");
    assert.match(sent?.headers.trackingid ?? "", /^WXADMIN_[0-9a-f-]{36}$/);
    assert.deepEqual(response.body, { ok: true });
    assert.equal(response.trackingId, "ROUTER_1");
    assert.equal(response.attempts, 1);
  });

  test("adds orgId and query parameters", async () => {
    const { transport, fetch } = setup([{ status: 200, body: {} }]);
    await transport.request({ method: "GET", path: "/people", query: { max: 10, id: ["a", "b"], email: undefined, callingData: true }, orgId: "ORG/1" });
    assert.equal(fetch.requests[0]?.url, `${BASE}/people?max=10&id=a%2Cb&callingData=true&orgId=ORG%2F1`);
  });

  test("buildQueryString drops empty values", () => {
    assert.equal(buildQueryString({ a: undefined, b: null, c: "x y" }), "c=x%20y");
  });

  test("sends JSON bodies", async () => {
    const { transport, fetch } = setup([{ status: 200, body: {} }]);
    await transport.request({ method: "POST", path: "/applications", json: { name: "robot" } });
    assert.equal(fetch.requests[0]?.headers["content-type"], "application/json");
    assert.equal(fetch.requests[0]?.body, '{"name":"robot"}');
  });

  test("sends form bodies without a token", async () => {
    const { transport, fetch } = setup([{ status: 200, body: {} }]);
    await transport.request({ method: "POST", path: "/access_token", form: { grant_type: "refresh_token", refresh_token: "r t" }, authenticate: false });
    assert.equal(fetch.requests[0]?.headers["content-type"], "application/x-www-form-urlencoded");
    assert.equal(fetch.requests[0]?.body, "grant_type=refresh_token&refresh_token=r+t");
    assert.equal(fetch.requests[0]?.headers.authorization, undefined);
  });

  test("returns undefined for an empty body", async () => {
    const { transport } = setup([{ status: 204 }]);
    assert.equal((await transport.request({ method: "DELETE", path: "/applications/x" })).body, undefined);
  });

  test("rejects a path without a leading slash", async () => {
    const { transport } = setup([{ status: 200, body: {} }]);
    await assert.rejects(transport.request({ method: "GET", path: "people" }), InvalidInputError);
  });

  test("maps statuses to error classes", async () => {
    const cases: Array<[number, new (...args: never[]) => Error]> = [
      [400, BadRequestError],
      [401, AuthError],
      [403, PermissionError],
      [404, NotFoundError],
      [409, ConflictError],
      [418, WebexApiError],
      [500, ServerError],
    ];
    for (const [status, errorClass] of cases) {
      const { transport } = setup([{ status, body: errorBody("nope") }]);
      await assert.rejects(transport.request({ method: "GET", path: "/x" }), errorClass, String(status));
    }
  });

  test("error message reads alone", async () => {
    const body = errorBody("Missing required scope", "spark-admin:people_read is required", "ROUTER_ABC");
    const { transport } = setup([{ status: 403, body, headers: { trackingid: "ROUTER_ABC" } }]);
    await assert.rejects(transport.request({ method: "GET", path: "/people", query: { max: 100 } }), (error: unknown) => {
      assert.ok(error instanceof PermissionError);
      assert.equal(
        error.message,
        "GET /v1/people?max=100 failed: 403 Forbidden: Missing required scope; spark-admin:people_read is required (trackingId ROUTER_ABC, 1 attempt).",
      );
      assert.equal(error.status, 403);
      assert.equal(error.trackingId, "ROUTER_ABC");
      assert.equal(error.attempts, 1);
      assert.equal(error.path, "/v1/people?max=100");
      return true;
    });
  });

  test("error message skips a repeated description", async () => {
    const { transport } = setup([{ status: 404, body: errorBody("Not found") }]);
    await assert.rejects(transport.request({ method: "GET", path: "/x" }), /404 Not Found: Not found \(trackingId ROUTER_TEST, 1 attempt\)\.$/);
  });

  test("error message quotes a non-JSON body", async () => {
    const { transport } = setup([{ status: 502, body: "<html>bad gateway</html>" }], { retry: { maxRetries: 0 } });
    await assert.rejects(transport.request({ method: "GET", path: "/x" }), /502 Bad Gateway: <html>bad gateway<\/html> \(no trackingId, gave up after 1 attempt\)/);
  });

  test("retries 503 on GET with backoff", async () => {
    const { transport, fetch, clock, logger } = setup([{ status: 503, body: errorBody("busy") }, { status: 503, body: errorBody("busy") }, { status: 200, body: { ok: 1 } }]);
    const response = await transport.request({ method: "GET", path: "/x" });
    assert.equal(response.attempts, 3);
    assert.equal(fetch.requests.length, 3);
    assert.deepEqual(clock.delays, [250, 500]);
    const trackingIds = new Set(fetch.requests.map((request) => request.headers.trackingid));
    assert.equal(trackingIds.size, 1);
    assert.equal(logger.lines.filter((line) => line.level === "warn" && /retrying in/.test(line.message)).length, 2);
  });

  test("gives up after maxRetries", async () => {
    const { transport, fetch } = setup([{ status: 504, body: errorBody("slow") }]);
    await assert.rejects(transport.request({ method: "GET", path: "/x" }), (error: unknown) => {
      assert.ok(error instanceof ServerError);
      assert.match(error.message, /gave up after 4 attempts/);
      assert.equal(error.attempts, 4);
      return true;
    });
    assert.equal(fetch.requests.length, 4);
  });

  test("does not repeat a POST after 503", async () => {
    const { transport, fetch } = setup([{ status: 503, body: errorBody("busy") }, { status: 200, body: {} }]);
    await assert.rejects(transport.request({ method: "POST", path: "/applications", json: {} }), (error: unknown) => {
      assert.ok(error instanceof ServerError);
      assert.match(error.message, /Not retried: a POST that may already have been processed is not repeated/);
      return true;
    });
    assert.equal(fetch.requests.length, 1);
  });

  test("retries a POST that was refused before sending", async () => {
    const { transport, fetch } = setup([{ throw: fetchFailure("ECONNREFUSED") }, { status: 200, body: {} }]);
    await transport.request({ method: "POST", path: "/applications", json: {} });
    assert.equal(fetch.requests.length, 2);
  });

  test("does not repeat a POST after a reset", async () => {
    const { transport, fetch } = setup([{ throw: fetchFailure("ECONNRESET", "socket hang up") }, { status: 200, body: {} }]);
    await assert.rejects(transport.request({ method: "POST", path: "/applications", json: {} }), (error: unknown) => {
      assert.ok(error instanceof NetworkError);
      assert.match(error.message, /network error ECONNRESET \(connection reset\): socket hang up/);
      return true;
    });
    assert.equal(fetch.requests.length, 1);
  });

  test("waits Retry-After on 429 and logs why", async () => {
    const { transport, clock, logger } = setup([{ status: 429, body: errorBody("slow down"), headers: { "retry-after": "3" } }, { status: 200, body: {} }]);
    const response = await transport.request({ method: "POST", path: "/applications", json: {} });
    assert.equal(response.attempts, 2);
    assert.deepEqual(clock.delays, [3000]);
    const warning = logger.lines.find((line) => line.level === "warn");
    assert.equal(warning?.message, "POST /v1/applications was rate limited (429) on attempt 1; all requests of this token wait 3 s.");
    const detail = logger.lines.find((line) => line.level === "debug" && line.message.includes("429"));
    assert.match(detail?.message ?? "", /Retry-After "3", waiting 3 s until 2026-01-15T12:00:03\.000Z, wait 1 of 6, 0 other requests already waiting\./);
  });

  test("429 warning is short and names the default wait", async () => {
    const cursor = "Y3Vyc29yOjEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MA";
    const { transport, logger } = setup([
      { status: 429, body: errorBody("slow down", "slow down", "ROUTER_429_TRACKING"), headers: { trackingid: "ROUTER_429_TRACKING" } },
      { status: 200, body: {} },
    ]);
    await transport.request({ method: "GET", url: `${BASE}/people?max=100&cursor=${cursor}` });

    const warnings = logger.lines.filter((line) => line.level === "warn");
    assert.equal(warnings.length, 1);
    const warning = warnings[0];
    assert.equal(
      warning?.message,
      "GET /v1/people?max=100&cursor=… was rate limited (429) on attempt 1; all requests of this token wait 5 s, the default, because the response had no Retry-After header.",
    );
    assert.equal(warning?.fields, undefined);

    const detail = logger.lines.find((line) => line.level === "debug" && line.message.includes("429"));
    assert.ok(detail?.message.includes(cursor), detail?.message);
    assert.equal(detail?.fields?.trackingId, "ROUTER_429_TRACKING");
    assert.match(String(detail?.fields?.requestId), /^WXADMIN_/);
  });

  test("429 repeats become one summary per 30 s", async () => {
    const limited = (retryAfter: string): ScriptedStep => ({ status: 429, body: errorBody("slow down"), headers: { "retry-after": retryAfter } });
    const { transport, clock, logger } = setup([limited("3"), limited("10"), limited("10"), limited("10"), { status: 200, body: {} }]);
    const warnings = () => logger.lines.filter((line) => line.level === "warn").map((line) => line.message);

    await transport.request({ method: "GET", path: "/people" });

    // The first 429 is logged at 0 s. The next three, at 3, 13 and 23 s, are counted. The
    // attempt at 33 s comes after the 30 s interval, so it logs their sum.
    assert.deepEqual(clock.delays, [3000, 10_000, 10_000, 10_000]);
    assert.deepEqual(warnings(), [
      "GET /v1/people was rate limited (429) on attempt 1; all requests of this token wait 3 s.",
      "3 more 429 responses in the last 33 s; requests of this token waited 30 s in total.",
    ]);
    assert.equal(logger.lines.filter((line) => line.level === "debug" && / 429: /.test(line.message)).length, 4);
  });

  test("429 summary waits for the interval", async () => {
    const limited: ScriptedStep = { status: 429, body: errorBody("slow down"), headers: { "retry-after": "2" } };
    const { transport, clock, logger } = setup([limited, limited, { status: 200, body: {} }, limited, { status: 200, body: {} }]);
    const warnings = () => logger.lines.filter((line) => line.level === "warn").map((line) => line.message);

    await transport.request({ method: "GET", path: "/a" });
    assert.deepEqual(warnings(), ["GET /v1/a was rate limited (429) on attempt 1; all requests of this token wait 2 s."]);

    // 4 s after the first line: the 429 of the next request is only counted.
    await transport.request({ method: "GET", path: "/b" });
    assert.equal(warnings().length, 1);

    // 30 s after the first line, the next attempt logs the counted waits in one line.
    await clock.sleep(30_000 - (clock.now() - Date.UTC(2026, 0, 15, 12, 0, 0)));
    await transport.request({ method: "GET", path: "/c" });
    assert.deepEqual(warnings().slice(1), ["2 more 429 responses in the last 30 s; requests of this token waited 4 s in total."]);
  });

  test("pending 429 summary logged on demand", async () => {
    const limited: ScriptedStep = { status: 429, body: errorBody("slow down"), headers: { "retry-after": "2" } };
    const { transport, logger } = setup([limited, limited, limited, { status: 200, body: {} }]);
    const warnings = () => logger.lines.filter((line) => line.level === "warn").map((line) => line.message);

    await transport.request({ method: "GET", path: "/a" });
    assert.equal(warnings().length, 1, "the second and third 429 are only counted within the interval");

    // The first line is at 0 s, the counted 429s come at 2 and 4 s, and the request ends at 6 s.
    transport.logPendingRateLimitSummary();
    assert.deepEqual(warnings().slice(1), ["2 more 429 responses in the last 6 s; requests of this token waited 4 s in total."]);

    transport.logPendingRateLimitSummary();
    assert.equal(warnings().length, 2, "a second call repeated the summary");
  });

  test("429 after a quiet interval is logged in full", async () => {
    const limited: ScriptedStep = { status: 429, body: errorBody("slow down"), headers: { "retry-after": "1" } };
    const { transport, clock, logger } = setup([limited, { status: 200, body: {} }, limited, { status: 200, body: {} }]);

    await transport.request({ method: "GET", path: "/a" });
    await clock.sleep(30_000);
    await transport.request({ method: "GET", path: "/b" });

    assert.deepEqual(
      logger.lines.filter((line) => line.level === "warn").map((line) => line.message),
      [
        "GET /v1/a was rate limited (429) on attempt 1; all requests of this token wait 1 s.",
        "GET /v1/b was rate limited (429) on attempt 1; all requests of this token wait 1 s.",
      ],
    );
  });

  test("fails at once when Retry-After exceeds the cap", async () => {
    const { transport, clock, fetch, logger } = setup([{ status: 429, body: errorBody("slow down"), headers: { "retry-after": "600" } }]);
    await assert.rejects(transport.request({ method: "GET", path: "/x" }), (error: unknown) => {
      assert.ok(error instanceof RateLimitError);
      assert.match(error.message, /Webex asked to wait 600 s \(Retry-After: 600\), more than the 120 s limit of retry\.maxRetryAfterSeconds; try again after 2026-01-15T12:10:00\.000Z/);
      assert.equal(error.retryAfterSeconds, 600);
      return true;
    });
    assert.deepEqual(clock.delays, []);
    assert.equal(fetch.requests.length, 1);
    assert.match(logger.lines.find((line) => line.level === "warn")?.message ?? "", /longer than the 120 s cap/);
  });

  test("gives up after maxRateLimitWaits", async () => {
    const { transport, fetch, clock } = setup([{ status: 429, body: errorBody("slow down"), headers: { "retry-after": "1" } }], { retry: { maxRateLimitWaits: 2 } });
    await assert.rejects(transport.request({ method: "GET", path: "/x" }), /gave up after 3 attempts/);
    assert.equal(fetch.requests.length, 3);
    assert.deepEqual(clock.delays, [1000, 1000]);
  });

  test("429 pauses concurrent requests", async () => {
    let calls = 0;
    const steps: ScriptedStep[] = [
      () => {
        calls += 1;
        return calls === 1
          ? new Response(JSON.stringify(errorBody("slow")), { status: 429, headers: { "retry-after": "4" } })
          : new Response("{}", { status: 200 });
      },
    ];
    // A sleep that holds every waiter until the test releases them, with a clock that stays still.
    let nowMs = Date.UTC(2026, 0, 15, 12, 0, 0);
    const delays: number[] = [];
    const releases: Array<() => void> = [];
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        delays.push(ms);
        releases.push(resolve);
      });
    const { transport } = setup(steps, { sleep, now: () => nowMs });

    const first = transport.request({ method: "GET", path: "/a" });
    while (delays.length < 1) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const second = transport.request({ method: "GET", path: "/b" });
    while (delays.length < 2) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(calls, 1, "the second request must wait at the gate, not be sent");
    assert.equal(transport.rateLimitGate.waiting, 2);

    nowMs += 4000;
    for (const release of releases) {
      release();
    }
    await Promise.all([first, second]);
    assert.equal(calls, 3);
    assert.deepEqual(delays, [4000, 4000]);
  });

  test("429 details count other waiting requests", async () => {
    const pending: Array<(response: Response) => void> = [];
    let calls = 0;
    const steps: ScriptedStep[] = [
      () => {
        calls += 1;
        return calls <= 2 ? new Promise<Response>((resolve) => pending.push(resolve)) : new Response("{}", { status: 200 });
      },
    ];
    let nowMs = Date.UTC(2026, 0, 15, 12, 0, 0);
    const delays: number[] = [];
    const releases: Array<() => void> = [];
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        delays.push(ms);
        releases.push(resolve);
      });
    const { transport, logger } = setup(steps, { sleep, now: () => nowMs });
    const until = async (condition: () => boolean) => {
      while (!condition()) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const limited = () => new Response(JSON.stringify(errorBody("slow")), { status: 429, headers: { "retry-after": "4" } });

    // Both requests are in flight when the first 429 arrives, so the second 429 finds one waiter.
    const first = transport.request({ method: "GET", path: "/a" });
    const second = transport.request({ method: "GET", path: "/b" });
    await until(() => pending.length === 2);
    pending[0]?.(limited());
    await until(() => delays.length === 1);
    pending[1]?.(limited());
    await until(() => delays.length === 2);

    const details = logger.lines.filter((line) => line.level === "debug" && / 429: /.test(line.message)).map((line) => line.message);
    assert.match(details[0] ?? "", /, 0 other requests already waiting\.$/);
    assert.match(details[1] ?? "", /, 1 other request already waiting\.$/);

    nowMs += 4000;
    for (const release of releases) {
      release();
    }
    await Promise.all([first, second]);
  });

  test("replays once after 401 with a new token", async () => {
    const tokens = ["old-token-value-aaaaaaaa", "new-token-value-bbbbbbbb"];
    const rejected: string[] = [];
    const provider: TokenProvider = {
      getAccessToken: async () => tokens[0] as string,
      onUnauthorized: async (token) => {
        rejected.push(token);
        tokens.shift();
        return true;
      },
      describe: () => "test provider",
    };
    const { transport, fetch } = setup([{ status: 401, body: errorBody("expired") }, { status: 200, body: {} }], { tokenProvider: provider });
    const response = await transport.request({ method: "POST", path: "/applications", json: {} });
    assert.equal(response.attempts, 2);
    assert.deepEqual(rejected, ["old-token-value-aaaaaaaa"]);
    assert.deepEqual(
      fetch.requests.map((request) => request.headers.authorization),
      ["Bearer old-token-value-aaaaaaaa", "Bearer new-token-value-bbbbbbbb"],
    );
  });

  test("replays at most once after 401", async () => {
    const provider: TokenProvider = {
      getAccessToken: async () => "always-rejected-token-cccc",
      onUnauthorized: async () => true,
      describe: () => "test provider",
    };
    const { transport, fetch } = setup([{ status: 401, body: errorBody("expired") }], { tokenProvider: provider });
    await assert.rejects(transport.request({ method: "GET", path: "/x" }), (error: unknown) => {
      assert.ok(error instanceof AuthError);
      assert.match(error.message, /2 attempts/);
      return true;
    });
    assert.equal(fetch.requests.length, 2);
  });

  test("rejects with the abort reason", async () => {
    const controller = new AbortController();
    const steps: ScriptedStep[] = [
      (_request, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
          controller.abort(new Error("caller gave up"));
        }),
    ];
    const { transport } = setup(steps);
    await assert.rejects(transport.request({ method: "GET", path: "/x", signal: controller.signal }), /caller gave up/);
  });

  test("logs one info line per attempt", async () => {
    const { transport, logger } = setup([{ status: 503, body: errorBody("busy") }, { status: 200, body: {}, headers: { trackingid: "ROUTER_OK" } }]);
    await transport.request({ method: "GET", path: "/people", query: { max: 1 } });
    const infos = logger.lines.filter((line) => line.level === "info");
    assert.equal(infos.length, 2);
    assert.match(infos[1]?.message ?? "", /^GET \/v1\/people\?max=1 200 in \d+ ms$/);
    assert.equal(infos[1]?.fields?.attempt, 2);
    assert.equal(infos[1]?.fields?.trackingId, "ROUTER_OK");
    assert.equal(infos[0]?.fields?.requestId, infos[1]?.fields?.requestId);
    assert.equal(logger.text().includes(TOKEN), false);
  });

  test("log fields skip echoed trackingId", async () => {
    const echo: ScriptedStep = (request) => new Response("{}", { status: 200, headers: { trackingid: request.headers.trackingid ?? "" } });
    const { transport, logger } = setup([echo]);
    await transport.request({ method: "GET", path: "/people/me" });
    const [line] = logger.lines.filter((entry) => entry.level === "info");
    assert.match(line?.message ?? "", /^GET \/v1\/people\/me 200 in \d+ ms$/);
    assert.deepEqual(Object.keys(line?.fields ?? {}).sort(), ["attempt", "requestId"]);
    assert.match(String(line?.fields?.requestId), /^WXADMIN_/);
  });

  test("blocked port is not retried", async () => {
    // Node's own fetch refuses the port before connecting, so nothing leaves the machine.
    const clock = createFakeClock();
    const transport = new Transport({
      baseUrl: "http://127.0.0.1:1/v1",
      tokenProvider: new StaticTokenProvider(TOKEN),
      sleep: clock.sleep,
      now: clock.now,
    });
    await assert.rejects(transport.request({ method: "GET", path: "/people/me" }), (error: unknown) => {
      assert.ok(error instanceof NetworkError);
      assert.equal(error.attempts, 1);
      assert.match(error.message, /network error: bad port, a port that fetch never connects to .*so it was not retried \(no trackingId, 1 attempt\)/);
      return true;
    });
    assert.deepEqual(clock.delays, []);
  });

  test("scripted bad port is not retried", async () => {
    const badPort = new TypeError("fetch failed", { cause: new Error("bad port") });
    const { transport, fetch, clock } = setup([{ throw: badPort }, { status: 200, body: {} }]);
    await assert.rejects(transport.request({ method: "GET", path: "/x" }), NetworkError);
    assert.equal(fetch.requests.length, 1);
    assert.deepEqual(clock.delays, []);
  });

  test("times out while waiting for headers", async () => {
    let lateBodyCancelled = false;
    let answer: (response: Response) => void = () => undefined;
    const steps: ScriptedStep[] = [() => new Promise<Response>((resolve) => (answer = resolve))];
    const { transport } = setup(steps, { timeoutMs: 20, retry: { maxRetries: 0 } });
    await assert.rejects(transport.request({ method: "GET", path: "/slow" }), (error: unknown) => {
      assert.ok(error instanceof TimeoutError);
      assert.match(error.message, /GET \/v1\/slow failed: no response within 20 ms \(timeoutMs\)/);
      return true;
    });

    const lateBody = new ReadableStream({ cancel: () => void (lateBodyCancelled = true) });
    answer(new Response(lateBody, { status: 200 }));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(lateBodyCancelled, true, "the late response must be discarded");
  });

  test("times out while reading the body", async () => {
    let bodyCancelled = false;
    const stalledBody = () =>
      new ReadableStream({
        start: (controller) => controller.enqueue(new TextEncoder().encode('{"items":[')),
        cancel: () => void (bodyCancelled = true),
      });
    const { transport } = setup([() => new Response(stalledBody(), { status: 200 })], { timeoutMs: 20, retry: { maxRetries: 0 } });
    await assert.rejects(transport.request({ method: "GET", path: "/stalled" }), TimeoutError);
    assert.equal(bodyCancelled, true, "the stalled body must be cancelled");
  });

  test("rejects a full URL on another origin", async () => {
    const { transport, fetch } = setup([{ status: 200, body: {} }]);
    await assert.rejects(transport.request({ method: "GET", url: "https://evil.test/v1/x" }), /leaves https:\/\/webex\.test/);
    assert.equal(fetch.requests.length, 0);
  });
});
