import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "../src/transport/errors.js";
import {
  DEFAULT_RETRY,
  computeBackoffMs,
  decideRetry,
  parseRetryAfter,
  resolveRetryAfter,
  resolveRetrySettings,
  type RetryState,
} from "../src/transport/retry.js";

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const settings = resolveRetrySettings(undefined);

function state(overrides: Partial<RetryState>): RetryState {
  return { kind: "status", idempotent: true, retriesSpent: 0, rateLimitWaitsSpent: 0, ...overrides };
}

describe("parseRetryAfter", () => {
  test("reads whole seconds", () => {
    assert.equal(parseRetryAfter("120", NOW), 120);
    assert.equal(parseRetryAfter(" 0 ", NOW), 0);
  });

  test("reads an HTTP-date", () => {
    assert.equal(parseRetryAfter(new Date(NOW + 30_000).toUTCString(), NOW), 30);
  });

  test("rounds a partial second up", () => {
    assert.equal(parseRetryAfter(new Date(NOW + 30_000).toUTCString(), NOW - 400), 31);
  });

  test("gives 0 for a past date", () => {
    assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", NOW), 0);
  });

  test("rejects malformed values", () => {
    for (const value of ["", "soon", "-5", "1.5", "5 minutes", "2026-01-15T12:00:30Z", "Wed, 99 Foo 2026 GMT", "12345678901"]) {
      assert.equal(parseRetryAfter(value, NOW), undefined, value);
    }
  });

  test("treats missing as undefined", () => {
    assert.equal(parseRetryAfter(null, NOW), undefined);
    assert.equal(parseRetryAfter(undefined, NOW), undefined);
  });
});

describe("resolveRetryAfter", () => {
  test("uses seconds as given", () => {
    assert.deepEqual(resolveRetryAfter("7", NOW, settings), { seconds: 7, source: "seconds", raw: "7" });
  });

  test("uses an HTTP-date", () => {
    const header = new Date(NOW + 9000).toUTCString();
    assert.deepEqual(resolveRetryAfter(header, NOW, settings), { seconds: 9, source: "http-date", raw: header });
  });

  test("defaults a missing header", () => {
    assert.deepEqual(resolveRetryAfter(null, NOW, settings), { seconds: 5, source: "missing", raw: null });
  });

  test("defaults a malformed header", () => {
    const custom = resolveRetrySettings({ defaultRetryAfterSeconds: 11 });
    assert.deepEqual(resolveRetryAfter("later", NOW, custom), { seconds: 11, source: "malformed", raw: "later" });
  });
});

describe("decideRetry", () => {
  test("waits on 429 for every method", () => {
    assert.deepEqual(decideRetry(state({ status: 429, idempotent: false }), settings), { action: "rate_limit" });
  });

  test("stops after the 429 wait budget", () => {
    assert.deepEqual(decideRetry(state({ status: 429, rateLimitWaitsSpent: 6 }), settings), { action: "stop", reason: "exhausted" });
  });

  test("backs off on 502, 503 and 504", () => {
    for (const status of [502, 503, 504]) {
      assert.deepEqual(decideRetry(state({ status }), settings), { action: "backoff" }, String(status));
    }
  });

  test("never retries 500 or 4xx", () => {
    for (const status of [400, 401, 403, 404, 409, 500]) {
      assert.deepEqual(decideRetry(state({ status }), settings), { action: "stop", reason: "not_retryable" }, String(status));
    }
  });

  test("retries network failures and timeouts", () => {
    assert.deepEqual(decideRetry(state({ kind: "network" }), settings), { action: "backoff" });
    assert.deepEqual(decideRetry(state({ kind: "timeout" }), settings), { action: "backoff" });
  });

  test("does not repeat a non-idempotent request", () => {
    assert.deepEqual(decideRetry(state({ status: 503, idempotent: false }), settings), { action: "stop", reason: "not_idempotent" });
    assert.deepEqual(decideRetry(state({ kind: "timeout", idempotent: false }), settings), { action: "stop", reason: "not_idempotent" });
  });

  test("retries a POST that never left", () => {
    assert.deepEqual(decideRetry(state({ kind: "network", idempotent: false, neverSent: true }), settings), { action: "backoff" });
  });

  test("never retries a permanent failure", () => {
    assert.deepEqual(decideRetry(state({ kind: "network", neverSent: true, isPermanent: true }), settings), { action: "stop", reason: "not_retryable" });
  });

  test("stops after maxRetries", () => {
    assert.deepEqual(decideRetry(state({ status: 503, retriesSpent: 3 }), settings), { action: "stop", reason: "exhausted" });
  });
});

describe("computeBackoffMs", () => {
  test("doubles the ceiling per retry", () => {
    const top = () => 0.999999;
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((retry) => computeBackoffMs(retry, settings, top)), [499, 999, 1999, 3999, 7999, 7999]);
  });

  test("applies full jitter", () => {
    assert.equal(computeBackoffMs(3, settings, () => 0), 0);
    assert.equal(computeBackoffMs(3, settings, () => 0.5), 1000);
  });
});

describe("resolveRetrySettings", () => {
  test("fills defaults", () => {
    assert.deepEqual(resolveRetrySettings({ maxRetries: 1 }), { ...DEFAULT_RETRY, maxRetries: 1 });
  });

  test("rejects negative values", () => {
    assert.throws(() => resolveRetrySettings({ maxRetries: -1 }), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /retry\.maxRetries.*-1.*default 3/);
      return true;
    });
  });
});
