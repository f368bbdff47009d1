/**
 * Timing of one sample and the summary statistics of interleaved blocks of samples.
 */
import { performance } from "node:perf_hooks";

/** Cost of one timed sample. */
export interface Sample {
  /** Elapsed wall-clock time in milliseconds. */
  wallMs: number;
  /** CPU time (user plus system) this process spent, in milliseconds, all threads included. */
  cpuMs: number;
}

/** One repetition: the samples of each variant taken in one ABBA block, in run order. */
export interface Block {
  sdk: Sample[];
  raw: Sample[];
}

/** Summary of one metric (wall or CPU) over all blocks. */
export interface MetricSummary {
  /** Median over every single SDK sample. */
  sdkMedianMs: number;
  /** Median over every single raw sample. */
  rawMedianMs: number;
  /**
   * Median of the per-block ratios (sum of the block's SDK samples / sum of its raw samples):
   * the figure compared with the target.
   */
  medianRatio: number;
  /**
   * Bounds of an approximate 95% confidence interval of the median ratio, from order
   * statistics of the per-block ratios (no assumption about their distribution).
   */
  ratioLow: number;
  ratioHigh: number;
}

/**
 * Runs `task` once and measures its wall time and this process's CPU time. `process.cpuUsage`
 * counts every thread of the process, so V8's background garbage-collection and compiler
 * threads are included.
 */
export async function measure<T>(task: () => Promise<T>): Promise<{ sample: Sample; result: T }> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = await task();
  const wallMs = performance.now() - wallBefore;
  const cpu = process.cpuUsage(cpuBefore);
  return { sample: { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }, result };
}

/** Summarizes one metric of the blocks. */
export function summarize(blocks: Block[], metric: keyof Sample): MetricSummary {
  if (blocks.length === 0) {
    throw new Error("Cannot summarize a benchmark without samples.");
  }
  const total = (samples: Sample[]): number => samples.reduce((sum, sample) => sum + sample[metric], 0);
  const ratios = blocks.map((block) => total(block.sdk) / total(block.raw));
  const [ratioLow, ratioHigh] = medianConfidenceInterval(ratios);
  return {
    sdkMedianMs: median(blocks.flatMap((block) => block.sdk.map((sample) => sample[metric]))),
    rawMedianMs: median(blocks.flatMap((block) => block.raw.map((sample) => sample[metric]))),
    medianRatio: median(ratios),
    ratioLow,
    ratioHigh,
  };
}

/**
 * Approximate 95% confidence interval of the median of `values`: the sorted values at ranks
 * n/2 ± 0.98·√n (the normal approximation of the binomial distribution of ranks). With 10 values
 * or fewer the interval spans all of them.
 */
export function medianConfidenceInterval(values: number[]): [number, number] {
  if (values.length === 0) {
    throw new Error("Cannot take a confidence interval of an empty list.");
  }
  const sorted = [...values].sort((a, b) => a - b);
  const count = sorted.length;
  const halfWidth = 0.98 * Math.sqrt(count);
  const lowerRank = Math.max(1, Math.floor(count / 2 - halfWidth));
  const upperRank = Math.min(count, Math.ceil(count / 2 + 1 + halfWidth));
  return [sorted[lowerRank - 1] as number, sorted[upperRank - 1] as number];
}

/** Median of `values`, the mean of the middle two for an even count. */
export function median(values: number[]): number {
  return quantile(values, 0.5);
}

/** Quantile `q` (0..1) of `values` by linear interpolation between the closest ranks. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) {
    throw new Error("Cannot take a quantile of an empty list.");
  }
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const lowerValue = sorted[lower] as number;
  const upperValue = sorted[upper] as number;
  return lowerValue + (upperValue - lowerValue) * (position - lower);
}
