/**
 * The one request pipeline of the SDK. Layers, from the wire outwards:
 *
 * 1. `#send` makes one HTTP exchange and returns the response or a failure, one block per
 *    status class. It owns the per-attempt timeout.
 * 2. `#sendAuthorized` gets a current token from the token provider before every attempt.
 * 3. `#sendLogged` writes one info line per attempt: method, path, status, duration, attempt,
 *    the request id that joins the attempts of one call, and Webex's trackingId when it differs.
 * 4. `request` runs the attempts: it passes the shared rate-limit gate, replays once after a
 *    401 when the token provider has a new token, and retries by the policy in retry.ts.
 */
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { TokenProvider } from "../auth/token-provider.js";
import { createRedactingLogger, silentLogger, type LogFields, type Logger } from "../logger.js";
import { AttemptFailure, trackingIdOfBody } from "./attempt-failure.js";
import { validateBaseUrl } from "./base-url.js";
import { Deadline, TIMEOUT_REASON, discardLateResponse, readBodyText } from "./deadline.js";
import { InvalidInputError, WebexApiError, type WebexError, type WebexErrorDetails } from "./errors.js";
import { RateLimitGate, RateLimitLogThrottle, sleepWithSignal, type RateLimitSummary, type SleepFunction } from "./rate-limit.js";
import {
  computeBackoffMs,
  decideRetry,
  resolveRetryAfter,
  resolveRetrySettings,
  type RetryAfterWait,
  type RetryOptions,
  type RetrySettings,
} from "./retry.js";

/** HTTP methods the SDK sends. */
export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A query parameter value; arrays are sent comma-separated, undefined and null are left out. */
export type QueryValue = string | number | boolean | null | undefined | readonly string[];

/** One API request. Give either `path` or `url`. */
export interface RequestOptions {
  method: HttpMethod;
  /** Path below the base URL, starting with `/`, such as `/people`. */
  path?: string;
  /** Absolute URL used as given, such as a next-page link. It must be on the base URL's origin. */
  url?: string;
  /** Query parameters added to `path`. Not allowed with `url`. */
  query?: Record<string, QueryValue>;
  /** Body sent as JSON. */
  json?: unknown;
  /** Body sent form-encoded (`application/x-www-form-urlencoded`). */
  form?: Record<string, string>;
  /** Org the request acts on, sent as the `orgId` query parameter. Not allowed with `url`. */
  orgId?: string;
  /**
   * Whether repeating the request is harmless, which allows retries after 502/503/504, resets
   * and timeouts. Default true for GET, HEAD, PUT and DELETE, false for POST and PATCH.
   */
  idempotent?: boolean;
  /** Cancels the request, including retries and waits; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Timeout of each attempt in milliseconds. Default the transport's `timeoutMs`. */
  timeoutMs?: number;
  /** Whether to send the bearer token. Default true; the OAuth refresh grant sends none. */
  authenticate?: boolean;
}

/**
 * Per-call options that resource methods take as their last argument, such as
 * `org.people.list({ max: 100 }, { signal })`.
 */
export interface CallOptions {
  /**
   * Cancels the call: the request in flight, its retries and waits, and for a list every later
   * page. The call, or the list's iteration, rejects with the signal's reason. Default: none.
   */
  signal?: AbortSignal;
}

/** A successful (2xx) response. */
export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  /** Parsed JSON body; undefined for an empty body, the raw text for a body that is not JSON. */
  body: T;
  /** Webex tracking id from the `Trackingid` response header. */
  trackingId?: string;
  /** Attempts made, counting the first. */
  attempts: number;
  /** The URL requested. */
  url: string;
}

/**
 * Connection settings shared by `Webex.connect`, `Webex.fromServiceApp`, the
 * `ServiceAppTokenProvider` and `Transport`. Each of them documents only what it adds.
 */
