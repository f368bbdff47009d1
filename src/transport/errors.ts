/**
 * Error classes of the SDK. Every error is a `WebexError` with a stable string `code` that the
 * CLI maps to an exit code. Messages read on their own (status, Webex's message, method and
 * path, tracking id, attempts) and are redacted when built, so no credential can leak through
 * `message`, `stack` or `inspect()`.
 */
import { inspect } from "node:util";
import { redactText, redactValue } from "../redact.js";

/** Stable error codes. The CLI maps them to exit codes (see `exitCodeFor`). */
export type WebexErrorCode =
  | "auth"
  | "permission"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "server"
  | "network"
  | "timeout"
  | "invalid_input"
  | "bad_request"
  | "api"
  | "refresh_rejected"
  | "incomplete";

/** What is known about the request and response behind an error. */
export interface WebexErrorDetails {
  /** HTTP method, such as `GET`. */
  method?: string;
  /** Request path with query string, such as `/v1/people?max=100`. */
  path?: string;
  /** HTTP status of the response, when there was one. */
  status?: number;
  /** Webex tracking id from the `Trackingid` header or the error body. */
  trackingId?: string;
  /** Attempts made, counting the first request. */
  attempts?: number;
  /** Parsed response body (redacted). */
  body?: unknown;
  /** Response headers (redacted). */
  headers?: Record<string, string>;
  /** Seconds the server asked to wait, from `Retry-After`. */
  retryAfterSeconds?: number;
  /** The underlying error. */
  cause?: unknown;
}

/** Base class of every error the SDK raises. */
export class WebexError extends Error {
  /** Stable machine-readable code. */
  readonly code: WebexErrorCode;
  readonly method?: string;
  readonly path?: string;
  readonly status?: number;
  readonly trackingId?: string;
  readonly attempts?: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly retryAfterSeconds?: number;

  constructor(code: WebexErrorCode, message: string, details: WebexErrorDetails = {}) {
    super(redactText(message), details.cause === undefined ? undefined : { cause: redactCause(details.cause) });
    this.name = new.target.name;
    this.code = code;
    this.method = details.method;
    this.path = details.path === undefined ? undefined : redactText(details.path);
    this.status = details.status;
    this.trackingId = details.trackingId;
    this.attempts = details.attempts;
    this.body = details.body === undefined ? undefined : redactValue(details.body);
    this.headers = details.headers === undefined ? undefined : redactValue(details.headers);
    this.retryAfterSeconds = details.retryAfterSeconds;
  }

  /** Shows the redacted fields only. */
  [inspect.custom](): string {
    const fields = {
      code: this.code,
      status: this.status,
      method: this.method,
      path: this.path,
      trackingId: this.trackingId,
      attempts: this.attempts,
    };
    return `${this.name}: ${this.message} ${inspect(fields, { breakLength: Infinity })}`;
  }
}

/** 401: the access token is missing, invalid or expired. */
export class AuthError extends WebexError {
  constructor(message: string, details: WebexErrorDetails = {}) {
    super("auth", message, details);
  }
}

/** 403: the token lacks a scope or role, or the service app is not authorized in the org. */
export class PermissionError extends WebexError {
  constructor(message: string, details: WebexErrorDetails = {}) {
    super("permission", message, details);
  }
}

/** 404: the resource does not exist or the caller cannot see it. */
export class NotFoundError extends WebexError {
  constructor(message: string, details: WebexErrorDetails = {}) {
    super("not_found", message, details);
  }
}

/** 409: the request conflicts with the state of the resource. */
export class ConflictError extends WebexError {
  constructor(message: string, details: WebexErrorDetails = {}) {
    super("conflict", message, details);
  }
}

/** 429 after the allowed waits ran out, or with a `Retry-After` longer than the wait cap. */
export class RateLimitError extends WebexError {
  constructor(message: string, details: WebexErrorDetails = {}) {
    super("rate_limited", message, details);
  }
}

/** 5xx after the allowed retries ran out, or on a request that could not safely be repeated. */
export class ServerError extends WebexError {
  constructor(message: string, details: WebexErrorDetails = {}) {
    super("server", message, details);
  }
}

/** The connection failed or was reset before a response arrived. */
export class NetworkError extends WebexError {
  constructor(message: string, details: WebexErrorDetails = {}) {
    super("network", message, details);
  }
}

