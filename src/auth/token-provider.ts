/**
 * Token providers hand the transport a bearer token for every attempt, so a provider that
 * refreshes tokens can swap in a new one between retries.
 */
import { registerSecret } from "../redact.js";
import { InvalidInputError } from "../transport/errors.js";

/** The source of bearer tokens for one connection. */
export interface TokenProvider {
  /**
   * Returns the access token to send now. Called before every attempt.
   *
   * @throws WebexError when no token can be obtained (for example a rejected refresh).
   */
  getAccessToken(): Promise<string>;
  /**
   * Called when Webex returned 401 to a request sent with `rejected`. Returns true when a
   * different token is now available, in which case the transport sends the request once more.
   * Omit it when the provider cannot obtain another token.
   */
  onUnauthorized?(rejected: string): Promise<boolean>;
  /** A description of where the token comes from, for log lines. Never contains the token. */
  describe(): string;
}

/** Options of `StaticTokenProvider`. */
export interface StaticTokenProviderOptions {
  /** Origin of the token, for log lines (`"--token-file ~/.wxadmin/token"`). Default `"accessToken option"`. */
  source?: string;
}

/** A provider for one fixed access token, such as a personal token or a stored service-app token. */
export class StaticTokenProvider implements TokenProvider {
  readonly #token: string;
  /** One settled promise shared by every call, since the token never changes. */
  readonly #tokenPromise: Promise<string>;
  readonly #source: string;

  /**
   * @param accessToken the bearer token, without the `Bearer ` prefix; surrounding white space
   *   (a trailing newline from a file) is removed
   * @throws InvalidInputError when the token is empty or contains white space
   */
  constructor(accessToken: string, options: StaticTokenProviderOptions = {}) {
    this.#source = options.source ?? "accessToken option";
    this.#token = validateAccessToken(accessToken, this.#source);
    registerSecret(this.#token);
    this.#tokenPromise = Promise.resolve(this.#token);
  }

  getAccessToken(): Promise<string> {
    return this.#tokenPromise;
  }

  describe(): string {
    return `static access token from ${this.#source}`;
  }

  /** Never shows the token. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `StaticTokenProvider { ${this.describe()} }`;
  }
}

/**
 * Checks an access token and returns it without surrounding white space.
 *
 * @throws InvalidInputError naming the source (never the token) when it is unusable
 */
export function validateAccessToken(value: unknown, source: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidInputError(`The access token from ${source} is empty; pass the token Webex issued (a personal token or a service-app token).`);
  }

  const token = value.trim();
  registerSecret(token);
  if (/^bearer\s/i.test(token)) {
    throw new InvalidInputError(`The access token from ${source} starts with "Bearer "; pass the token alone, without the prefix.`);
  }
  if (/\s/.test(token)) {
    throw new InvalidInputError(`The access token from ${source} contains white space; check that it was copied whole and alone.`);
  }
  return token;
}
