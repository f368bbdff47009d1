/**
 * Console table and JSON record of a benchmark run.
 */
import { cpus, loadavg } from "node:os";
import { readFileSync } from "node:fs";
import type { Block, MetricSummary } from "./stats.js";

/** The outcome of one benchmark. */
export interface BenchmarkResult {
  /** Short label, such as `(a) GET`. */
  label: string;
  /** Description of the work in one sample. */
  workload: string;
  /** Requests or items one sample handles, for the per-unit figures. */
  unitsPerSample: number;
  unitName: string;
  /** Highest acceptable median ratio SDK / raw, for wall and for CPU time. */
  target: number;
  /** Measured ABBA blocks, each with two samples of each variant. */
  blocks: number;
  wall: MetricSummary;
  cpu: MetricSummary;
  /** Every measured block, in run order, for a closer look at the noise. */
  samples: Block[];
  /** Names of the two variants in the table; default `SDK` and `raw`. */
  variantNames?: { sdk: string; raw: string };
  /** Further lines printed under the table. */
  notes?: string[];
  /** Metrics compared with `target`; default both. A metric left out is shown without a verdict. */
  targetMetrics?: ReadonlyArray<"wall" | "cpu">;
  /** Further targets of the benchmark, each printed with its verdict and counted by `formatMisses`. */
  checks?: BenchmarkCheck[];
}

/** A target other than the SDK / raw ratio, such as a memory ceiling. */
export interface BenchmarkCheck {
  name: string;
  passed: boolean;
  /** The measured value and the target, such as `peak RSS 182 MB (target < 300 MB)`. */
  detail: string;
}

/** Returns true when `metric` ("wall" or "cpu") of `result` is compared with its target. */
function isTargetMetric(result: BenchmarkResult, metric: "wall" | "cpu"): boolean {
  return result.targetMetrics === undefined || result.targetMetrics.includes(metric);
}

/** Up to this many blocks, `medianConfidenceInterval` returns the full range of the ratios. */
const SMALL_SAMPLE_BLOCKS = 10;

/** The machine the run happened on. */
export interface MachineInfo {
  node: string;
  cpuModel: string;
  cores: number;
  platform: string;
  date: string;
  /** 1-, 5- and 15-minute load averages when the run started; other work on the machine adds noise. */
  loadAverage: number[];
}

/** Describes this machine, taking the CPU model from /proc/cpuinfo where it exists. */
export function describeMachine(now: Date): MachineInfo {
  return {
    node: process.version,
    cpuModel: readCpuModel(),
    cores: cpus().length,
    platform: `${process.platform} ${process.arch}`,
    date: now.toISOString(),
    loadAverage: readLoadAverage(),
  };
}

/** Reads the 1-, 5- and 15-minute load averages, rounded to two decimals. */
export function readLoadAverage(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}

function readCpuModel(): string {
  try {
    const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
    const match = /^model name\s*:\s*(.+)$/m.exec(cpuinfo);
    if (match?.[1]) {
      return match[1].trim();
    }
  } catch {
    // Not Linux: fall back to what os.cpus() reports.
  }
  return cpus()[0]?.model ?? "unknown";
}

/** Returns true when the median ratio of `metric` meets `target`. */
export function meetsTarget(metric: MetricSummary, target: number): boolean {
  return metric.medianRatio <= target;
}

/** Lines of the result table of one benchmark. */
export function formatResult(result: BenchmarkResult): string[] {
  const names = result.variantNames ?? { sdk: "SDK", raw: "raw" };
  // Columns widen for longer variant names; with the default names they keep their old widths.
  const medianWidth = Math.max(12, names.sdk.length + 8, names.raw.length + 8);
  const ratioWidth = Math.max(9, names.sdk.length + names.raw.length + 2);
  const lines = [
    `${result.label}: ${result.workload}; ${result.blocks} ABBA blocks (${result.blocks * 2} samples per variant)`,
    `  ${pad("metric", 11)}${padLeft(`${names.sdk} median`, medianWidth)}${padLeft(`${names.raw} median`, medianWidth)}${padLeft(`${names.sdk}/${names.raw}`, ratioWidth)}` +
      `${padLeft("95% CI", 15)}${padLeft("target", 9)}  verdict`,
  ];
  for (const [name, metric, key] of [
    ["wall", result.wall, "wall"],
    ["client CPU", result.cpu, "cpu"],
  ] as const) {
    const isTarget = isTargetMetric(result, key);
    const verdict = !isTarget ? "(no target)" : meetsTarget(metric, result.target) ? "PASS" : "MISS";
    const nearTarget = isTarget && metric.ratioLow <= result.target && result.target <= metric.ratioHigh;
    lines.push(
      `  ${pad(name, 11)}${padLeft(formatMs(metric.sdkMedianMs), medianWidth)}${padLeft(formatMs(metric.rawMedianMs), medianWidth)}` +
        `${padLeft(metric.medianRatio.toFixed(3), ratioWidth)}` +
        `${padLeft(`${metric.ratioLow.toFixed(3)}–${metric.ratioHigh.toFixed(3)}`, 15)}` +
        `${padLeft(isTarget ? `≤ ${result.target.toFixed(2)}` : "-", 9)}  ${verdict}${nearTarget ? " (target inside the 95% CI: within noise)" : ""}`,
    );
  }
  if (result.blocks <= SMALL_SAMPLE_BLOCKS) {
    lines.push(`  note: with ${result.blocks} blocks the interval is the full range of the block ratios, wider than 95%`);
  }
  const perUnit = (ms: number): string => `${((ms * 1000) / result.unitsPerSample).toFixed(1)} µs`;
  lines.push(
    `  per ${result.unitName}: wall ${names.sdk} ${perUnit(result.wall.sdkMedianMs)} vs ${names.raw} ${perUnit(result.wall.rawMedianMs)}, ` +
      `CPU ${names.sdk} ${perUnit(result.cpu.sdkMedianMs)} vs ${names.raw} ${perUnit(result.cpu.rawMedianMs)}`,
  );
  for (const note of result.notes ?? []) {
    lines.push(`  ${note}`);
  }
  for (const check of result.checks ?? []) {
    lines.push(`  ${check.name}: ${check.detail}  ${check.passed ? "PASS" : "MISS"}`);
  }
  return lines;
}

/** Lines naming every missed target, loud enough to stand out in a CI log; empty when all pass. */
export function formatMisses(results: BenchmarkResult[]): string[] {
  const misses: string[] = [];
  for (const result of results) {
    for (const [name, metric, key] of [
      ["wall", result.wall, "wall"],
      ["client CPU", result.cpu, "cpu"],
    ] as const) {
      if (isTargetMetric(result, key) && !meetsTarget(metric, result.target)) {
        misses.push(
          `!!! MISS: ${result.label} ${name} ratio ${metric.medianRatio.toFixed(3)} is above the target ${result.target.toFixed(2)}`,
        );
      }
    }
    for (const check of result.checks ?? []) {
      if (!check.passed) {
        misses.push(`!!! MISS: ${result.label} ${check.name}: ${check.detail}`);
      }
    }
  }
  return misses;
}

function formatMs(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

function pad(text: string, width: number): string {
  return text.padEnd(width);
}

function padLeft(text: string, width: number): string {
  return text.padStart(width);
}
