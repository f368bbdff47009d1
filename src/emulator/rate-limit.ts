import type { RateLimitOptions } from "./types.js";

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Outcome of one rate-limit check. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A token bucket per key (the bearer token). It measures real time, not the emulator clock,
 * because it limits real request rates. The bucket has room for `requestsPerSecond` requests
 * (at least 1) and refills at that rate.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #ratePerMs: number;
  readonly #capacity: number;
  readonly #retryAfterSeconds: number | undefined;
  readonly #now: () => number;

  constructor(options: RateLimitOptions, now: () => number = Date.now) {
    if (!(options.requestsPerSecond > 0)) {
      throw new RangeError(`rateLimit.requestsPerSecond must be above 0, got ${options.requestsPerSecond}.`);
    }
    this.#ratePerMs = options.requestsPerSecond / 1000;
    this.#capacity = Math.max(1, options.requestsPerSecond);
    this.#retryAfterSeconds = options.retryAfterSeconds;
    this.#now = now;
  }

  take(key: string): RateDecision {
    const nowMs = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#capacity, updatedMs: nowMs };
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + (nowMs - bucket.updatedMs) * this.#ratePerMs);
    bucket.updatedMs = nowMs;
    this.#buckets.set(key, bucket);

    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const waitSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.#ratePerMs / 1000));
    return { allowed: false, retryAfterSeconds: this.#retryAfterSeconds ?? waitSeconds };
  }
}