/** No response arrived within the request timeout. */
export class TimeoutError extends WebexError {
  constructor(message: string, details: WebexErrorDetails = {}) {
    super("timeout", message, details);
  }
}

/** The caller passed a value the SDK rejects before sending anything. */
export class InvalidInputError extends WebexError {
  constructor(message: string, details: WebexErrorDetails = {}) {
    super("invalid_input", message, details);
  }
}

/** 400: Webex rejected the request as invalid. */
export class BadRequestError extends WebexError {
  constructor(message: string, details: WebexErrorDetails = {}) {
    super("bad_request", message, details);
  }
}

/**
 * What Webex rejected when a service app asked for a new token pair, which decides what a
 * person must do:
 *
 * - `client_secret`: the client id or secret (OAuth `invalid_client`, or a 400 from a re-mint),
 *   usually because the secret was regenerated. The stored refresh token may still be valid.
 * - `refresh_token`: the refresh token (OAuth `invalid_grant`): it expired or was revoked, or
 *   the app was deauthorized in the org.
 * - `token_manager`: the token-manager token of a re-mint (401).
 * - `not_authorized`: a re-mint in an org where the app is not authorized, or by a token
 *   without `spark:applications_token` (403).
 * - `app_not_found`: a re-mint for an app that does not exist (404).
 * - `no_pair`: nothing was rejected, but no token pair is stored and none can be minted.
 * - `unknown`: a rejection without an error code that distinguishes these cases.
 */
export type TokenRejectionReason =
  | "client_secret"
  | "refresh_token"
  | "token_manager"
  | "not_authorized"
  | "app_not_found"
  | "no_pair"
  | "unknown";

/** Details of a `TokenRefreshError`: those of every error, and what was rejected. */
export interface TokenRefreshErrorDetails extends WebexErrorDetails {
  /** Default `unknown`. */
  reason?: TokenRejectionReason;
}

/**
 * A refresh or re-mint of a service-app token was rejected (refresh token expired or revoked,
 * app deauthorized, client secret regenerated). Retrying cannot help, so a person must act, and
 * `reason` names the fix that applies.
 */
export class TokenRefreshError extends WebexError {
  readonly reason: TokenRejectionReason;

  constructor(message: string, details: TokenRefreshErrorDetails = {}) {
    super("refresh_rejected", message, details);
    this.reason = details.reason ?? "unknown";
  }
}

/** Returns the request details of `error` with `error` as their cause, for a new error that wraps it. */
export function wrappingDetails(error: WebexError): WebexErrorDetails {
  return {
    method: error.method,
    path: error.path,
    status: error.status,
    trackingId: error.trackingId,
    attempts: error.attempts,
    body: error.body,
    cause: error,
  };
}

/** Any other non-2xx response. */
export class WebexApiError extends WebexError {
  constructor(message: string, details: WebexErrorDetails = {}) {
    super("api", message, details);
  }
}

/**
 * Returns a copy of `error` whose message ends with `advice`, such as the next step a caller
 * knows and the SDK does not. The copy keeps the class, code, details and stack of `error`,
 * which stays unchanged, so an error that is thrown again later does not collect advice twice.
 */
export function withAdvice<E extends WebexError>(error: E, advice: string): E {
  const copy = Object.create(Object.getPrototypeOf(error) as object, Object.getOwnPropertyDescriptors(error)) as E;
  copy.message = redactText(`${error.message} ${advice}`);
  return copy;
}

/**
 * Maps an error code to the CLI exit code: 1 API or network failure, 2 invalid usage or input,
 * 3 a person must act (credentials, scopes, roles, authorization), 4 finished with some parts
 * failed.
 */
export function exitCodeFor(code: WebexErrorCode): number {
  switch (code) {
    case "invalid_input":
      return 2;
    case "auth":
    case "permission":
    case "refresh_rejected":
      return 3;
    case "incomplete":
      return 4;
    default:
      return 1;
  }
}

function redactCause(cause: unknown): unknown {
  if (cause instanceof Error) {
    const copy = new Error(redactText(cause.message));
    copy.name = cause.name;
    const code = (cause as { code?: unknown }).code;
    if (code !== undefined) {
      Object.assign(copy, { code });
    }
    return copy;
  }
  return redactValue(cause);
}
