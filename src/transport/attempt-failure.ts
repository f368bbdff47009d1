/**
 * The failure of one attempt, and how the last one becomes a `WebexError` whose message
 * reads alone: status, Webex's own messages, and connection details.
 */
import {
  AuthError,
  BadRequestError,
  ConflictError,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
  TimeoutError,
  WebexApiError,
  type WebexError,
  type WebexErrorDetails,
} from "./errors.js";
import type { FailureKind } from "./retry.js";

/** Connection errors raised before any byte of the request reached the server. */
const NEVER_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

/** The failure of one attempt. The retry loop turns the last one into a `WebexError`. */
export class AttemptFailure {
  status?: number;
  statusText?: string;
  headers?: Headers;
  body?: unknown;
  trackingId?: string;
  cause?: unknown;
  /** True when the connection failed before the request could reach the server. */
  neverSent = false;
  /** The token the attempt was sent with, for `TokenProvider.onUnauthorized`. */
  token?: string;
  /** True when repeating the attempt cannot succeed, such as a port that fetch blocks. */
  isPermanent = false;

  constructor(readonly kind: FailureKind) {}

  /** Creates the failure of a fetch that threw: a reset, a refused connection, a DNS error, a blocked port. */
  static fromNetworkError(error: unknown): AttemptFailure {
    const failure = new AttemptFailure("network");
    failure.cause = error;
    failure.neverSent = NEVER_SENT_CODES.has(errorCodeOf(error) ?? "");
    if (isBlockedPort(error)) {
      failure.neverSent = true;
      failure.isPermanent = true;
    }
    return failure;
  }

  /** Describes the outcome for a message: `403 Forbidden: <Webex message>` or the connection failure. */
  describe(timeoutMs: number): string {
    if (this.kind === "timeout") {
      return `no response within ${timeoutMs} ms (timeoutMs)`;
    }
    if (this.kind === "network") {
      if (isBlockedPort(this.cause)) {
        return "network error: bad port, a port that fetch never connects to (the Fetch standard blocks ports such as 1, 9, 22 and 25), so it was not retried";
      }
      return describeNetworkError(this.cause);
    }

    const head = `${this.status} ${this.statusText ?? ""}`.trimEnd();
    const messages = collectWebexMessages(this.body);
    return messages.length === 0 ? head : `${head}: ${messages.join("; ")}`;
  }

  /** Creates the error class that matches the failure: by status, or network and timeout errors. */
  toError(message: string, details: WebexErrorDetails): WebexError {
    if (this.kind === "timeout") {
      return new TimeoutError(message, details);
    }
    if (this.kind === "network") {
      return new NetworkError(message, details);
    }

    switch (this.status) {
      case 400:
        return new BadRequestError(message, details);
      case 401:
        return new AuthError(message, details);
      case 403:
        return new PermissionError(message, details);
      case 404:
        return new NotFoundError(message, details);
      case 409:
        return new ConflictError(message, details);
      case 429:
        return new RateLimitError(message, details);
      default:
        return this.status !== undefined && this.status >= 500 ? new ServerError(message, details) : new WebexApiError(message, details);
    }
  }
}

/** Returns the `trackingId` of a Webex error body, if it has one. */
export function trackingIdOfBody(body: unknown): string | undefined {
  if (body !== null && typeof body === "object") {
    const value = (body as { trackingId?: unknown }).trackingId;
    return typeof value === "string" ? value : undefined;
  }
  return undefined;
}

/** Reads the error code of a fetch failure, which undici puts on `cause`. */
function errorCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current !== null && typeof current === "object"; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Returns true for undici's "bad port" failure: fetch refuses, before connecting, the ports of
 * the Fetch standard's port blocklist (https://fetch.spec.whatwg.org/#port-blocking). Undici
 * reports it as `TypeError("fetch failed")` whose cause is `Error("bad port")` without a code.
 */
function isBlockedPort(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error && cause.message === "bad port" && errorCodeOf(cause) === undefined;
}

/** Plain meanings of the connection error codes seen most, for messages. */
const NETWORK_ERROR_MEANINGS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "DNS lookup failed, try again",
  ETIMEDOUT: "connection timed out",
  EPIPE: "connection closed while sending",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

/**
 * Describes undici's `TypeError("fetch failed")` by its cause, naming the code once:
 * `network error ECONNREFUSED (connection refused): connect 127.0.0.1:9` rather than
 * Node's `connect ECONNREFUSED 127.0.0.1:9` after the code.
 */
function describeNetworkError(cause: unknown): string {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  const code = errorCodeOf(cause);
  let text = inner instanceof Error ? inner.message : String(inner);
  if (code === undefined) {
    return `network error: ${text}`;
  }

  text = text.split(" ").filter((word) => word !== code).join(" ").trim();
  const meaning = NETWORK_ERROR_MEANINGS[code];
  const head = meaning === undefined ? `network error ${code}` : `network error ${code} (${meaning})`;
  return text === "" ? head : `${head}: ${text}`;
}

/** Collects Webex's `message`, `error_description` and `errors[].description`, without repeats. */
function collectWebexMessages(body: unknown): string[] {
  if (typeof body === "string") {
    const text = body.trim();
    if (text === "") {
      return [];
    }
    return [text.length > 300 ? `${text.slice(0, 300)}…` : text];
  }
  if (body === null || typeof body !== "object") {
    return [];
  }

  const record = body as Record<string, unknown>;
  const found: string[] = [];
  const add = (value: unknown): void => {
    if (typeof value === "string" && value.trim() !== "" && !found.includes(value.trim())) {
      found.push(value.trim());
    }
  };
  add(record.message);
  add(record.error_description);
  if (Array.isArray(record.errors)) {
    for (const item of record.errors) {
      add(item !== null && typeof item === "object" ? (item as { description?: unknown }).description : undefined);
    }
  }
  return found;
}
