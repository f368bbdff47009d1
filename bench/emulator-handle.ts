/**
 * Parent side of the benchmark's emulator child process: starts it, waits until it listens,
 * and stops it.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  OPTIONS_ENV,
  type EmulatorControlMessage,
  type EmulatorProcessMessage,
  type EmulatorProcessOptions,
} from "./emulator-protocol.js";

/** A running emulator in its own process. */
export interface EmulatorHandle {
  /** Base URL ending in `/v1`, on a loopback address. */
  url: string;
  /** Personal tokens of the seeded roles. */
  tokens: { developer: string; customerAdmin: string };
  /** Process id of the child, for the report. */
  pid: number;
  /** Asks the child to stop and waits until it has exited, killing it after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Time the child gets to seed its data and start listening. */
const READY_TIMEOUT_MS = 120_000;

/**
 * Starts `emulator-process.js` with `child_process.fork` and resolves once it listens.
 *
 * @throws Error when the child fails to start, exits early or is not ready within two minutes,
 *   with its stderr output in the message.
 */
export async function startEmulatorProcess(options: EmulatorProcessOptions): Promise<EmulatorHandle> {
  const entry = fileURLToPath(new URL("./emulator-process.js", import.meta.url));
  // execArgv is emptied so that flags such as --cpu-prof given to the benchmark profile only
  // the measured client, not the emulator.
  const child = fork(entry, [], {
    env: { ...process.env, [OPTIONS_ENV]: JSON.stringify(options) },
    execArgv: [],
    stdio: ["ignore", "inherit", "pipe", "ipc"],
  });
  const stderrChunks: string[] = [];
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderrChunks.push(chunk);
    process.stderr.write(chunk);
  });

  const ready = await waitForReady(child, () => stderrChunks.join(""));
  return {
    url: ready.url,
    tokens: ready.tokens,
    pid: child.pid ?? -1,
    stop: (graceMs = 10_000) => stopChild(child, graceMs),
  };
}

function waitForReady(
  child: ChildProcess,
  readStderr: () => string,
): Promise<Extract<EmulatorProcessMessage, { type: "ready" }>> {
  return new Promise((resolve, reject) => {
    const fail = (reason: string): void => {
      cleanUp();
      child.kill();
      const stderr = readStderr().trim();
      reject(new Error(`The benchmark emulator process ${reason}.${stderr ? `\nIts stderr:\n${stderr}` : ""}`));
    };
    const onMessage = (message: EmulatorProcessMessage): void => {
      if (message.type === "ready") {
        cleanUp();
        resolve(message);
        return;
      }
      fail(`failed to start: ${message.message}`);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      fail(`exited before it was ready (exit code ${code ?? "none"}, signal ${signal ?? "none"})`);
    };
    const onError = (error: Error): void => fail(`could not be started: ${error.message}`);
    const timer = setTimeout(
      () => fail(`was not ready within ${READY_TIMEOUT_MS / 1000} s; lower BENCH_PEOPLE or check its stderr`),
      READY_TIMEOUT_MS,
    );
    const cleanUp = (): void => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      child.off("error", onError);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
    child.on("error", onError);
  });
}

function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    const stop: EmulatorControlMessage = { type: "stop" };
    if (child.connected) {
      child.send(stop);
    } else {
      child.kill();
    }
  });
}
