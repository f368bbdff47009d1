/**
 * Benchmark (d): the backup job against the emulator in its own process.
 *
 * 1. Without a rate limit: a backup of an org of `BENCH_BACKUP_PEOPLE` people (default
 *    100,000) into a new SQLite file, against a raw baseline that sends the same page and
 *    detail requests with plain `fetch` and stores nothing. Each sample runs in a fresh child
 *    process (bench/backup-child.ts), in ABBA blocks, so each backup sample's peak RSS is its
 *    own. Targets: wall ratio ≤ 1.2 and peak RSS of the backup process < 300 MB.
 * 2. With the emulator allowing each token `BENCH_BACKUP_RATE` requests per second: one backup
 *    of a smaller org. Target: successful requests per second ≥ 90% of the limit, with every
 *    request eventually served (the snapshot complete, no failed response).
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TASK_ENV, type BackupChildResult, type BackupChildTask } from "./backup-protocol.js";
import type { BenchConfig } from "./config.js";
import { startEmulatorProcess, type EmulatorHandle } from "./emulator-handle.js";
import type { BenchmarkCheck, BenchmarkResult } from "./report.js";
import { summarize, type Block } from "./stats.js";

/** Highest acceptable median wall ratio backup / raw. */
const WALL_TARGET = 1.2;
/** Highest acceptable peak RSS of a backup process, in bytes. */
const RSS_TARGET_BYTES = 300 * 1024 * 1024;
/** Lowest acceptable share of the rate limit that the rate-limited backup achieves. */
const RATE_TARGET = 0.9;
const RANDOM_SEED = 1;

