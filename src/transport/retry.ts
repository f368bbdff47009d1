/**
 * The retry policy of the transport, kept apart from sending: `decideRetry` decides whether a
 * failed attempt may be repeated, and the delay functions compute how long to wait first.
 *
 * Webex documents 429 as "the request was not processed", so a 429 is retried for every
 * method after the wait `Retry-After` names. 502, 503, 504, connection resets and timeouts
 * are retried only when repeating the request is harmless (idempotent methods), because a
 * POST that timed out may already have been carried out.
 */

import { InvalidInputError } from "./errors.js";

/** Retry settings. Every field is optional; the defaults are listed with each. */
export interface RetryOptions {
  /** Retries after a 502/503/504, a connection failure or a timeout, for idempotent requests. Default 3. */
  maxRetries?: number;
  /** First backoff delay in milliseconds; each further retry doubles it. Default 500. */
  baseDelayMs?: number;
  /** Upper bound of one backoff delay in milliseconds, before jitter. Default 8000. */
  maxDelayMs?: number;
  /** Waits after a 429 before the request fails with a `RateLimitError`. Default 6. */
  maxRateLimitWaits?: number;
  /**
   * Longest `Retry-After` the SDK waits, in seconds. A longer one is not shortened: the request
   * fails at once with a `RateLimitError` that states the wait. Default 120.
   */
  maxRetryAfterSeconds?: number;
  /** Wait in seconds after a 429 whose `Retry-After` is missing or unreadable. Default 5. */
  defaultRetryAfterSeconds?: number;
}

/** `RetryOptions` with every default filled in. */
export type RetrySettings = Required<RetryOptions>;

/** Defaults of `RetryOptions`. */
export const DEFAULT_RETRY: Readonly<RetrySettings> = Object.freeze({
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRateLimitWaits: 6,
  maxRetryAfterSeconds: 120,
  defaultRetryAfterSeconds: 5,
});

/** Status codes that mean "try again later", where the request may or may not have been processed. */
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

/** Kind of failure of one attempt: an HTTP status, a connection failure or a timeout. */
export type FailureKind = "status" | "network" | "timeout";

/** Input of `decideRetry`. */
export interface RetryState {
  kind: FailureKind;
  /** HTTP status, for `kind: "status"`. */
  status?: number;
  /** True when repeating the request cannot change the outcome (GET, PUT, DELETE, or marked so). */
  idempotent: boolean;
  /** True when the connection failed before the request could reach the server. */
  neverSent?: boolean;
  /** True when repeating the request cannot succeed, such as a port that fetch refuses to connect to. */
  isPermanent?: boolean;
  /** Backoff retries already spent on this request. */
  retriesSpent: number;
  /** 429 waits already spent on this request. */
  rateLimitWaitsSpent: number;
}

/**
 * Next step after a failed attempt: `rate_limit` waits for `Retry-After`, `backoff` waits an
 * exponential delay with jitter, `stop` gives up. `reason` explains a stop for the error message.
 */
export type RetryDecision =
  | { action: "rate_limit" }
  | { action: "backoff" }
  | { action: "stop"; reason: "not_retryable" | "not_idempotent" | "exhausted" };

/** Decides whether a failed attempt may be repeated. It does not decide how long to wait. */
export function decideRetry(state: RetryState, settings: RetrySettings): RetryDecision {
  if (state.kind === "status" && state.status === 429) {
    return state.rateLimitWaitsSpent < settings.maxRateLimitWaits
      ? { action: "rate_limit" }
      : { action: "stop", reason: "exhausted" };
  }

  const retryable =
    state.kind === "network" || state.kind === "timeout" || (state.status !== undefined && RETRYABLE_STATUSES.has(state.status));
  if (!retryable || state.isPermanent === true) {
    return { action: "stop", reason: "not_retryable" };
  }
  if (!state.idempotent && !state.neverSent) {
    return { action: "stop", reason: "not_idempotent" };
  }
  if (state.retriesSpent >= settings.maxRetries) {
    return { action: "stop", reason: "exhausted" };
  }
  return { action: "backoff" };
}

/**
 * Returns the backoff delay before retry number `retry` (1 for the first retry): full jitter
 * over `min(maxDelayMs, baseDelayMs * 2^(retry-1))`, so concurrent clients spread out.
 * `random` returns a number in [0, 1).
 */
export function computeBackoffMs(retry: number, settings: RetrySettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Origin of a rate-limit wait: the header's two forms, or the default for a missing or malformed header. */
export type RetryAfterSource = "seconds" | "http-date" | "missing" | "malformed";

/** The wait a 429 requests. */
export interface RetryAfterWait {
  /** Seconds to wait: the header's value used as given, or the default. */
  seconds: number;
  source: RetryAfterSource;
  /** The raw header value, for log lines. */
  raw: string | null;
}

/**
 * Reads a `Retry-After` header value: either whole seconds (`"120"`) or an HTTP-date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`, RFC 9110 section 10.2.3). Returns the wait in seconds,
 * or undefined when the value is neither. A date in the past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) {
    return Number.parseInt(text, 10);
  }

  // An HTTP-date always names a weekday and GMT; requiring both keeps Date.parse from
  // accepting loose strings such as "5 minutes".
  if (text.length > 64 || !/^[A-Za-z]{3},\s/.test(text) || !/\sGMT$/.test(text)) {
    return undefined;
  }
  const dateMs = Date.parse(text);
  if (Number.isNaN(dateMs)) {
    return undefined;
  }
  return Math.max(0, Math.ceil((dateMs - nowMs) / 1000));
}

/** Returns the wait for a 429 response: its `Retry-After` as given, or the default when missing or malformed. */
export function resolveRetryAfter(header: string | null, nowMs: number, settings: RetrySettings): RetryAfterWait {
  if (header === null) {
    return { seconds: settings.defaultRetryAfterSeconds, source: "missing", raw: null };
  }
  const seconds = parseRetryAfter(header, nowMs);
  if (seconds === undefined) {
    return { seconds: settings.defaultRetryAfterSeconds, source: "malformed", raw: header };
  }
  return { seconds, source: /^\s*\d+\s*$/.test(header) ? "seconds" : "http-date", raw: header };
}

/** Fills in the defaults of `options` and checks that every value is a usable number. */
export function resolveRetrySettings(options: RetryOptions | undefined): RetrySettings {
  const settings: RetrySettings = { ...DEFAULT_RETRY };
  if (options === undefined) {
    return settings;
  }

  for (const key of Object.keys(DEFAULT_RETRY) as Array<keyof RetrySettings>) {
    const value = options[key];
    if (value === undefined) {
      continue;
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new InvalidInputError(
        `Invalid retry.${key}: expected a number of at least 0, got ${String(value)}; omit it to use the default ${DEFAULT_RETRY[key]}.`,
      );
    }
    settings[key] = value;
  }
  return settings;
}
