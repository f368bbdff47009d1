/** Pagination, retries, rate limits and timeouts against the emulator, with a fake clock for every wait. */
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { after, afterEach, before, describe, test } from "node:test";
import type { Emulator } from "../src/emulator/index.js";
import { NetworkError, RateLimitError, ServerError, TimeoutError } from "../src/transport/errors.js";
import type { Person } from "../src/resources/people.js";
import type { Webex, WebexOptions } from "../src/webex.js";
import { connectTo, startTestEmulator } from "./helpers/sdk-emulator.js";
import { createCapturingLogger, createFakeClock, type FakeClock } from "./helpers/sdk-fakes.js";

const PEOPLE = 120;

describe("resilience", () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startTestEmulator({ people: PEOPLE });
  });

  afterEach(() => {
    emulator.clearFaults();
  });

  after(async () => {
    await emulator.stop();
  });

  /** Connects as the customer admin with a fake clock, so every wait is recorded instead of slept. */
  async function connectAdmin(options: Partial<WebexOptions> = {}): Promise<{ admin: Webex; clock: FakeClock }> {
    const clock = createFakeClock();
    const admin = await connectTo(emulator, emulator.tokens.customerAdmin, { sleep: clock.sleep, now: clock.now, ...options });
    return { admin, clock };
  }

  function requestsSince(start: number, method: string, pathPrefix: string) {
    return emulator.requestLog.slice(start).filter((entry) => entry.method === method && entry.path.startsWith(pathPrefix));
  }

  describe("pagination", () => {
    test("crosses page boundaries", async () => {
      const { admin } = await connectAdmin();
      const start = emulator.requestLog.length;
      const ids: string[] = [];
      for await (const person of admin.org.people.list({ max: 7 })) {
        ids.push(person.id);
      }
      assert.equal(ids.length, PEOPLE);
      assert.equal(new Set(ids).size, PEOPLE, "a person was listed twice");
      assert.equal(requestsSince(start, "GET", "/v1/people?").length, Math.ceil(PEOPLE / 7));
    });

    test("pages match the item stream", async () => {
      const { admin } = await connectAdmin();
      const pageSizes: number[] = [];
      for await (const page of admin.org.people.list({ max: 50 }).pages()) {
        pageSizes.push(page.items.length);
        assert.equal(page.status, 200);
        assert.ok(page.trackingId);
      }
      assert.deepEqual(pageSizes, [50, 50, 20]);
    });

    test("fetches only what is consumed", async () => {
      const { admin } = await connectAdmin();
      const start = emulator.requestLog.length;
      const first = await admin.org.people.list({ max: 10 }).toArray({ limit: 15 });
      assert.equal(first.length, 15);
      assert.equal(requestsSince(start, "GET", "/v1/people?").length, 2);
    });

    test("failure on page 3 raises", async () => {
      const { admin, clock } = await connectAdmin();
      emulator.inject({ method: "GET", path: "/v1/people*", skip: 2, times: 4, status: 503 });
      const seen: Person[] = [];
      await assert.rejects(
        (async () => {
          for await (const person of admin.org.people.list({ max: 10 })) {
            seen.push(person);
          }
        })(),
        (error: unknown) => {
          assert.ok(error instanceof ServerError);
          assert.equal(error.status, 503);
          assert.equal(error.attempts, 4);
          assert.match(error.message, /GET \/v1\/people\?\S*cursor=\S+ failed: 503 Service Unavailable/);
          assert.match(error.message, /gave up after 4 attempts/);
          return true;
        },
      );
      assert.equal(seen.length, 20, "only the two good pages may be delivered");
      assert.equal(clock.delays.length, 3);
    });

    test("toArray raises instead of a short list", async () => {
      const { admin } = await connectAdmin();
      emulator.inject({ method: "GET", path: "/v1/people*", skip: 2, status: 500 });
      await assert.rejects(admin.org.people.list({ max: 10 }).toArray(), (error: unknown) => {
        assert.ok(error instanceof ServerError);
        assert.equal(error.attempts, 1);
        return true;
      });
    });

    test("transient failure mid-list recovers", async () => {
      const { admin, clock } = await connectAdmin();
      emulator.inject({ method: "GET", path: "/v1/people*", skip: 2, times: 2, status: 502 });
      const people = await admin.org.people.list({ max: 10 }).toArray();
      assert.equal(people.length, PEOPLE);
      assert.equal(clock.delays.length, 2);
    });
  });

  describe("rate limits", () => {
    async function waitsFor(retryAfter: string | null, clockOffsetMs = 0): Promise<{ delays: number[]; warnings: string[]; details: string[] }> {
      const logger = createCapturingLogger();
      const { admin, clock } = await connectAdmin({ logger });
      const header = typeof retryAfter === "string" ? retryAfter.replace("{date+3s}", new Date(clock.now() + clockOffsetMs + 3000).toUTCString()) : retryAfter;
      emulator.inject({ method: "GET", path: "/v1/licenses*", status: 429, retryAfter: header });
      const start = emulator.requestLog.length;
      const licenses = await admin.org.licenses.list().toArray();
      assert.ok(licenses.length > 0);
      const sent = requestsSince(start, "GET", "/v1/licenses");
      assert.deepEqual(sent.map((entry) => entry.status), [429, 200]);
      const warnings = logger.lines.filter((line) => line.level === "warn").map((line) => line.message);
      const details = logger.lines.filter((line) => line.level === "debug" && / 429: /.test(line.message)).map((line) => line.message);
      return { delays: clock.delays, warnings, details };
    }

    test("Retry-After in seconds", async () => {
      const { delays, warnings, details } = await waitsFor("2");
      assert.deepEqual(delays, [2000]);
      assert.match(warnings[0] ?? "", /all requests of this token wait 2 s\.$/);
      assert.match(details[0] ?? "", /Retry-After "2", waiting 2 s until /);
    });

    test("Retry-After as HTTP-date", async () => {
      const { delays, warnings, details } = await waitsFor("{date+3s}");
      assert.deepEqual(delays, [3000]);
      assert.match(warnings[0] ?? "", /all requests of this token wait 3 s\.$/);
      assert.match(details[0] ?? "", /Retry-After "\w{3}, .* GMT", waiting 3 s until /);
    });

    test("Retry-After missing", async () => {
      const { delays, warnings, details } = await waitsFor(null);
      assert.deepEqual(delays, [5000]);
      assert.match(warnings[0] ?? "", /wait 5 s, the default, because the response had no Retry-After header\.$/);
      assert.match(details[0] ?? "", /Retry-After missing, waiting 5 s until /);
    });

    test("Retry-After malformed", async () => {
      const { delays, warnings, details } = await waitsFor("soon");
      assert.deepEqual(delays, [5000]);
      assert.match(warnings[0] ?? "", /wait 5 s, the default, because its Retry-After header is unreadable\.$/);
      assert.match(details[0] ?? "", /Retry-After "soon", waiting 5 s until /);
    });

    test("Retry-After above the cap", async () => {
      const { admin, clock } = await connectAdmin({ retry: { maxRetryAfterSeconds: 30 } });
      emulator.inject({ method: "GET", path: "/v1/licenses*", status: 429, retryAfter: "90" });
      await assert.rejects(admin.org.licenses.list().toArray(), (error: unknown) => {
        assert.ok(error instanceof RateLimitError);
        assert.equal(error.retryAfterSeconds, 90);
        assert.match(error.message, /Webex asked to wait 90 s \(Retry-After: 90\), more than the 30 s limit/);
        return true;
      });
      assert.deepEqual(clock.delays, []);
    });

    test("429 retries a POST", async () => {
      const clock = createFakeClock();
      const developer = await connectTo(emulator, emulator.tokens.developer, { sleep: clock.sleep, now: clock.now });
      emulator.inject({ method: "POST", path: "/v1/applications", status: 429, retryAfter: "1" });
      const start = emulator.requestLog.length;
      const app = await developer.org.applications.createServiceApplication({
        name: "Rate Limited Robot",
        contactEmail: "dev-team@example.com",
        logo: "https://example.com/logo.png",
        scopes: ["spark-admin:people_read"],
      });
      assert.ok(app.clientSecret);
      assert.deepEqual(requestsSince(start, "POST", "/v1/applications").map((entry) => entry.status), [429, 200]);
      assert.deepEqual(clock.delays, [1000]);
    });

    test("429 waits run out", async () => {
      const { admin, clock } = await connectAdmin({ retry: { maxRateLimitWaits: 2 } });
      emulator.inject({ method: "GET", path: "/v1/licenses*", status: 429, retryAfter: "1", times: 3 });
      await assert.rejects(admin.org.licenses.list().toArray(), (error: unknown) => {
        assert.ok(error instanceof RateLimitError);
        assert.match(error.message, /gave up after 3 attempts/);
        return true;
      });
      assert.deepEqual(clock.delays, [1000, 1000]);
    });
  });

  describe("retries", () => {
    test("5xx on GET is retried", async () => {
      const { admin, clock } = await connectAdmin();
      emulator.inject({ method: "GET", path: "/v1/licenses*", status: 503, times: 2 });
      const start = emulator.requestLog.length;
      const licenses = await admin.org.licenses.list().toArray();
      assert.ok(licenses.length > 0);
      assert.deepEqual(requestsSince(start, "GET", "/v1/licenses").map((entry) => entry.status), [503, 503, 200]);
      assert.equal(clock.delays.length, 2);
      assert.ok((clock.delays[0] ?? Infinity) < 500, `first backoff ${clock.delays[0]} ms`);
      assert.ok((clock.delays[1] ?? Infinity) < 1000, `second backoff ${clock.delays[1]} ms`);
    });

    test("5xx on POST is not repeated", async () => {
      const clock = createFakeClock();
      const developer = await connectTo(emulator, emulator.tokens.developer, { sleep: clock.sleep, now: clock.now });
      emulator.inject({ method: "POST", path: "/v1/applications", status: 503, processBeforeFault: true });
      const start = emulator.requestLog.length;
      await assert.rejects(
        developer.org.applications.createServiceApplication({
          name: "Maybe Created Robot",
          contactEmail: "dev-team@example.com",
          logo: "https://example.com/logo.png",
          scopes: ["spark-admin:people_read"],
        }),
        (error: unknown) => {
          assert.ok(error instanceof ServerError);
          assert.equal(error.attempts, 1);
          assert.match(error.message, /Not retried: a POST that may already have been processed is not repeated/);
          return true;
        },
      );
      assert.equal(requestsSince(start, "POST", "/v1/applications").length, 1);
      assert.deepEqual(clock.delays, []);
      const created = await developer.org.applications.getAppByName("Maybe Created Robot");
      assert.equal(created.name, "Maybe Created Robot");
    });

    test("regenerate secret is not repeated", async () => {
      const clock = createFakeClock();
      const developer = await connectTo(emulator, emulator.tokens.developer, { sleep: clock.sleep, now: clock.now });
      const app = await developer.org.applications.createServiceApplication({
        name: "Regenerate Robot",
        contactEmail: "dev-team@example.com",
        logo: "https://example.com/logo.png",
        scopes: ["spark-admin:people_read"],
      });
      emulator.inject({ method: "DELETE", path: /\/clientSecret$/, status: 503, processBeforeFault: true });
      const start = emulator.requestLog.length;
      await assert.rejects(app.regenerateClientSecret(), ServerError);
      assert.equal(requestsSince(start, "DELETE", "/v1/applications/").length, 1);
    });

    test("reset on GET is retried", async () => {
      const { admin, clock } = await connectAdmin();
      emulator.inject({ method: "GET", path: "/v1/licenses*", reset: true });
      const licenses = await admin.org.licenses.list().toArray();
      assert.ok(licenses.length > 0);
      assert.equal(clock.delays.length, 1);
    });

    test("reset on POST is not repeated", async () => {
      const clock = createFakeClock();
      const developer = await connectTo(emulator, emulator.tokens.developer, { sleep: clock.sleep, now: clock.now });
      emulator.inject({ method: "POST", path: "/v1/applications", reset: true });
      const start = emulator.requestLog.length;
      await assert.rejects(
        developer.org.applications.createServiceApplication({
          name: "Reset Robot",
          contactEmail: "dev-team@example.com",
          logo: "https://example.com/logo.png",
          scopes: ["spark-admin:people_read"],
        }),
        (error: unknown) => {
          assert.ok(error instanceof NetworkError);
          assert.match(error.message, /POST \/v1\/applications failed: network error/);
          return true;
        },
      );
      assert.equal(requestsSince(start, "POST", "/v1/applications").length, 1);
    });
  });

  describe("timeouts", () => {
    // Connections keep the default timeout, so that a busy machine cannot time out the
    // connect; only the request under test gets a short one.
    test("slow reply times out", async () => {
      const { admin, clock } = await connectAdmin({ retry: { maxRetries: 0 } });
      emulator.inject({ method: "GET", path: "/v1/licenses*", delayMs: 3000 });
      await assert.rejects(admin.transport.request({ method: "GET", path: "/licenses", orgId: admin.org.id, timeoutMs: 300 }), (error: unknown) => {
        assert.ok(error instanceof TimeoutError);
        assert.equal(error.code, "timeout");
        assert.match(error.message, /GET \/v1\/licenses\?orgId=\S+ failed: no response within 300 ms \(timeoutMs\)/);
        return true;
      });
      assert.deepEqual(clock.delays, []);
    });

    test("timed-out GET is retried", async () => {
      const { admin, clock } = await connectAdmin();
      emulator.inject({ method: "GET", path: "/v1/licenses*", delayMs: 3000 });
      const response = await admin.transport.request({ method: "GET", path: "/licenses", orgId: admin.org.id, timeoutMs: 300 });
      assert.equal(response.status, 200);
      assert.equal(response.attempts, 2);
      assert.equal(clock.delays.length, 1);
    });

    test("abort signal cancels", async () => {
      const controller = new AbortController();
      // Aborts as soon as the request is on its way, while the emulator delays the reply.
      const abortingFetch: typeof fetch = (input, init) => {
        const pending = fetch(input, init);
        queueMicrotask(() => controller.abort(new Error("stopped by the caller")));
        return pending;
      };
      const clock = createFakeClock();
      const session = await connectTo(emulator, emulator.tokens.customerAdmin, { fetch: abortingFetch, sleep: clock.sleep, now: clock.now });
      emulator.inject({ method: "GET", path: "/v1/people/me", delayMs: 1000 });
      await assert.rejects(session.transport.request({ method: "GET", path: "/people/me", signal: controller.signal }), /stopped by the caller/);
      assert.deepEqual(clock.delays, [], "an aborted request must not be retried");
    });

    test("shared signal leaves no listeners", async () => {
      // Undici sets the limit of a signal it is given to 1,500 listeners, so 3,000 requests
      // that each left one behind would exceed it.
      const REQUESTS = 3000;
      const { admin } = await connectAdmin();
      const controller = new AbortController();
      const warnings: Error[] = [];
      const onWarning = (warning: Error): void => {
        if (warning.name === "MaxListenersExceededWarning") {
          warnings.push(warning);
        }
      };
      process.on("warning", onWarning);
      try {
        let maxListeners = 0;
        for (let index = 0; index < REQUESTS; index += 1) {
          await admin.transport.request({ method: "GET", path: "/people/me", signal: controller.signal });
          maxListeners = Math.max(maxListeners, getEventListeners(controller.signal, "abort").length);
        }
        // Process warnings are emitted on a later tick.
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(maxListeners, 0, "a settled request left an abort listener on the caller's signal");
        assert.deepEqual(warnings.map((warning) => warning.message), []);
      } finally {
        process.off("warning", onWarning);
      }
    });
  });
});
