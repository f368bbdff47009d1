/**
 * The token pair Webex returns from `POST /v1/applications/{id}/token` and
 * `POST /v1/access_token`, with Webex's own field names so it can be pasted into other tools.
 */
import { inspect } from "node:util";
import { maskSecret, registerSecret } from "../redact.js";
import { WebexApiError } from "../transport/errors.js";

/** The five wire fields of a token response. */
export interface TokenFields {
  access_token: string;
  /** Lifetime of the access token in seconds, counted from when it was obtained. */
  expires_in: number;
  refresh_token: string;
  /** Lifetime of the refresh token in seconds, counted from when it was obtained. */
  refresh_token_expires_in: number;
  /** `Bearer`. */
  token_type: string;
}

/**
 * An access and refresh token pair. Its own enumerable fields are exactly Webex's five wire
 * fields. `inspect()` masks both tokens; `JSON.stringify` writes them in full, because
 * serializing a token pair is an explicit request to store it.
 */
export class TokenInfo implements TokenFields {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
  token_type: string;
  readonly #obtainedAtMs: number;

  /**
   * @param fields the five wire fields
   * @param obtainedAtMs when Webex issued the pair, in epoch milliseconds; expiry times count from it
   */
  constructor(fields: TokenFields, obtainedAtMs: number) {
    this.access_token = fields.access_token;
    this.expires_in = fields.expires_in;
    this.refresh_token = fields.refresh_token;
    this.refresh_token_expires_in = fields.refresh_token_expires_in;
    this.token_type = fields.token_type;
    this.#obtainedAtMs = obtainedAtMs;
    registerSecret(this.access_token);
    registerSecret(this.refresh_token);
  }

  /**
   * Builds a `TokenInfo` from a token response body, keeping only the five wire fields (Webex
   * may add `scope`).
   *
   * @throws WebexApiError naming the missing or mistyped field (never a token value)
   */
  static fromResponse(body: unknown, obtainedAtMs: number): TokenInfo {
    if (body === null || typeof body !== "object") {
      throw new WebexApiError(`The token response is not a JSON object; expected access_token, expires_in, refresh_token, refresh_token_expires_in and token_type.`);
    }

    const record = body as Record<string, unknown>;
    // Register first, so that no later error message can carry the tokens.
    for (const key of ["access_token", "refresh_token"]) {
      if (typeof record[key] === "string") {
        registerSecret(record[key] as string);
      }
    }

    return new TokenInfo(
      {
        access_token: readString(record, "access_token"),
        expires_in: readSeconds(record, "expires_in"),
        refresh_token: readString(record, "refresh_token"),
        refresh_token_expires_in: readSeconds(record, "refresh_token_expires_in"),
        token_type: typeof record.token_type === "string" && record.token_type !== "" ? record.token_type : "Bearer",
      },
      obtainedAtMs,
    );
  }

  /** When the pair was obtained. */
  obtainedAt(): Date {
    return new Date(this.#obtainedAtMs);
  }

  /** When the access token expires. */
  accessExpiresAt(): Date {
    return new Date(this.#obtainedAtMs + this.expires_in * 1000);
  }

  /** When the refresh token expires. */
  refreshExpiresAt(): Date {
    return new Date(this.#obtainedAtMs + this.refresh_token_expires_in * 1000);
  }

  /** Returns the five wire fields in full. */
  toJSON(): TokenFields {
    return {
      access_token: this.access_token,
      expires_in: this.expires_in,
      refresh_token: this.refresh_token,
      refresh_token_expires_in: this.refresh_token_expires_in,
      token_type: this.token_type,
    };
  }

  /** Shows the fields with both tokens masked. */
  [inspect.custom](): string {
    const maskedFields = {
      access_token: maskSecret(this.access_token),
      expires_in: this.expires_in,
      refresh_token: maskSecret(this.refresh_token),
      refresh_token_expires_in: this.refresh_token_expires_in,
      token_type: this.token_type,
    };
    return `TokenInfo ${inspect(maskedFields)}`;
  }
}

function readString(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  if (typeof value !== "string" || value === "") {
    throw new WebexApiError(`The token response has no ${key}; expected a non-empty string, got ${describeType(value)}.`);
  }
  return value;
}

function readSeconds(record: Record<string, unknown>, key: string): number {
  const value = record[key];
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new WebexApiError(`The token response has no usable ${key}; expected a number of seconds, got ${describeType(value)}.`);
  }
  return value;
}

function describeType(value: unknown): string {
  if (value === undefined) {
    return "nothing";
  }
  if (value === null) {
    return "null";
  }
  if (value === "") {
    return "an empty string";
  }
  return typeof value === "string" ? "a string" : `a ${typeof value}`;
}
