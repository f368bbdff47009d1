/**
 * Child-process entry of the benchmark: runs the emulator apart from the measured client, so
 * the client's CPU time (`process.cpuUsage` in the parent) contains no server work.
 *
 * Started by `bench/emulator-handle.ts` through `child_process.fork`. Reads its settings from
 * the `BENCH_EMULATOR_OPTIONS` environment variable (JSON of `EmulatorProcessOptions`), sends
 * one `EmulatorProcessMessage` to the parent once listening, and stops on a `stop` message or
 * when the IPC channel closes because the parent exited.
 */
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import {
  OPTIONS_ENV,
  type EmulatorControlMessage,
  type EmulatorProcessMessage,
  type EmulatorProcessOptions,
} from "./emulator-protocol.js";

async function main(): Promise<void> {
  if (!process.send) {
    throw new Error("bench/emulator-process.js must be started with child_process.fork by the benchmark.");
  }
  const options = readOptions();
  const emulator = await startEmulator({
    port: 0,
    seed: "demo",
    randomSeed: options.randomSeed,
    people: options.people,
    rateLimit: options.requestsPerSecond === undefined ? undefined : { requestsPerSecond: options.requestsPerSecond },
  });

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) {
      return;
    }
    stopping = true;
    await stopQuietly(emulator);
    process.exit(0);
  };
  process.on("message", (message: EmulatorControlMessage) => {
    if (message?.type === "stop") {
      void stop();
    }
  });
  // The IPC channel closes when the parent exits for any reason, a crash included.
  process.on("disconnect", () => void stop());

  const ready: EmulatorProcessMessage = { type: "ready", url: emulator.url, tokens: emulator.tokens };
  process.send(ready);
}

function readOptions(): EmulatorProcessOptions {
  const raw = process.env[OPTIONS_ENV];
  if (!raw) {
    throw new Error(`${OPTIONS_ENV} is not set; the benchmark parent passes the emulator settings in it.`);
  }
  const parsed = JSON.parse(raw) as Partial<EmulatorProcessOptions>;
  if (!Number.isInteger(parsed.people) || !Number.isInteger(parsed.randomSeed)) {
    throw new Error(`${OPTIONS_ENV} must contain integer "people" and "randomSeed", got ${raw}.`);
  }
  return parsed as EmulatorProcessOptions;
}

async function stopQuietly(emulator: Emulator): Promise<void> {
  try {
    await emulator.stop();
  } catch (error) {
    process.stderr.write(`bench emulator: stop failed: ${(error as Error).message}\n`);
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const failed: EmulatorProcessMessage = { type: "failed", message };
  if (process.send) {
    process.send(failed, () => process.exit(1));
  } else {
    process.stderr.write(`bench emulator: ${message}\n`);
    process.exit(1);
  }
});
