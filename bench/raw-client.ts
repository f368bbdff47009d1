/**
 * The baseline of the benchmark: plain `fetch` plus `response.json()`, with the same URL and
 * headers the SDK sends, and nothing else (no retries, no timeout, no error mapping).
 */
import { randomUUID } from "node:crypto";

/** A request as the SDK sent it, recorded by `bench/sdk-probe.ts`. */
export interface RequestTemplate {
  url: string;
  /** Header names in lower case, as `Headers` iterates them. */
  headers: Record<string, string>;
}

const TRACKING_HEADER = "trackingid";

/**
 * Sends `count` sequential GETs of `template` and parses each JSON body.
 *
 * @throws Error on the first response that is not 2xx.
 */
export async function rawGetSequential(template: RequestTemplate, count: number): Promise<number> {
  let parsed = 0;
  for (let index = 0; index < count; index += 1) {
    const response = await fetch(template.url, { headers: buildHeaders(template) });
    await assertOk(response);
    const body: unknown = await response.json();
    if (body !== null) {
      parsed += 1;
    }
  }
  return parsed;
}

/**
 * Reads every page of a list, starting at `template.url` and following `Link: rel="next"`,
 * and counts the items under `arrayKey`.
 *
 * @throws Error on a response that is not 2xx, a page without the array, or a next link to
 *   another origin (the benchmark talks only to the loopback emulator).
 */
export async function rawListAll(template: RequestTemplate, arrayKey: string): Promise<number> {
  const origin = new URL(template.url).origin;
  let url: string | undefined = template.url;
  let count = 0;
  while (url !== undefined) {
    const response = await fetch(url, { headers: buildHeaders(template) });
    await assertOk(response);
    const body = (await response.json()) as Record<string, unknown>;
    const items = body[arrayKey];
    if (!Array.isArray(items)) {
      throw new Error(`GET ${url} returned no "${arrayKey}" array.`);
    }
    for (const item of items) {
      if (item !== undefined) {
        count += 1;
      }
    }
    url = findNextLink(response.headers.get("link"));
    if (url !== undefined && new URL(url).origin !== origin) {
      throw new Error(`The next link ${url} leaves ${origin}; the benchmark follows links on that origin only.`);
    }
  }
  return count;
}

/** Returns the `rel="next"` target of a `Link` header, or undefined when there is none. */
export function findNextLink(header: string | null): string | undefined {
  if (!header) {
    return undefined;
  }
  for (const part of header.split(/,\s*(?=<)/)) {
    const match = /^<([^>]*)>(.*)$/.exec(part.trim());
    if (match && /;\s*rel="?next"?(\s|;|$)/i.test(match[2] ?? "")) {
      return match[1];
    }
  }
  return undefined;
}

/** Copies the recorded headers and gives the request a fresh tracking id, as the SDK does. */
function buildHeaders(template: RequestTemplate): Record<string, string> {
  const headers = { ...template.headers };
  if (TRACKING_HEADER in headers) {
    headers[TRACKING_HEADER] = `BENCHRAW_${randomUUID()}`;
  }
  return headers;
}

async function assertOk(response: Response): Promise<void> {
  if (response.ok) {
    return;
  }
  const text = await response.text();
  throw new Error(`GET ${response.url} failed: ${response.status} ${response.statusText}: ${text.slice(0, 300)}`);
}
