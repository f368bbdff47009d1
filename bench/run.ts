/**
 * `npm run bench`: the SDK against a raw `fetch` baseline, both talking to the emulator in its
 * own process over loopback HTTP.
 *
 * (a) GET overhead: batches of sequential `GET /v1/people/me`, through
 *     `webex.org.people.me()` and through plain fetch with the same URL and headers.
 * (b) Listing: every person of the seeded customer org, through the SDK's async iterator and
 *     through plain fetch following the same `Link: rel="next"` headers with the same page size.
 * (c) Token provider: the GET of (a) with one service-app token, through the self-refreshing
 *     provider of `Webex.fromServiceApp` and through a static token (see token-provider.ts).
 * (d) Backup: `backupOrgs` of a 100,000-people org into SQLite against raw fetch of the same
 *     pages, its peak RSS, and its request rate under an emulator rate limit (see backup.ts).
 *     It starts emulators of its own.
 *
 * Samples are interleaved in ABBA blocks (SDK, raw, raw, SDK). The report gives the median
 * wall time and client CPU time of each variant, and the median of the per-block ratios
 * SDK / raw. A missed target is
 * printed as a MISS and the exit code stays 0; only a failed run exits 1. Settings come from
 * environment variables described in BENCHMARKS.md.
 */
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Webex } from "../src/index.js";
import { BenchConfigError, readBenchConfig, type BenchConfig } from "./config.js";
import { startEmulatorProcess, type EmulatorHandle } from "./emulator-handle.js";
import { runInterleaved } from "./interleaved-runner.js";
import { benchmarkBackup } from "./backup.js";
import { rawGetSequential, rawListAll } from "./raw-client.js";
import { describeMachine, formatMisses, formatResult, readLoadAverage, type BenchmarkResult } from "./report.js";
import { probeSdkRequests, type ProbedRequests } from "./sdk-probe.js";
import { summarize } from "./stats.js";
import { benchmarkTokenProvider } from "./token-provider.js";

/** Highest acceptable median ratio SDK / raw of the GET benchmark. */
const GET_TARGET = 1.1;
/** Highest acceptable median ratio SDK / raw of the listing benchmark. */
const LIST_TARGET = 1.05;
/** Fixed seed of the emulator's generated people, so runs list the same data. */
const RANDOM_SEED = 1;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

