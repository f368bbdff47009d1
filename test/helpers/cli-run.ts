/**
 * Runs the built `wxadmin` CLI (dist/src/cli/main.js) as a child process and records every run,
 * so a test file can scan all output for planted secrets at the end.
 */
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The compiled CLI entry point, next to the compiled tests. */
export const CLI_MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

/** The outcome of one CLI run. */
export interface CliRun {
  args: string[];
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Settings of one run. */
export interface CliRunOptions {
  /** Variables added to the minimal child environment (PATH and HOME only); undefined removes one. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kills the child after this many milliseconds. Default 60000. */
  timeoutMs?: number;
}

/** Runs CLI commands and keeps every run for later inspection. */
export class CliRecorder {
  readonly runs: CliRun[] = [];
  readonly #baseEnv: Record<string, string | undefined>;

  /** `baseEnv` is added to every run's environment, before the run's own `env`. */
  constructor(baseEnv: Record<string, string | undefined> = {}) {
    this.#baseEnv = baseEnv;
  }

  /** Runs `wxadmin ARGS` to completion. A non-zero exit code is a result, not an error. */
  run(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
    const env = buildEnv({ ...this.#baseEnv, ...options.env });
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [CLI_MAIN, ...args],
        { env, cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== "number" && error.signal == null) {
            reject(error);
            return;
          }
          let code: number | null = 0;
          if (error) {
            code = typeof error.code === "number" ? error.code : null;
          }
          const run: CliRun = { args, code, stdout, stderr };
          this.runs.push(run);
          resolve(run);
        },
      );
    });
  }

  /** Starts `wxadmin ARGS` without waiting for it to end, for long-running commands. */
  start(args: string[], options: CliRunOptions = {}): RunningCli {
    const env = buildEnv({ ...this.#baseEnv, ...options.env });
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    return new RunningCli(args, child, (run) => this.runs.push(run));
  }
}

/** A CLI process that is still running. */
export class RunningCli {
  stdout = "";
  stderr = "";
  readonly #child: ChildProcess;
  readonly #ended: Promise<CliRun>;
  #listeners: Array<() => void> = [];

  constructor(args: string[], child: ChildProcess, record: (run: CliRun) => void) {
    this.#child = child;
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
      this.#notify();
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
      this.#notify();
    });
    this.#ended = new Promise((resolve) => {
      child.on("close", (code) => {
        const run: CliRun = { args, code, stdout: this.stdout, stderr: this.stderr };
        record(run);
        this.#notify();
        resolve(run);
      });
    });
  }

  /** Resolves once `pattern` matches the output so far (stdout or stderr), or rejects after `timeoutMs`. */
  waitForOutput(pattern: RegExp, stream: "stdout" | "stderr" = "stdout", timeoutMs = 20_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const match = this[stream].match(pattern);
        if (match) {
          clearTimeout(timer);
          this.#listeners = this.#listeners.filter((listener) => listener !== onChange);
          resolve(match);
          return true;
        }
        return false;
      };
      const onChange = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        this.#listeners = this.#listeners.filter((listener) => listener !== onChange);
        reject(new Error(`Timed out waiting for ${pattern} on ${stream}. stdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      if (!check()) {
        this.#listeners.push(onChange);
      }
    });
  }

  /** Process id of the child. */
  get pid(): number {
    return this.#child.pid as number;
  }

  /** Resolves with the finished run once the child has ended, however it ended. */
  ended(): Promise<CliRun> {
    return this.#ended;
  }

  /** Sends `signal` and resolves with the finished run. */
  stop(signal: NodeJS.Signals = "SIGTERM"): Promise<CliRun> {
    this.#child.kill(signal);
    return this.#ended;
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) {
      listener();
    }
  }
}

function buildEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // Only PATH and HOME come from the test process, so a WEBEX_* variable of the machine
  // running the tests cannot change the outcome.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) {
      delete env[key];
    } else {
      env[key] = value;
    }
  }
  return env;
}

/** Returns the command, exit code and both outputs of a run, for assertion messages. */
export function describeRun(run: CliRun): string {
  return `wxadmin ${run.args.join(" ")}\n--- exit ${run.code}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
}

/** Asserts the exit code of a run, showing its output when it differs. */
export function assertExit(run: CliRun, code: number): void {
  assert.equal(run.code, code, describeRun(run));
}

/** Asserts that a run exited with 0 and returns its stdout parsed as JSON. */
export function parseJson(run: CliRun): any {
  assertExit(run, 0);
  return JSON.parse(run.stdout);
}