export interface ConnectionOptions {
  /**
   * API base URL. Default `WEBEX_BASE_URL` from the environment, else `https://webexapis.com/v1`.
   * Must be https, except that plain http is accepted for loopback hosts (127.0.0.0/8, ::1,
   * localhost) such as the local emulator.
   */
  baseUrl?: string;
  /** Timeout of each request attempt in milliseconds. Default 30000. */
  timeoutMs?: number;
  /**
   * Retry settings. Defaults: `maxRetries` 3, `baseDelayMs` 500, `maxDelayMs` 8000,
   * `maxRateLimitWaits` 6, `maxRetryAfterSeconds` 120, `defaultRetryAfterSeconds` 5; see `RetryOptions`.
   */
  retry?: RetryOptions;
  /**
   * Receives log lines, redacted: one info line per request attempt, warnings about waits and
   * retries, and from a service-app token provider its refresh notices (info), warnings and
   * rejections (error). The first 429 wait of a burst is a warning, and the later ones are summed
   * up in one warning at most every 30 s of `now` and by `logPendingRateLimitSummary`. Each
   * wait's details and tracking id are logged at debug level. Default silent.
   */
  logger?: Logger;
  /** The `fetch` implementation. Default the global `fetch`. */
  fetch?: typeof fetch;
  /** Waits between attempts. Default a timer; tests pass one that records the delays. */
  sleep?: SleepFunction;
  /**
   * Clock in epoch milliseconds, used for `Retry-After` dates and for token times (service-app
   * token expiry is measured on it). Default `Date.now`.
   */
  now?: () => number;
  /** Cancels every request of the connection, token requests included. */
  signal?: AbortSignal;
}

/** Options of `Transport`: the connection settings with a resolved base URL and a token source. */
export interface TransportOptions extends ConnectionOptions {
  /**
   * API base URL, checked by `validateBaseUrl`. Required here: callers apply the
   * `WEBEX_BASE_URL` default first, with `chooseBaseUrl`.
   */
  baseUrl: string;
  /** Source of the bearer token, asked before every attempt. */
  tokenProvider: TokenProvider;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  random?: () => number;
}

/** The default timeout of one attempt, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 30_000;

const IDEMPOTENT_METHODS = new Set<string>(["GET", "HEAD", "PUT", "DELETE"]);

/** A request with its URL, body and settings fixed, shared by all its attempts. */
interface PreparedRequest {
  method: HttpMethod;
  url: string;
  body: string | undefined;
  contentType: string | undefined;
  idempotent: boolean;
  authenticate: boolean;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** Sent as the `TrackingID` header of every attempt; joins the attempts in log lines. */
  requestId: string;
}

/** The reason the retry loop stopped, for the error message. */
type StopReason = "not_retryable" | "not_idempotent" | "exhausted" | "over_cap";

/**
 * Sends requests to the Webex API with authentication, timeouts, logging, retries and the
 * shared rate-limit pause. One instance serves one token.
 */
export class Transport {
  /** The validated base URL without a trailing slash, such as `https://webexapis.com/v1`. */
  readonly baseUrl: string;
  /** The origin of the base URL; next-page links must stay on it. */
  readonly origin: string;
  /** The redacting logger every part of the SDK logs through. */
  readonly logger: Logger;
  /** The clock in epoch milliseconds. */
  readonly now: () => number;
  /** The token source, for log lines and for providers that need the transport. */
  readonly tokenProvider: TokenProvider;

  readonly #fetch: typeof fetch;
  readonly #sleep: SleepFunction;
  readonly #random: () => number;
  readonly #timeoutMs: number;
  readonly #retry: RetrySettings;
  readonly #signal: AbortSignal | undefined;
  readonly #gate: RateLimitGate;
  readonly #rateLimitLog: RateLimitLogThrottle;
  readonly #logEnabled: boolean;
  readonly #originWithSlash: string;

  /** @throws InvalidInputError when the base URL, timeout or retry settings are unusable */
  constructor(options: TransportOptions) {
    this.baseUrl = validateBaseUrl(options.baseUrl);
    this.origin = new URL(this.baseUrl).origin;
    this.#originWithSlash = `${this.origin}/`;
    this.tokenProvider = options.tokenProvider;
    this.logger = createRedactingLogger(options.logger ?? silentLogger);
    this.now = options.now ?? Date.now;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#sleep = options.sleep ?? sleepWithSignal;
    this.#random = options.random ?? Math.random;
    this.#timeoutMs = validateTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, "timeoutMs");
    this.#retry = resolveRetrySettings(options.retry);
    this.#signal = options.signal;
    this.#gate = new RateLimitGate(this.now, this.#sleep);
    this.#rateLimitLog = new RateLimitLogThrottle(this.now);
    this.#logEnabled = this.logger !== silentLogger;
  }

  /** The shared rate-limit pause of this transport. */
  get rateLimitGate(): RateLimitGate {
    return this.#gate;
  }

