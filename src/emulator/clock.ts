import type { EmulatorClock } from "./types.js";

/**
 * Creates the emulator clock: real time plus an offset that tests move, so token expiry can be
 * tested without waiting. Rate limiting does not use it, because it measures real request rates.
 */
export function createClock(): EmulatorClock {
  let offsetMs = 0;

  return {
    now: () => Date.now() + offsetMs,
    advance: (seconds: number) => {
      if (!Number.isFinite(seconds)) {
        throw new RangeError(`clock.advance needs a finite number of seconds, got ${seconds}.`);
      }
      offsetMs += seconds * 1000;
    },
    set: (epochMs: number) => {
      if (!Number.isFinite(epochMs)) {
        throw new RangeError(`clock.set needs epoch milliseconds, got ${epochMs}.`);
      }
      offsetMs = epochMs - Date.now();
    },
    reset: () => {
      offsetMs = 0;
    },
  };
}
