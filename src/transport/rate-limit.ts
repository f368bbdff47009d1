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

  /**
   * Closes the gate until `resumeAtMs`. A later pause never shortens an earlier, longer one.
   * Returns the milliseconds by which the pause grew: 0 when the gate was already closed past `resumeAtMs`.
   */
  pause(resumeAtMs: number): number {
    const previousEndMs = Math.max(this.#resumeAtMs, this.#now());
    if (resumeAtMs > this.#resumeAtMs) {
      this.#resumeAtMs = resumeAtMs;
    }
    return Math.max(0, resumeAtMs - previousEndMs);
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

/** Interval of the 429 summary lines of `RateLimitLogThrottle`, in milliseconds. */
export const RATE_LIMIT_SUMMARY_INTERVAL_MS = 30_000;

/** 429 waits that were counted instead of logged one by one. */
export interface RateLimitSummary {
  /** 429 responses counted since the last line. */
  count: number;
  /** Time the shared pause grew by through those responses, in milliseconds. */
  pausedMs: number;
  /** Time since the last line, in milliseconds. */
  elapsedMs: number;
}

/** The log output for one 429 wait: a full line, a summary of it and the ones before, or nothing yet. */
export type RateLimitLogDecision = { action: "log" } | { action: "summarize"; summary: RateLimitSummary } | { action: "count" };

/**
 * Decides which 429 waits are logged. A backup under a rate limit gets hundreds of 429s. So the
 * first one of a burst gets its own line, and the later ones are counted and summed up in one
 * line at most every `intervalMs` of the clock. A 429 after a whole interval without a line
 * and without counted waits starts a new burst.
 */
export class RateLimitLogThrottle {
  readonly #now: () => number;
  readonly #intervalMs: number;
  /** Clock time of the last line logged, full or summary; undefined before the first 429. */
  #lastLineAtMs: number | undefined;
  #count = 0;
  #pausedMs = 0;

  /**
   * @param now clock in epoch milliseconds, the transport's own
   * @param intervalMs least time between two lines
   */
  constructor(now: () => number, intervalMs = RATE_LIMIT_SUMMARY_INTERVAL_MS) {
    this.#now = now;
    this.#intervalMs = intervalMs;
  }

  /**
   * Records a 429 wait that made the shared pause `pausedMs` longer (0 when an earlier 429
   * already paused past its end) and returns what to log for it.
   */
  record(pausedMs: number): RateLimitLogDecision {
    const nowMs = this.#now();
    const lastLineAtMs = this.#lastLineAtMs;
    if (lastLineAtMs === undefined || (this.#count === 0 && nowMs - lastLineAtMs >= this.#intervalMs)) {
      this.#lastLineAtMs = nowMs;
      return { action: "log" };
    }

    this.#count += 1;
    this.#pausedMs += pausedMs;
    const summary = this.takeDueSummary();
    return summary === undefined ? { action: "count" } : { action: "summarize", summary };
  }

  /**
   * Returns the summary of the counted waits once `intervalMs` has passed since the last line,
   * and starts counting again; undefined while nothing is due. Callers ask before each request
   * attempt, so the waits of a burst are reported even when no further 429 comes. The waits
   * counted after the last line of a program are left to `takePendingSummary`.
   */
  takeDueSummary(): RateLimitSummary | undefined {
    if (this.#lastLineAtMs === undefined || this.#now() - this.#lastLineAtMs < this.#intervalMs) {
      return undefined;
    }
    return this.takePendingSummary();
  }

  /**
   * Returns the summary of the waits counted since the last line, however recent that line
   * is, and starts counting again; undefined when none were counted. A program calls it when
   * it ends, so that no counted 429 goes unreported.
   */
  takePendingSummary(): RateLimitSummary | undefined {
    if (this.#count === 0 || this.#lastLineAtMs === undefined) {
      return undefined;
    }
    const nowMs = this.#now();
    const elapsedMs = nowMs - this.#lastLineAtMs;
    const summary = { count: this.#count, pausedMs: this.#pausedMs, elapsedMs };
    this.#lastLineAtMs = nowMs;
    this.#count = 0;
    this.#pausedMs = 0;
    return summary;
  }
}