  /**
   * Sends a request and returns its 2xx response, retrying as the retry settings allow.
   *
   * @throws BadRequestError (400), AuthError (401), PermissionError (403), NotFoundError (404),
   *   ConflictError (409), RateLimitError (429), ServerError (5xx) or WebexApiError (other status).
   * @throws NetworkError or TimeoutError when no response arrived.
   * @throws InvalidInputError for unusable request options.
   * @throws the signal's reason when a signal aborts.
   */
  async request<T = unknown>(options: RequestOptions): Promise<ApiResponse<T>> {
    const prepared = this.#prepare(options);
    let attempt = 0;
    let retriesSpent = 0;
    let rateLimitWaitsSpent = 0;
    let replayedAfterUnauthorized = false;

    for (;;) {
      const gateWait = this.#gate.wait(prepared.signal);
      if (gateWait !== undefined) {
        await gateWait;
      }

      if (this.#logEnabled) {
        this.#logDueRateLimitSummary();
      }

      attempt += 1;
      const result = await (this.#logEnabled ? this.#sendLogged(prepared, attempt) : this.#sendAuthorized(prepared, attempt));
      if (!(result instanceof AttemptFailure)) {
        return result as ApiResponse<T>;
      }

      if (result.status === 401 && !replayedAfterUnauthorized && (await this.#hasNewToken(result))) {
        replayedAfterUnauthorized = true;
        continue;
      }

      const decision = decideRetry(
        {
          kind: result.kind,
          status: result.status,
          idempotent: prepared.idempotent,
          neverSent: result.neverSent,
          isPermanent: result.isPermanent,
          retriesSpent,
          rateLimitWaitsSpent,
        },
        this.#retry,
      );
      if (decision.action === "stop") {
        throw this.#buildError(prepared, result, attempt, decision.reason);
      }

      if (decision.action === "rate_limit") {
        const wait = resolveRetryAfter(result.headers?.get("retry-after") ?? null, this.now(), this.#retry);
        if (wait.seconds > this.#retry.maxRetryAfterSeconds) {
          this.#logRetryAfterOverCap(prepared, result, wait);
          throw this.#buildError(prepared, result, attempt, "over_cap", wait);
        }
        rateLimitWaitsSpent += 1;
        const pausedMs = this.#gate.pause(this.now() + wait.seconds * 1000);
        this.#logRateLimitWait(prepared, result, wait, { attempt, waitNumber: rateLimitWaitsSpent, pausedMs });
        this.#gate.notifyRateLimitWait({
          method: prepared.method,
          url: prepared.url,
          waitSeconds: wait.seconds,
          resumeAtMs: this.#gate.resumeAtMs,
          trackingId: result.trackingId,
        });
        continue;
      }

      retriesSpent += 1;
      const delayMs = computeBackoffMs(retriesSpent, this.#retry, this.#random);
      this.#logBackoff(prepared, result, delayMs, retriesSpent);
      await this.#sleep(delayMs, prepared.signal);
    }
  }

  /** Asks the token provider for a new token after a 401; true when the request should be replayed. */
  async #hasNewToken(failure: AttemptFailure): Promise<boolean> {
    const provider = this.tokenProvider;
    if (failure.token === undefined || provider.onUnauthorized === undefined) {
      return false;
    }
    const replay = await provider.onUnauthorized(failure.token);
    if (replay) {
      this.logger.info(`Webex rejected the access token (401); sending the request again with a new token from ${provider.describe()}.`);
    }
    return replay;
  }

  // ---- layer 3: one log line per attempt ----

  async #sendLogged(prepared: PreparedRequest, attempt: number): Promise<ApiResponse<unknown> | AttemptFailure> {
    const startedAt = performance.now();
    const result = await this.#sendAuthorized(prepared, attempt);
    const durationMs = Math.round(performance.now() - startedAt);
    const path = displayPath(prepared.url);
    // Method, path, status and duration are in the message. Webex echoes the TrackingID the
    // request sent (the requestId), so the response's trackingId is logged only when it differs.
    const fields: LogFields = { requestId: prepared.requestId, attempt };
    if (result.trackingId !== undefined && result.trackingId !== prepared.requestId) {
      fields.trackingId = result.trackingId;
    }
    if (result instanceof AttemptFailure && result.status === undefined) {
      this.logger.info(`${prepared.method} ${path} ${result.describe(prepared.timeoutMs)} after ${durationMs} ms`, fields);
    } else {
      this.logger.info(`${prepared.method} ${path} ${result.status} in ${durationMs} ms`, fields);
    }
    return result;
  }

  // ---- layer 2: a current token for every attempt ----

