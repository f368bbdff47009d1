import { badRequest } from "./errors.js";
import type { EmulatorRequest } from "./http.js";

/**
 * Cursor paging with a `Link: <url>; rel="next"` header, as Webex pages people and
 * applications. The cursor is opaque to clients: base64url of the position in the list.
 */

/** Reads `max`: default `defaultMax`, values above `cap` are lowered to it, as Webex does. */
export function readMax(request: EmulatorRequest, defaultMax: number, cap: number): number {
  const raw = request.url.searchParams.get("max");
  if (raw === null || raw === "") {
    return Math.min(defaultMax, cap);
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw badRequest(`Invalid max value "${raw}".`, "max must be a positive integer.");
  }
  return Math.min(value, cap);
}

/** Reads the position stored in `cursor`; 0 without one. */
export function readCursor(request: EmulatorRequest): number {
  const raw = request.url.searchParams.get("cursor");
  if (raw === null) {
    return 0;
  }
  const text = Buffer.from(raw, "base64url").toString("utf8");
  const match = /^position:(\d+)$/.exec(text);
  if (!match) {
    throw badRequest(`Invalid cursor "${raw}".`, "Use the next link of the previous page as given.");
  }
  return Number(match[1]);
}

/** Builds the Link header value to the page starting at `position`, keeping every other query parameter. */
export function buildNextLink(request: EmulatorRequest, position: number): string {
  const next = new URL(request.url.href);
  next.searchParams.delete("cursor");
  next.searchParams.set("cursor", Buffer.from(`position:${position}`, "utf8").toString("base64url"));
  return `<${next.href}>; rel="next"`;
}

/** One page of matches from `items`, scanning from the cursor position. */
export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

/**
 * Collects up to `max` items that pass `accept`, starting at the request's cursor, and adds a
 * next link when more items remain to scan. Each page resumes where the last one stopped, so
 * walking a whole filtered list scans it once.
 */
export function paginate<T>(request: EmulatorRequest, items: readonly T[], max: number, accept: (item: T) => boolean): Page<T> {
  const page: T[] = [];
  let position = readCursor(request);
  while (position < items.length && page.length < max) {
    const item = items[position] as T;
    position += 1;
    if (accept(item)) {
      page.push(item);
    }
  }

  // The next link points at the next match, so no page is empty and the last page has no link.
  const nextMatch = findMatchFrom(items, position, accept);
  return { items: page, headers: nextMatch >= 0 ? { Link: buildNextLink(request, nextMatch) } : {} };
}

function findMatchFrom<T>(items: readonly T[], position: number, accept: (item: T) => boolean): number {
  for (let index = position; index < items.length; index += 1) {
    if (accept(items[index] as T)) {
      return index;
    }
  }
  return -1;
}

/**
 * Offset paging of the Webex Calling lists (`/telephony/config/...`): `start` is the zero-based
 * offset in the list of matching objects, and the next link carries `start` and `max`.
 */

/** Reads `start`: 0 without one. @throws ApiError 400 for a value that is not a whole number of at least 0 */
export function readStart(request: EmulatorRequest): number {
  const raw = request.url.searchParams.get("start");
  if (raw === null || raw === "") {
    return 0;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw badRequest(`Invalid start value "${raw}".`, "start must be a zero-based offset: a whole number of at least 0.");
  }
  return value;
}

/**
 * Returns the matches of `accept` from offset `start` on, at most `max` of them, with a next
 * link when more matches follow. The scan stops at the first match past the page.
 */
export function paginateByOffset<T>(request: EmulatorRequest, items: readonly T[], max: number, accept?: (item: T) => boolean): Page<T> {
  const start = readStart(request);
  const page: T[] = [];
  let matches = 0;
  let hasMore = false;
  for (const item of accept ? items : items.slice(start, start + max + 1)) {
    if (accept && !accept(item)) {
      continue;
    }
    if (accept && matches < start) {
      matches += 1;
      continue;
    }
    if (page.length === max) {
      hasMore = true;
      break;
    }
    page.push(item);
  }
  return { items: page, headers: hasMore ? { Link: buildOffsetLink(request, start + max, max) } : {} };
}

/** Builds the Link header value to the page at offset `start`, keeping every other query parameter. */
export function buildOffsetLink(request: EmulatorRequest, start: number, max: number): string {
  const next = new URL(request.url.href);
  next.searchParams.set("start", String(start));
  next.searchParams.set("max", String(max));
  return `<${next.href}>; rel="next"`;
}
