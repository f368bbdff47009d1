/**
 * Messages and settings shared by the benchmark parent and its emulator child process.
 */

/** Settings the parent passes to the child. */
export interface EmulatorProcessOptions {
  /** People seeded in the customer org. */
  people: number;
  /** Seed of the generated data, so every run lists the same people. */
  randomSeed: number;
  /** Per-token rate limit of the emulator, in requests per second. Default: none. */
  requestsPerSecond?: number;
}

/** Messages from the child to the parent. */
export type EmulatorProcessMessage =
  | { type: "ready"; url: string; tokens: { developer: string; customerAdmin: string } }
  | { type: "failed"; message: string };

/** Messages from the parent to the child. */
export type EmulatorControlMessage = { type: "stop" };

/** Name of the environment variable that carries `EmulatorProcessOptions` to the child. */
export const OPTIONS_ENV = "BENCH_EMULATOR_OPTIONS";