async function main(): Promise<number> {
  const startedAt = performance.now();
  const config = readBenchConfig(process.env);
  const machine = describeMachine(new Date());
  console.log("wxadmin benchmark: SDK vs raw fetch against the emulator in its own process");
  console.log(`machine: node ${machine.node}, ${machine.cpuModel}, ${machine.cores} cores, ${machine.platform}, ${machine.date}`);
  console.log(`load average at start: ${machine.loadAverage.join(", ")}`);

  const results: BenchmarkResult[] = [];
  if (config.only.some((name) => name !== "backup")) {
    const emulator = await startEmulatorProcess({ people: config.people, randomSeed: RANDOM_SEED });
    try {
      assertLoopback(emulator.url);
      console.log(
        `emulator: ${emulator.url} (pid ${emulator.pid}), ${config.people} people; ` +
          `ABBA blocks: get ${config.getReps} (+${config.getWarmupReps} warm-up), list ${config.listReps} (+${config.listWarmupReps} warm-up), ` +
          `token ${config.tokenReps} (+${config.tokenWarmupReps} warm-up)`,
      );
      results.push(...(await runBenchmarks(config, emulator)));
    } finally {
      await emulator.stop();
    }
  }
  if (config.only.includes("backup")) {
    console.log(
      `(d) backup: ${config.backupPeople} people, ${config.backupReps} ABBA blocks of child processes (+1 warm-up raw run), ` +
        `then ${config.backupRatePeople} people at ${config.backupRatePerSecond} requests/s`,
    );
    results.push(await benchmarkBackup(config));
  }

  const loadAverageAtEnd = readLoadAverage();
  printResults(results);
  console.log(`load average at end: ${loadAverageAtEnd.join(", ")}`);
  if (config.jsonOutPath) {
    const record = { machine, loadAverageAtEnd, config, results };
    writeFileSync(config.jsonOutPath, `${JSON.stringify(record, null, 2)}\n`);
    console.log(`results written to ${config.jsonOutPath}`);
  }
  console.log(`total ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  return 0;
}

async function runBenchmarks(config: BenchConfig, emulator: EmulatorHandle): Promise<BenchmarkResult[]> {
  const results: BenchmarkResult[] = [];
  if (config.only.includes("get") || config.only.includes("list")) {
    const accessToken = emulator.tokens.customerAdmin;
    const probed = await probeSdkRequests(emulator.url, accessToken, config.pageSize);
    const webex = await Webex.connect({ accessToken, baseUrl: emulator.url });
    if (config.only.includes("get")) {
      results.push(await benchmarkGet(config, webex, probed));
    }
    if (config.only.includes("list")) {
      results.push(await benchmarkList(config, webex, probed));
    }
  }
  if (config.only.includes("token")) {
    results.push(await benchmarkTokenProvider(config, emulator));
  }
  return results;
}

async function benchmarkGet(
  config: BenchConfig,
  webex: Webex,
  probed: ProbedRequests,
): Promise<BenchmarkResult> {
  const count = config.getRequests;
  const label = "(a) GET";
  const started = performance.now();
  const blocks = await runInterleaved({
    sdk: async () => {
      let done = 0;
      for (let index = 0; index < count; index += 1) {
        const person = await webex.org.people.me();
        if (person) {
          done += 1;
        }
      }
      return done;
    },
    raw: () => rawGetSequential(probed.get, count),
    expectedCount: count,
    measuredBlocks: config.getReps,
    warmupBlocks: config.getWarmupReps,
  });
  logDuration(label, started);
  return {
    label,
    workload: `${count} sequential ${describeRequest(probed.get.url)} per sample`,
    unitsPerSample: count,
    unitName: "request",
    target: GET_TARGET,
    blocks: blocks.length,
    wall: summarize(blocks, "wallMs"),
    cpu: summarize(blocks, "cpuMs"),
    samples: blocks,
  };
}

async function benchmarkList(
  config: BenchConfig,
  webex: Webex,
  probed: ProbedRequests,
): Promise<BenchmarkResult> {
  const label = "(b) list";
  const started = performance.now();

  // The exact count depends on how the emulator seeds the org (its admin is one of the
  // people), so one raw listing reads it before the measured runs.
  const expectedCount = await rawListAll(probed.listFirstPage, "items");
  if (expectedCount < config.people) {
    throw new Error(`The emulator listed ${expectedCount} people where at least ${config.people} were seeded.`);
  }

  const blocks = await runInterleaved({
    sdk: async () => {
      let count = 0;
      for await (const person of webex.org.people.list({ max: config.pageSize })) {
        if (person) {
          count += 1;
        }
      }
      return count;
    },
    raw: () => rawListAll(probed.listFirstPage, "items"),
    expectedCount,
    measuredBlocks: config.listReps,
    warmupBlocks: config.listWarmupReps,
  });
  logDuration(label, started);
  const pages = Math.ceil(expectedCount / config.pageSize);
  return {
    label,
    workload: `${expectedCount} people in ${pages} ${pages === 1 ? "page" : "pages"} of max=${config.pageSize}, starting at ${describeRequest(probed.listFirstPage.url)}`,
    unitsPerSample: expectedCount,
    unitName: "person",
    target: LIST_TARGET,
    blocks: blocks.length,
    wall: summarize(blocks, "wallMs"),
    cpu: summarize(blocks, "cpuMs"),
    samples: blocks,
  };
}

function printResults(results: BenchmarkResult[]): void {
  console.log("");
  for (const result of results) {
    for (const line of formatResult(result)) {
      console.log(line);
    }
    console.log("");
  }
  const misses = formatMisses(results);
  if (misses.length === 0) {
    console.log("PASS: every median ratio meets its target");
    return;
  }
  for (const line of misses) {
    console.log(line);
  }
  console.log(`!!! ${misses.length} target(s) missed; see BENCHMARKS.md for how to profile`);
}

/** Formats a GET request without its origin, whose port changes from run to run. */
function describeRequest(url: string): string {
  const parsed = new URL(url);
  return `GET ${parsed.pathname}${parsed.search}`;
}

function logDuration(label: string, started: number): void {
  console.log(`${label} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** A bad setting is the user's to fix and needs no stack trace; anything else may be a bug. */
function describeFailure(error: unknown): string {
  if (error instanceof BenchConfigError) {
    return error.message;
  }
  if (error instanceof Error) {
    return error.stack ?? error.message;
  }
  return String(error);
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new Error(`The emulator URL ${url} is not on a loopback host; the benchmark sends traffic only to loopback.`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`benchmark failed: ${describeFailure(error)}`);
    process.exit(1);
  },
);
