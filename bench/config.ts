/**
 * Benchmark settings, read from environment variables so a run can be made shorter for a
 * smoke check or longer for a quieter measurement. BENCHMARKS.md lists every variable.
 */

/** A setting with an unusable value; the benchmark prints its message without a stack trace. */
export class BenchConfigError extends Error {
  override name = "BenchConfigError";
}

/** The benchmarks `BENCH_ONLY` can pick. */
export type BenchmarkName = "get" | "list" | "token" | "backup";

const BENCHMARK_NAMES: readonly BenchmarkName[] = ["get", "list", "token", "backup"];

/** Settings of one `npm run bench` run. */
export interface BenchConfig {
  /** Measured repetitions of the GET benchmark. A repetition is one ABBA block of four samples. */
  getReps: number;
  /** Measured repetitions (ABBA blocks) of the listing benchmark. */
  listReps: number;
  /** Unmeasured repetitions of the GET benchmark run first, for JIT warm-up and connection set-up. */
  getWarmupReps: number;
  /** Unmeasured repetitions of the listing benchmark run first. */
  listWarmupReps: number;
  /** Measured repetitions (ABBA blocks) of the token-provider benchmark. */
  tokenReps: number;
  /** Unmeasured repetitions of the token-provider benchmark run first. */
  tokenWarmupReps: number;
  /** Sequential GET requests in one timed batch of the GET and token-provider benchmarks. */
  getRequests: number;
  /** People seeded in the customer org, all of which the listing benchmark reads. */
  people: number;
  /** The `max` query parameter of the people listing: items per page. */
  pageSize: number;
  /** Benchmarks to run: `get`, `list`, `token`, `backup`, or all four. */
  only: BenchmarkName[];
  /** People seeded in the org that the backup benchmark backs up without a rate limit. */
  backupPeople: number;
  /** Measured ABBA blocks of the backup benchmark; each sample is one child process. */
  backupReps: number;
  /** Kinds the backup and its raw baseline read at the same time. */
  backupConcurrency: number;
  /** Requests per second the emulator allows each token in the rate-limited backup. */
  backupRatePerSecond: number;
  /** People seeded in the org of the rate-limited backup. */
  backupRatePeople: number;
  /** File that receives the results as JSON, or undefined for none. */
  jsonOutPath: string | undefined;
}

/**
 * Defaults of (a) to (c) are sized so that build plus run stay under about three minutes on a
 * 2-core machine. The 2-core machine recorded in BENCHMARKS.md took 1.5 to 2 minutes, build
 * included. The backup benchmark (d) adds about 80 s on that machine when no other work runs.
 */
const DEFAULTS = {
  getReps: 150,
  listReps: 30,
  getWarmupReps: 10,
  listWarmupReps: 2,
  tokenReps: 150,
  tokenWarmupReps: 10,
  getRequests: 20,
  people: 10_000,
  pageSize: 100,
  backupPeople: 100_000,
  backupReps: 2,
  backupConcurrency: 4,
  backupRatePerSecond: 20,
  backupRatePeople: 20_000,
};

/**
 * Reads the settings from `env`.
 *
 * @throws BenchConfigError naming the variable when a value is not a whole number in range or not a known name.
 */
export function readBenchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  // BENCH_REPS and BENCH_WARMUP, when set, replace the defaults of both benchmarks' counts.
  const reps = readCount(env, "BENCH_REPS", 1, "each benchmark's default");
  const warmupReps = readCount(env, "BENCH_WARMUP", 0, "each benchmark's default");
  return {
    getReps: readCountOrDefault(env, "BENCH_GET_REPS", 1, reps ?? DEFAULTS.getReps),
    listReps: readCountOrDefault(env, "BENCH_LIST_REPS", 1, reps ?? DEFAULTS.listReps),
    getWarmupReps: readCountOrDefault(env, "BENCH_GET_WARMUP", 0, warmupReps ?? DEFAULTS.getWarmupReps),
    listWarmupReps: readCountOrDefault(env, "BENCH_LIST_WARMUP", 0, warmupReps ?? DEFAULTS.listWarmupReps),
    tokenReps: readCountOrDefault(env, "BENCH_TOKEN_REPS", 1, reps ?? DEFAULTS.tokenReps),
    tokenWarmupReps: readCountOrDefault(env, "BENCH_TOKEN_WARMUP", 0, warmupReps ?? DEFAULTS.tokenWarmupReps),
    getRequests: readCountOrDefault(env, "BENCH_GET_REQUESTS", 1, DEFAULTS.getRequests),
    people: readCountOrDefault(env, "BENCH_PEOPLE", 1, DEFAULTS.people),
    pageSize: readCountOrDefault(env, "BENCH_PAGE_SIZE", 1, DEFAULTS.pageSize),
    only: readOnly(env),
    backupPeople: readCountOrDefault(env, "BENCH_BACKUP_PEOPLE", 1, DEFAULTS.backupPeople),
    backupReps: readCountOrDefault(env, "BENCH_BACKUP_REPS", 1, DEFAULTS.backupReps),
    backupConcurrency: readCountOrDefault(env, "BENCH_BACKUP_CONCURRENCY", 1, DEFAULTS.backupConcurrency),
    backupRatePerSecond: readCountOrDefault(env, "BENCH_BACKUP_RATE", 1, DEFAULTS.backupRatePerSecond),
    backupRatePeople: readCountOrDefault(env, "BENCH_BACKUP_RATE_PEOPLE", 1, DEFAULTS.backupRatePeople),
    jsonOutPath: env.BENCH_JSON_OUT || undefined,
  };
}

function readCountOrDefault(env: NodeJS.ProcessEnv, name: string, minimum: number, fallback: number): number {
  return readCount(env, name, minimum, `the default ${fallback}`) ?? fallback;
}

/**
 * Reads a whole number of at least `minimum` from `env[name]`, or undefined when the variable
 * is unset or blank. `defaultText` names what an unset variable means, for error messages.
 */
function readCount(env: NodeJS.ProcessEnv, name: string, minimum: number, defaultText: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") {
    return undefined;
  }
  if (!/^\d+$/.test(raw)) {
    throw new BenchConfigError(`${name} must be a whole number, got "${raw}"; unset it to use ${defaultText}.`);
  }
  const value = Number.parseInt(raw, 10);
  if (value < minimum) {
    throw new BenchConfigError(`${name} must be at least ${minimum}, got ${value}; unset it to use ${defaultText}.`);
  }
  return value;
}

function readOnly(env: NodeJS.ProcessEnv): BenchmarkName[] {
  const raw = env.BENCH_ONLY?.trim();
  if (!raw) {
    return [...BENCHMARK_NAMES];
  }
  if ((BENCHMARK_NAMES as readonly string[]).includes(raw)) {
    return [raw as BenchmarkName];
  }
  throw new BenchConfigError(`BENCH_ONLY must be "get", "list", "token" or "backup", got "${raw}"; unset it to run every benchmark.`);
}