  async #sendAuthorized(prepared: PreparedRequest, attempt: number): Promise<ApiResponse<unknown> | AttemptFailure> {
    if (!prepared.authenticate) {
      return this.#send(prepared, undefined, attempt);
    }
    const token = await this.tokenProvider.getAccessToken();
    const result = await this.#send(prepared, token, attempt);
    if (result instanceof AttemptFailure) {
      result.token = token;
    }
    return result;
  }

  // ---- layer 1: one HTTP exchange ----

  async #send(prepared: PreparedRequest, token: string | undefined, attempt: number): Promise<ApiResponse<unknown> | AttemptFailure> {
    const headers: Record<string, string> = { accept: "application/json", trackingid: prepared.requestId };
    if (token !== undefined) {
      headers.authorization = `Bearer ${token}`;
    }
    if (prepared.contentType !== undefined) {
      headers["content-type"] = prepared.contentType;
    }

    // The timeout races the exchange rather than aborting it through a signal (see deadline.ts).
    const deadline = new Deadline(prepared.timeoutMs);
    let fetching: Promise<Response> | undefined;
    let response: Response | undefined;
    let text: string;
    const link = prepared.signal === undefined ? undefined : linkAbortSignal(prepared.signal);
    try {
      fetching = this.#fetch(prepared.url, { method: prepared.method, headers, body: prepared.body, signal: link?.signal });
      response = await deadline.race(fetching);
      text = await readBodyText(response, deadline);
    } catch (error) {
      if (prepared.signal?.aborted) {
        throw prepared.signal.reason;
      }
      if (error === TIMEOUT_REASON) {
        if (response === undefined && fetching !== undefined) {
          discardLateResponse(fetching);
        }
        return new AttemptFailure("timeout");
      }
      return AttemptFailure.fromNetworkError(error);
    } finally {
      deadline.clear();
      link?.unlink();
    }

    const status = response.status;
    const trackingId = response.headers.get("trackingid") ?? undefined;

    if (status >= 200 && status < 300) {
      return { status, headers: response.headers, body: parseBody(text), trackingId, attempts: attempt, url: prepared.url };
    }

    const failure = new AttemptFailure("status");
    failure.status = status;
    failure.statusText = response.statusText || STATUS_CODES[status] || "";
    failure.headers = response.headers;
    failure.body = parseBody(text);
    failure.trackingId = trackingId ?? trackingIdOfBody(failure.body);
    return failure;
  }

  // ---- request preparation ----

  #prepare(options: RequestOptions): PreparedRequest {
    const method = options.method;
    const signal = combineSignals(this.#signal, options.signal);
    if (signal?.aborted) {
      throw signal.reason;
    }

    let body: string | undefined;
    let contentType: string | undefined;
    if (options.json !== undefined && options.form !== undefined) {
      throw new InvalidInputError(`${method} request has both a JSON and a form body; send one of them.`);
    }
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      contentType = "application/json";
    } else if (options.form !== undefined) {
      body = new URLSearchParams(options.form).toString();
      contentType = "application/x-www-form-urlencoded";
    }

    return {
      method,
      url: this.#buildUrl(options),
      body,
      contentType,
      idempotent: options.idempotent ?? IDEMPOTENT_METHODS.has(method),
      authenticate: options.authenticate ?? true,
      timeoutMs: options.timeoutMs === undefined ? this.#timeoutMs : validateTimeout(options.timeoutMs, "request timeoutMs"),
      signal,
      requestId: `WXADMIN_${randomUUID()}`,
    };
  }

  #buildUrl(options: RequestOptions): string {
    if (options.url !== undefined) {
      if (options.path !== undefined || options.query !== undefined || options.orgId !== undefined) {
        throw new InvalidInputError(`Request to ${options.url} gives a full URL together with path, query or orgId; give the URL alone.`);
      }
      this.assertSameOrigin(options.url);
      return options.url;
    }

    const path = options.path;
    if (path === undefined || !path.startsWith("/")) {
      throw new InvalidInputError(`Request path ${JSON.stringify(path)} is invalid; give a path starting with "/", such as "/people".`);
    }
    const query = options.orgId === undefined ? options.query : { ...options.query, orgId: options.orgId };
    const search = buildQueryString(query);
    return search === "" ? this.baseUrl + path : `${this.baseUrl}${path}${path.includes("?") ? "&" : "?"}${search}`;
  }

  /**
   * Checks that `url` is on the base URL's origin, so a next-page link can never send the
   * token to another host.
   *
   * @throws WebexApiError when it is not
   */
  assertSameOrigin(url: string): void {
    // Fast path: the authority of an absolute URL ends at the first "/", so a URL that starts
    // with the origin and a slash is on that origin.
    if (url.startsWith(this.#originWithSlash)) {
      return;
    }

    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      throw new WebexApiError(`The URL ${JSON.stringify(url)} is not a valid absolute URL; the SDK follows only absolute links on ${this.origin}.`);
    }
    if (origin !== this.origin) {
      throw new WebexApiError(`The URL ${url} leaves ${this.origin}; the SDK sends the token only to the base URL's origin.`);
    }
  }

  // ---- errors and wait notices ----

  #buildError(prepared: PreparedRequest, failure: AttemptFailure, attempts: number, reason: StopReason, wait?: RetryAfterWait): WebexError {
    const path = displayPath(prepared.url);
    const outcome = failure.describe(prepared.timeoutMs);
    const context = [failure.trackingId === undefined ? "no trackingId" : `trackingId ${failure.trackingId}`];
    if (reason === "exhausted") {
      context.push(`gave up after ${attempts === 1 ? "1 attempt" : `${attempts} attempts`}`);
    } else {
      context.push(attempts === 1 ? "1 attempt" : `${attempts} attempts`);
    }

    let message = `${prepared.method} ${path} failed: ${outcome} (${context.join(", ")})`;
    if (reason === "not_idempotent") {
      message += `. Not retried: a ${prepared.method} that may already have been processed is not repeated; check the result before sending it again`;
    }
    if (reason === "over_cap" && wait !== undefined) {
      const resumeAt = new Date(this.now() + wait.seconds * 1000).toISOString();
      message += `. Webex asked to wait ${wait.seconds} s (Retry-After: ${wait.raw}), more than the ${this.#retry.maxRetryAfterSeconds} s limit of retry.maxRetryAfterSeconds; try again after ${resumeAt}`;
    }
    message += ".";

    const details: WebexErrorDetails = {
      method: prepared.method,
      path,
      status: failure.status,
      trackingId: failure.trackingId,
      attempts,
      body: failure.body,
      headers: failure.headers === undefined ? undefined : Object.fromEntries(failure.headers),
      retryAfterSeconds: wait?.seconds,
      cause: failure.cause,
    };
    return failure.toError(message, details);
  }

  /**
   * Logs a 429 wait: the first of a burst as a short warning, later ones as a periodic summary
   * (see `RateLimitLogThrottle`), and every one with its tracking id and pause end at debug level.
   */
  #logRateLimitWait(prepared: PreparedRequest, failure: AttemptFailure, wait: RetryAfterWait, progress: { attempt: number; waitNumber: number; pausedMs: number }): void {
    if (!this.#logEnabled) {
      return;
    }
    const path = shortenPath(prepared.url);
    const decision = this.#rateLimitLog.record(progress.pausedMs);
    if (decision.action === "log") {
      const reason =
        wait.source === "missing"
          ? ", the default, because the response had no Retry-After header"
          : wait.source === "malformed"
            ? ", the default, because its Retry-After header is unreadable"
            : "";
      this.logger.warn(`${prepared.method} ${path} was rate limited (429) on attempt ${progress.attempt}; all requests of this token wait ${wait.seconds} s${reason}.`);
    } else if (decision.action === "summarize") {
      this.#logRateLimitSummary(decision.summary);
    }

    const others = this.#gate.waiting;
    this.logger.debug(
      `${prepared.method} ${displayPath(prepared.url)} 429: Retry-After ${wait.raw === null ? "missing" : JSON.stringify(wait.raw)}, waiting ${wait.seconds} s until ${new Date(this.#gate.resumeAtMs).toISOString()}, ` +
        `wait ${progress.waitNumber} of ${this.#retry.maxRateLimitWaits}, ${others} other ${others === 1 ? "request" : "requests"} already waiting.`,
      { requestId: prepared.requestId, trackingId: failure.trackingId, attempt: progress.attempt },
    );
  }

  /**
   * Logs the 429 responses counted since the last rate-limit line as one summary line, so that
   * none goes unreported when the program ends before the next periodic summary. Does nothing
   * when none were counted.
   */
  logPendingRateLimitSummary(): void {
    const summary = this.#rateLimitLog.takePendingSummary();
    if (summary !== undefined) {
      this.#logRateLimitSummary(summary);
    }
  }

  #logDueRateLimitSummary(): void {
    const summary = this.#rateLimitLog.takeDueSummary();
    if (summary !== undefined) {
      this.#logRateLimitSummary(summary);
    }
  }

  #logRateLimitSummary(summary: RateLimitSummary): void {
    const responses = summary.count === 1 ? "1 more 429 response" : `${summary.count} more 429 responses`;
    this.logger.warn(`${responses} in the last ${formatSeconds(summary.elapsedMs)} s; requests of this token waited ${formatSeconds(summary.pausedMs)} s in total.`);
  }

  #logRetryAfterOverCap(prepared: PreparedRequest, failure: AttemptFailure, wait: RetryAfterWait): void {
    this.logger.warn(
      `${prepared.method} ${shortenPath(prepared.url)} was rate limited (429) with Retry-After: ${wait.raw}, longer than the ${this.#retry.maxRetryAfterSeconds} s cap (retry.maxRetryAfterSeconds); failing instead of waiting.`,
    );
    this.logger.debug(`${prepared.method} ${displayPath(prepared.url)} 429 over the Retry-After cap.`, { requestId: prepared.requestId, trackingId: failure.trackingId, waitSeconds: wait.seconds });
  }

  #logBackoff(prepared: PreparedRequest, failure: AttemptFailure, delayMs: number, retry: number): void {
    if (!this.#logEnabled) {
      return;
    }
    const outcome = failure.status === undefined ? failure.describe(prepared.timeoutMs) : `${failure.status}`;
    this.logger.warn(
      `${prepared.method} ${displayPath(prepared.url)} failed (${outcome}); retrying in ${delayMs} ms, retry ${retry} of ${this.#retry.maxRetries}.`,
      { requestId: prepared.requestId, trackingId: failure.trackingId, delayMs },
    );
  }
}

