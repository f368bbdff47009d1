/**
 * Access-log helpers. Logged paths keep their query strings, with secret values masked.
 * Headers and bodies are not logged, so tokens and client secrets cannot reach a log line.
 */

const SECRET_QUERY_KEYS = /^(code|assertion|authorization)$|token|secret|password/i;

/** Returns pathname plus query with the values of secret-bearing parameters replaced by `***`. */
export function maskTarget(url: URL): string {
  if (url.search === "") {
    return url.pathname;
  }
  const masked = new URLSearchParams();
  for (const [key, value] of url.searchParams) {
    masked.append(key, SECRET_QUERY_KEYS.test(key) ? "***" : value);
  }
  return `${url.pathname}?${masked.toString()}`;
}

/** Formats one access-log line: method, path, status, duration and tracking id. */
export function formatAccessLine(entry: { method: string; path: string; status: number; durationMs: number; trackingId: string }): string {
  const status = entry.status === 0 ? "reset" : String(entry.status);
  return `${entry.method} ${entry.path} ${status} ${entry.durationMs.toFixed(1)}ms trackingId=${entry.trackingId}`;
}
