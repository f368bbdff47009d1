/**
 * Fakes for SDK tests: a manual clock whose sleep records each delay and moves the clock, a
 * logger that keeps its lines, and a scripted `fetch`.
 */
import type { LogFields, Logger } from "../../src/logger.js";

/** A clock that starts at `startMs` and moves only when `sleep` is called. */
export interface FakeClock {
  now: () => number;
  /** Records `ms` in `delays`, moves the clock by `ms` and resolves at once. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  delays: number[];
}

/** Creates a `FakeClock`. The default start is a whole second, so HTTP-dates round-trip exactly. */
export function createFakeClock(startMs = Date.UTC(2026, 0, 15, 12, 0, 0)): FakeClock {
  let nowMs = startMs;
  const delays: number[] = [];
  return {
    now: () => nowMs,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) {
        throw signal.reason;
      }
      delays.push(ms);
      nowMs += ms;
    },
    delays,
  };
}

/** One captured log line. */
export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  fields: LogFields | undefined;
}

/** Creates a logger that stores every line and renders all lines as text for secret scans. */
export function createCapturingLogger(): Logger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const record = (level: LogLine["level"]) => (message: string, fields?: LogFields) => {
    lines.push({ level, message, fields });
  };
  return {
    lines,
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
    text: () => lines.map((line) => `${line.level} ${line.message} ${JSON.stringify(line.fields ?? {})}`).join("\n"),
  };
}

/** A request seen by `createScriptedFetch`. */
export interface SeenRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** One scripted reply: a response description, an error to throw (a network failure), or a function. */
export type ScriptedStep =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { throw: unknown }
  | ((request: SeenRequest, init: RequestInit | undefined) => Response | Promise<Response>);

/**
 * Creates a `fetch` that replies with `steps` in order (the last step repeats) and records
 * every request.
 */
export function createScriptedFetch(steps: ScriptedStep[]): typeof fetch & { requests: SeenRequest[] } {
  const requests: SeenRequest[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request: SeenRequest = {
      url: String(input),
      method: init?.method ?? "GET",
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: typeof init?.body === "string" ? init.body : undefined,
    };
    requests.push(request);
    const step = steps[Math.min(requests.length - 1, steps.length - 1)];
    if (step === undefined) {
      throw new Error("createScriptedFetch needs at least one step");
    }
    if (typeof step === "function") {
      return step(request, init);
    }
    if ("throw" in step) {
      throw step.throw;
    }
    let text = "";
    if (typeof step.body === "string") {
      text = step.body;
    } else if (step.body !== undefined) {
      text = JSON.stringify(step.body);
    }
    return new Response(step.status === 204 ? null : text, { status: step.status, headers: { "content-type": "application/json", ...step.headers } });
  };
  return Object.assign(fake as typeof fetch, { requests });
}

/** Creates a fetch failure as undici raises it: `TypeError("fetch failed")` with a coded cause. */
export function fetchFailure(code: string, message = `connect ${code} 127.0.0.1:9`): TypeError {
  const cause = Object.assign(new Error(message), { code });
  return new TypeError("fetch failed", { cause });
}