/** Encodes query parameters; arrays become comma-separated values as Webex expects (`id=a,b`). */
export function buildQueryString(query: Record<string, QueryValue> | undefined): string {
  if (query === undefined) {
    return "";
  }
  const parts: string[] = [];
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (value === undefined || value === null) {
      continue;
    }
    const text = Array.isArray(value) ? value.join(",") : String(value);
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
  }
  return parts.join("&");
}

function validateTimeout(value: number, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InvalidInputError(`Invalid ${name}: expected a number of milliseconds above 0, got ${String(value)}; omit it to use the default ${DEFAULT_TIMEOUT_MS}.`);
  }
  return value;
}

function combineSignals(first: AbortSignal | undefined, second: AbortSignal | undefined): AbortSignal | undefined {
  if (first === undefined) {
    return second;
  }
  if (second === undefined) {
    return first;
  }
  return AbortSignal.any([first, second]);
}

/**
 * Returns a new signal that aborts when `source` aborts, and `unlink`, which removes the
 * listener from `source`. Each fetch gets such a signal instead of the caller's: undici (Node
 * 20) keeps its abort listener on the signal it was given until garbage collection
 * (nodejs/undici#5285), so one signal shared by thousands of requests collected thousands of
 * listeners and `MaxListenersExceededWarning`s.
 */