/** Runs both parts of benchmark (d) and returns one result: the ratio table of part 1 with the checks of both parts. */
export async function benchmarkBackup(config: BenchConfig): Promise<BenchmarkResult> {
  const folder = mkdtempSync(path.join(tmpdir(), "wxadmin-bench-backup-"));
  try {
    const unlimited = await withEmulator({ people: config.backupPeople, randomSeed: RANDOM_SEED }, (emulator) =>
      benchmarkUnlimited(config, emulator, folder),
    );
    const limited = await withEmulator(
      { people: config.backupRatePeople, randomSeed: RANDOM_SEED, requestsPerSecond: config.backupRatePerSecond },
      (emulator) => benchmarkRateLimited(config, emulator, folder),
    );
    return { ...unlimited, notes: [...(unlimited.notes ?? []), ...limited.notes], checks: [...(unlimited.checks ?? []), ...limited.checks] };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function withEmulator<T>(
  options: { people: number; randomSeed: number; requestsPerSecond?: number },
  work: (emulator: EmulatorHandle) => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const emulator = await startEmulatorProcess(options);
  const limit = options.requestsPerSecond === undefined ? "no rate limit" : `${options.requestsPerSecond} requests/s per token`;
  console.log(`(d) emulator ${emulator.url} (pid ${emulator.pid}): ${options.people} people, ${limit}, ready in ${seconds(started)} s`);
  try {
    return await work(emulator);
  } finally {
    await emulator.stop();
  }
}

// ---- part 1: no rate limit ----

async function benchmarkUnlimited(config: BenchConfig, emulator: EmulatorHandle, folder: string): Promise<BenchmarkResult> {
  const label = "(d) backup";
  const started = performance.now();
  let runNumber = 0;
  const run = async (mode: "backup" | "raw"): Promise<BackupChildResult> => {
    runNumber += 1;
    const dbPath = path.join(folder, `unlimited-${runNumber}.db`);
    const result = await runChild({ mode, url: emulator.url, token: emulator.tokens.customerAdmin, concurrency: config.backupConcurrency, dbPath });
    if (mode === "backup") {
      dbSizes.push(fileSize(dbPath));
      removeDatabase(dbPath);
    }
    console.log(`${label} ${mode}: ${(result.wallMs / 1000).toFixed(1)} s wall, ${result.okResponses} requests, peak RSS ${megabytes(result.maxRssBytes)} MB`);
    return result;
  };
  const dbSizes: number[] = [];

  // One unmeasured raw run warms up the emulator's code paths and fixes the expected counts.
  const warmup = await run("raw");
  const blocks: Block[] = [];
  const backupRuns: BackupChildResult[] = [];
  for (let index = 0; index < config.backupReps; index += 1) {
    const first = await run("backup");
    const rawFirst = await run("raw");
    const rawSecond = await run("raw");
    const second = await run("backup");
    for (const result of [first, rawFirst, rawSecond, second]) {
      checkRun(result, warmup);
    }
    backupRuns.push(first, second);
    blocks.push({ sdk: [sampleOf(first), sampleOf(second)], raw: [sampleOf(rawFirst), sampleOf(rawSecond)] });
  }
  console.log(`${label} done in ${seconds(started)} s`);

  const objects = Object.values(warmup.counts).reduce((sum, count) => sum + count, 0);
  const peakRss = Math.max(...backupRuns.map((result) => result.maxRssBytes));
  const rssCheck: BenchmarkCheck = {
    name: "backup peak RSS",
    passed: peakRss < RSS_TARGET_BYTES,
    detail: `${megabytes(peakRss)} MB, highest of ${backupRuns.length} backup processes (target < ${megabytes(RSS_TARGET_BYTES)} MB)`,
  };
  return {
    label,
    workload: `backup of ${config.backupPeople} people and the org's calling data, ${objects} objects in ${warmup.okResponses} requests, ${config.backupConcurrency} kinds at a time, into SQLite; each sample a new process`,
    unitsPerSample: objects,
    unitName: "object",
    target: WALL_TARGET,
    targetMetrics: ["wall"],
    blocks: blocks.length,
    wall: summarize(blocks, "wallMs"),
    cpu: summarize(blocks, "cpuMs"),
    samples: blocks,
    variantNames: { sdk: "backup", raw: "raw" },
    notes: [
      `objects: ${describeCounts(warmup.counts)}`,
      `raw process peak RSS: ${megabytes(warmup.maxRssBytes)} MB; SQLite file: ${megabytes(Math.max(...dbSizes))} MB`,
      "CPU has no target: the backup also serializes and stores every object, which the raw baseline does not.",
    ],
    checks: [rssCheck],
  };
}

/** Fails the run when a sample did not read what the warm-up read, so a short run cannot look fast. */
function checkRun(result: BackupChildResult, reference: BackupChildResult): void {
  if (!result.complete || result.failedRequests > 0 || result.rateLimited > 0) {
    throw new Error(
      `The ${result.mode} run did not finish cleanly: complete ${result.complete}, ${result.failedRequests} failed and ${result.rateLimited} rate-limited requests${result.error ? `; ${result.error}` : ""}.`,
    );
  }
  if (result.okResponses !== reference.okResponses || describeCounts(result.counts) !== describeCounts(reference.counts)) {
    throw new Error(
      `The ${result.mode} run read ${result.okResponses} responses (${describeCounts(result.counts)}) where the raw warm-up read ${reference.okResponses} (${describeCounts(reference.counts)}).`,
    );
  }
}

// ---- part 2: rate limit ----

/** Runs the rate-limited part and returns its notes and checks for the result of benchmark (d). */
async function benchmarkRateLimited(config: BenchConfig, emulator: EmulatorHandle, folder: string): Promise<{ notes: string[]; checks: BenchmarkCheck[] }> {
  const label = "(d) backup, rate-limited";
  const limit = config.backupRatePerSecond;
  const dbPath = path.join(folder, "rate-limited.db");
  const result = await runChild({ mode: "backup", url: emulator.url, token: emulator.tokens.customerAdmin, concurrency: config.backupConcurrency, dbPath });
  removeDatabase(dbPath);

  const overallRate = result.okResponses / (result.requestSpanMs / 1000);
  // The emulator's token bucket starts full, so the first second gets a free burst of `limit`
  // requests. From the first 429 on, the bucket is empty and the rate is the sustained one.
  const steadyMs = result.firstRateLimitedAtMs === undefined ? undefined : result.requestSpanMs - result.firstRateLimitedAtMs;
  const steadyRate = steadyMs === undefined || steadyMs <= 0 ? undefined : result.okAfterFirstRateLimit / (steadyMs / 1000);
  const measuredRate = steadyRate ?? overallRate;
  console.log(
    `${label}: ${result.okResponses} requests in ${(result.requestSpanMs / 1000).toFixed(1)} s, ${result.rateLimited} answered 429, complete ${result.complete}`,
  );

  const served: BenchmarkCheck = {
    name: "every request served",
    passed: result.complete && result.failedRequests === 0,
    detail: `snapshot ${result.complete ? "complete" : `incomplete (${result.error ?? "no error recorded"})`}, ${result.failedRequests} failed requests, ${result.rateLimited} 429 responses retried`,
  };
  const rate: BenchmarkCheck = {
    name: "requests per second",
    passed: measuredRate >= RATE_TARGET * limit,
    detail:
      `${measuredRate.toFixed(2)}/s = ${((measuredRate / limit) * 100).toFixed(1)}% of the limit ${limit}/s ` +
      `(${steadyRate === undefined ? "over the whole run, no 429 seen" : `from the first 429 on; ${overallRate.toFixed(2)}/s over the whole run`}; target ≥ ${RATE_TARGET * 100}%)`,
  };
  return {
    notes: [
      `rate-limited run: ${config.backupRatePeople} people, the emulator allowing ${limit} requests/s per token; ${result.okResponses} requests in ${(result.requestSpanMs / 1000).toFixed(1)} s; objects: ${describeCounts(result.counts)}; peak RSS ${megabytes(result.maxRssBytes)} MB`,
    ],
    checks: [rate, served],
  };
}

// ---- child processes ----

/** Time one child may take. A backup of 100,000 people took about one minute on a loaded 2-core VM. */
const CHILD_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs one sample in a new process and returns its report.
 *
 * @throws Error when the child exits without a report, with its exit code and stderr
 */
function runChild(task: BackupChildTask): Promise<BackupChildResult> {
  const entry = fileURLToPath(new URL("./backup-child.js", import.meta.url));
  const child = fork(entry, [], {
    env: { ...process.env, [TASK_ENV]: JSON.stringify(task) },
    execArgv: [],
    stdio: ["ignore", "inherit", "pipe", "ipc"],
  });
  const stderr: string[] = [];
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => stderr.push(chunk));

  return new Promise((resolve, reject) => {
    let result: BackupChildResult | undefined;
    const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
    child.on("message", (message: BackupChildResult) => {
      result = message;
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (result !== undefined) {
        resolve(result);
        return;
      }
      reject(new Error(`The ${task.mode} benchmark process exited without a result (exit code ${code ?? "none"}, signal ${signal ?? "none"}).\n${stderr.join("").trim()}`));
    });
  });
}

// ---- helpers ----

function sampleOf(result: BackupChildResult): { wallMs: number; cpuMs: number } {
  return { wallMs: result.wallMs, cpuMs: result.cpuMs };
}

function removeDatabase(dbPath: string): void {
  for (const suffix of ["", "-wal", "-shm"]) {
    rmSync(`${dbPath}${suffix}`, { force: true });
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Lists the non-zero counts by kind name, so counts from the backup and the raw baseline compare as text. */
function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([kind, count]) => `${kind} ${count}`)
    .join(", ");
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

function seconds(startedMs: number): string {
  return ((performance.now() - startedMs) / 1000).toFixed(1);
}
