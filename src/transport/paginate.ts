/**
 * Link-header pagination. Webex list endpoints return one page and, when more remain, a
 * `Link: <absolute URL>; rel="next"` header (developer.webex.com/docs/basics). The next URL
 * is opaque and already carries the original query, so it is requested as given.
 */
import { WebexApiError } from "./errors.js";
import type { RequestOptions, Transport } from "./request.js";

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** The URL this page was read from. */
  url: string;
  status: number;
  headers: Headers;
  trackingId?: string;
}

/** Options of `Paginator.toArray`. */
export interface ToArrayOptions {
  /** Stop after this many items; later pages are not fetched. Default: no limit, every item is collected. */
  limit?: number;
}

/**
 * A lazy list: iterate it with `for await` to get items, or call `pages()` for whole pages
 * with their headers. A page is fetched only when the previous one is used up, so stopping
 * early fetches nothing more. A failed page raises its error; the list is never cut short
 * silently.
 */
export interface Paginator<T> extends AsyncIterable<T> {
  /** Iterates page by page. */
  pages(): AsyncIterable<Page<T>>;
  /**
   * Collects items into an array.
   *
   * @throws WebexError from the page that failed
   */
  toArray(options?: ToArrayOptions): Promise<T[]>;
}

/**
 * The `rel` parameter of one link: a quoted value or a bare token. Character classes that
 * exclude their own delimiters keep the match linear.
 */
const REL_PATTERN = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))/i;

/**
 * Returns the `rel="next"` target of a `Link` header (RFC 8288), or undefined when there is
 * none. Neither pattern nests quantifiers, and the two parts of the link pattern cannot
 * overlap, so the run time is linear in the header length.
 */
export function findNextLink(header: string | null | undefined): string | undefined {
  if (!header) {
    return undefined;
  }

  // Each link is `<target>` followed by its parameters, which run up to the next `<`.
  const linkPattern = /<([^<>]*)>([^<]*)/g;
  for (let match = linkPattern.exec(header); match !== null; match = linkPattern.exec(header)) {
    if (hasNextRelation(match[2] ?? "")) {
      return match[1];
    }
  }
  return undefined;
}

/** Returns true when link parameters such as `; rel="next"` or `;rel=next last` include `next`. */
function hasNextRelation(parameters: string): boolean {
  const match = REL_PATTERN.exec(parameters);
  if (match === null) {
    return false;
  }
  const relations = (match[1] ?? match[2] ?? "").toLowerCase();
  return relations === "next" || relations.split(/\s+/).includes("next");
}

/** Webex sends absolute next links; relative ones are resolved against the page URL. */
function isAbsoluteUrl(url: string): boolean {
  return url.startsWith("https://") || url.startsWith("http://");
}

/**
 * Creates a paginator over the list that `first` requests. `itemsKey` names the array in each
 * page body (`items` for most endpoints, `phoneNumbers`, `queues` … for telephony lists).
 */
export function paginate<T>(transport: Transport, first: RequestOptions, itemsKey: string): Paginator<T> {
  return new LinkPaginator<T>(transport, first, itemsKey);
}

class LinkPaginator<T> implements Paginator<T> {
  readonly #transport: Transport;
  readonly #first: RequestOptions;
  readonly #itemsKey: string;

  constructor(transport: Transport, first: RequestOptions, itemsKey: string) {
    this.#transport = transport;
    this.#first = first;
    this.#itemsKey = itemsKey;
  }

  pages(): AsyncIterable<Page<T>> {
    return { [Symbol.asyncIterator]: () => this.#pageIterator() };
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return new ItemIterator(this.#pageIterator());
  }

  async toArray(options: ToArrayOptions = {}): Promise<T[]> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const items: T[] = [];
    if (limit <= 0) {
      return items;
    }
    for await (const page of this.pages()) {
      for (const item of page.items) {
        items.push(item);
        if (items.length >= limit) {
          return items;
        }
      }
    }
    return items;
  }

  async *#pageIterator(): AsyncGenerator<Page<T>, void, undefined> {
    let request: RequestOptions = this.#first;
    const seen = new Set<string>();
    for (let pageNumber = 1; ; pageNumber += 1) {
      const response = await this.#transport.request<unknown>(request);
      const items = readItems<T>(response.body, this.#itemsKey, request.method, response.url, pageNumber);
      yield { items, url: response.url, status: response.status, headers: response.headers, trackingId: response.trackingId };

      const next = findNextLink(response.headers.get("link"));
      if (next === undefined) {
        return;
      }
      const nextUrl = isAbsoluteUrl(next) ? next : new URL(next, response.url).href;
      seen.add(response.url);
      if (seen.has(nextUrl)) {
        throw new WebexApiError(
          `Page ${pageNumber} of ${request.method} ${response.url} links back to an earlier page (${nextUrl}); stopping instead of reading the same pages forever.`,
          { method: request.method, trackingId: response.trackingId },
        );
      }
      // The transport checks the origin again; checking here names the page in the error.
      this.#transport.assertSameOrigin(nextUrl);
      request = { method: this.#first.method, url: nextUrl, signal: this.#first.signal, timeoutMs: this.#first.timeoutMs };
    }
  }
}

/**
 * Hands out the items of successive pages. A plain iterator rather than an async generator,
 * because it returns items of the current page without an extra generator step per item.
 */
class ItemIterator<T> implements AsyncIterator<T> {
  readonly #pages: AsyncGenerator<Page<T>, void, undefined>;
  #items: T[] = [];
  #index = 0;

  constructor(pages: AsyncGenerator<Page<T>, void, undefined>) {
    this.#pages = pages;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#index < this.#items.length) {
      const value = this.#items[this.#index] as T;
      this.#index += 1;
      return Promise.resolve({ value, done: false });
    }
    return this.#nextPage();
  }

  async return(): Promise<IteratorResult<T>> {
    await this.#pages.return(undefined);
    return { value: undefined, done: true };
  }

  async #nextPage(): Promise<IteratorResult<T>> {
    for (;;) {
      const page = await this.#pages.next();
      if (page.done) {
        return { value: undefined, done: true };
      }
      if (page.value.items.length > 0) {
        this.#items = page.value.items;
        this.#index = 1;
        return { value: this.#items[0] as T, done: false };
      }
    }
  }
}

function readItems<T>(body: unknown, itemsKey: string, method: string, url: string, pageNumber: number): T[] {
  const items = body !== null && typeof body === "object" ? (body as Record<string, unknown>)[itemsKey] : undefined;
  if (!Array.isArray(items)) {
    throw new WebexApiError(
      `Page ${pageNumber} of ${method} ${url} has no "${itemsKey}" array; the endpoint may not be a list or may use another key.`,
      { method, body },
    );
  }
  return items as T[];
}
