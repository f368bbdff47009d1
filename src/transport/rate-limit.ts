/**
 * The shared rate-limit pause of one transport. Webex rate limits are per token, so when one
 * request receives a 429 every request of the same transport (same token) waits for the
 * same `Retry-After` instead of spending its own attempts on further 429s.
 */

/** Waits `ms` milliseconds; rejects with the signal's reason when `signal` aborts first. */
export type SleepFunction = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Waits on a timer: the default `SleepFunction`. */
export function sleepWithSignal(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) {
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A 429 response after which every request of the token waits. */
export interface RateLimitWaitEvent {
  method: string;
  /** The URL of the request that received the 429, query included. */
  url: string;
  /** The wait the response asked for, in seconds. */
  waitSeconds: number;
  /** Epoch milliseconds at which the shared pause ends. */
  resumeAtMs: number;
  /** Webex's tracking id of the 429 response, when it had one. */
  trackingId?: string;
}

/** Receives each `RateLimitWaitEvent` of a transport. */
export type RateLimitWaitListener = (event: RateLimitWaitEvent) => void;

/**
 * A gate that every request passes before each attempt. It is open until `pause` closes it
 * for a while; then callers wait until the pause ends. Passing an open gate costs no promise.
 */
export class RateLimitGate {
  #resumeAtMs = 0;
  #waiting = 0;
  readonly #listeners = new Set<RateLimitWaitListener>();
  readonly #now: () => number;
  readonly #sleep: SleepFunction;

  /**
   * @param now clock in epoch milliseconds
   * @param sleep timer used to wait; tests pass one that records delays
   */
  constructor(now: () => number, sleep: SleepFunction) {
    this.#now = now;
    this.#sleep = sleep;
  }

  /** Epoch milliseconds at which the current pause ends; in the past when the gate is open. */
  get resumeAtMs(): number {
    return this.#resumeAtMs;
  }

  /** Requests currently waiting for the pause to end. */
  get waiting(): number {
    return this.#waiting;
  }

  /**
   * Calls `listener` after each 429 that pauses this gate, for progress displays and counters.
   * Returns a function that removes the listener.
   */
  onRateLimitWait(listener: RateLimitWaitListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Passes `event` to every listener. A listener that throws is skipped, so it cannot fail the request. */
  notifyRateLimitWait(event: RateLimitWaitEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A progress display must not turn a successful retry into a failure.
      }
    }
  }

  /** Closes the gate until `resumeAtMs`. A later pause never shortens an earlier, longer one. */
  pause(resumeAtMs: number): void {
    if (resumeAtMs > this.#resumeAtMs) {
      this.#resumeAtMs = resumeAtMs;
    }
  }

  /**
   * Returns undefined when the gate is open, or a promise that resolves when the pause ends.
   * Rejects with the signal's reason when `signal` aborts during the wait.
   */
  wait(signal?: AbortSignal): Promise<void> | undefined {
    if (this.#resumeAtMs <= this.#now()) {
      return undefined;
    }
    return this.#waitForResume(signal);
  }

  async #waitForResume(signal: AbortSignal | undefined): Promise<void> {
    this.#waiting += 1;
    try {
      let target = this.#resumeAtMs;
      for (;;) {
        const remainingMs = target - this.#now();
        if (remainingMs > 0) {
          await this.#sleep(remainingMs, signal);
        }
        // Wait again only when another 429 extended the pause meanwhile. Comparing targets
        // rather than clocks also ends the loop under a test sleep that does not move time.
        if (this.#resumeAtMs === target) {
          return;
        }
        target = this.#resumeAtMs;
      }
    } finally {
      this.#waiting -= 1;
    }
  }
}