function linkAbortSignal(source: AbortSignal): { signal: AbortSignal; unlink: () => void } {
  const controller = new AbortController();
  if (source.aborted) {
    controller.abort(source.reason);
    return { signal: controller.signal, unlink: () => {} };
  }
  const onAbort = (): void => controller.abort(source.reason);
  source.addEventListener("abort", onAbort, { once: true });
  return { signal: controller.signal, unlink: () => source.removeEventListener("abort", onAbort) };
}

/** Parses a body as JSON; returns undefined for an empty body and the text when it is not JSON. */
function parseBody(text: string): unknown {
  if (text === "") {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Query values longer than this are left out of warnings; next-page cursors and org ids are longer. */
const MAX_SHOWN_QUERY_VALUE_LENGTH = 20;

/**
 * Returns the path and query of `url` for a warning, with long query values such as cursors
 * replaced by `…`: `/v1/people?max=100&cursor=…`.
 */
function shortenPath(url: string): string {
  try {
    const parsed = new URL(url);
    const parts: string[] = [];
    for (const [key, value] of parsed.searchParams) {
      parts.push(`${key}=${value.length > MAX_SHOWN_QUERY_VALUE_LENGTH ? "…" : encodeURIComponent(value)}`);
    }
    return parts.length === 0 ? parsed.pathname : `${parsed.pathname}?${parts.join("&")}`;
  } catch {
    return url;
  }
}

/** Formats milliseconds as seconds with at most one decimal: `30`, `2.5`. */
function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

/** Returns the path and query of `url` for messages, such as `/v1/people?max=100`. */
function displayPath(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}
