/**
 * Per-attempt timeouts without an AbortSignal. Handing undici a signal per request costs
 * more CPU than all other per-request work of the SDK, so the exchange is raced against a
 * timer instead, and a timed-out exchange is cancelled through its body stream.
 */

/** The rejection reason of an expired `Deadline`. */
export const TIMEOUT_REASON = Symbol("wxadmin request timeout");

/**
 * A per-attempt timeout: `race` rejects with `TIMEOUT_REASON` when the time runs out first.
 * Every race attaches a handler to the expiry, so an expiry is never an unhandled rejection.
 */
export class Deadline {
  readonly #expired: Promise<never>;
  #timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number) {
    this.#expired = new Promise<never>((_resolve, reject) => {
      this.#timer = setTimeout(reject, timeoutMs, TIMEOUT_REASON);
    });
  }

  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.#expired]);
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}

/**
 * Reads a body as UTF-8 text under the deadline. It reads the stream itself, rather than
 * calling `response.text()`, so that a timeout can cancel the stream and free the connection.
 */
export async function readBodyText(response: Response, deadline: Deadline): Promise<string> {
  const body = response.body;
  if (body === null || body === undefined) {
    // No stream to read: an empty body, or a test double of fetch that offers only text().
    return deadline.race(response.text());
  }

  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const chunk = await deadline.race(reader.read());
      if (chunk.done) {
        break;
      }
      chunks.push(chunk.value);
      length += chunk.value.byteLength;
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error;
  }

  const bytes = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, length);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  // Like response.text(), drop a UTF-8 byte order mark, which JSON.parse would reject.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Discards a response that arrives after its request timed out, which frees the connection.
 *
 * NOTE: until that late response arrives, or undici's own headers timeout (300 s by default)
 * closes the connection, the timed-out request keeps its connection.
 */
export function discardLateResponse(fetching: Promise<Response>): void {
  fetching.then(
    (late) => late.body?.cancel().catch(() => undefined),
    () => undefined,
  );
}
