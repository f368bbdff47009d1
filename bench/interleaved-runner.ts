/**
 * Interleaved repetitions of an SDK task and its raw baseline, in balanced ABBA blocks.
 */
import { measure, type Block, type Sample } from "./stats.js";

/** The two variants of one benchmark and its repetition counts. */
export interface InterleavedBenchmark {
  /** The SDK variant. Resolves to a count that must equal `expectedCount`. */
  sdk: () => Promise<number>;
  /** The raw-fetch variant, with the same contract. */
  raw: () => Promise<number>;
  /** Items or responses each variant must report, so a short run cannot look fast. */
  expectedCount: number;
  /** Measured blocks. */
  measuredBlocks: number;
  /** Blocks run first and discarded, for JIT warm-up and connection set-up. */
  warmupBlocks: number;
}

/**
 * Runs the warm-up blocks, then the measured ones, and returns the measured blocks. A block
 * takes four samples in the order SDK, raw, raw, SDK. Each variant thus runs once in an odd and
 * once in an even position, and once after each variant, so a cost tied to the position, such
 * as garbage the previous sample left behind, lands on both variants alike.
 *
 * @throws Error when a variant reports a count other than `expectedCount`.
 */
export async function runInterleaved(benchmark: InterleavedBenchmark): Promise<Block[]> {
  const total = benchmark.warmupBlocks + benchmark.measuredBlocks;
  const blocks: Block[] = [];
  for (let index = 0; index < total; index += 1) {
    const sdkFirst = await runOne(benchmark, "sdk");
    const rawFirst = await runOne(benchmark, "raw");
    const rawSecond = await runOne(benchmark, "raw");
    const sdkSecond = await runOne(benchmark, "sdk");
    if (index >= benchmark.warmupBlocks) {
      blocks.push({ sdk: [sdkFirst, sdkSecond], raw: [rawFirst, rawSecond] });
    }
  }
  return blocks;
}

async function runOne(benchmark: InterleavedBenchmark, variant: "sdk" | "raw"): Promise<Sample> {
  const { sample, result } = await measure(benchmark[variant]);
  if (result !== benchmark.expectedCount) {
    throw new Error(`The ${variant} variant returned ${result} where ${benchmark.expectedCount} were expected.`);
  }
  return sample;
}
