/** Base URL checks: https everywhere, plain http only for the local loopback emulator. */
import { InvalidInputError } from "./errors.js";

/** The default base URL of the Webex REST API. */
export const DEFAULT_BASE_URL = "https://webexapis.com/v1";

/**
 * Chooses the base URL of a connection: `baseUrl` when given, else `WEBEX_BASE_URL` from `env`
 * when it is set and not blank, else `DEFAULT_BASE_URL`. The result is not yet validated.
 */
export function chooseBaseUrl(baseUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (baseUrl !== undefined) {
    return baseUrl;
  }
  const fromEnvironment = env.WEBEX_BASE_URL;
  return fromEnvironment !== undefined && fromEnvironment.trim() !== "" ? fromEnvironment.trim() : DEFAULT_BASE_URL;
}

/**
 * Checks a base URL and returns it without a trailing slash. `https://` is required, except
 * that plain `http://` is allowed for loopback hosts (127.0.0.0/8, ::1, localhost) such as
 * the local emulator.
 *
 * @throws InvalidInputError naming the URL when it is unusable
 */
export function validateBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInputError(`Base URL ${JSON.stringify(value)} is not a valid absolute URL; use one such as ${DEFAULT_BASE_URL}.`);
  }

  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new InvalidInputError(
      `Base URL ${value} uses plain http://, which is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); use https:// instead.`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidInputError(`Base URL ${value} uses ${url.protocol}; use an https:// URL such as ${DEFAULT_BASE_URL}.`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new InvalidInputError(`Base URL ${url.origin}${url.pathname} contains user credentials; remove them, the SDK authenticates with the access token.`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new InvalidInputError(`Base URL ${value} has a query or fragment; give only scheme, host and path, such as ${DEFAULT_BASE_URL}.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** Returns true for `localhost`, any 127.x.x.x address and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host === "[::1]" || host === "::1") {
    return true;
  }
  const octets = host.split(".");
  return octets.length === 4 && octets[0] === "127" && octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
}
