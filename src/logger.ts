/**
 * Pluggable logging. The SDK is silent unless a logger is passed; the CLI writes to stderr.
 * Everything logged passes through `redactText`/`redactValue` first.
 */
import { redactText, redactValue } from "./redact.js";

/** Log levels in increasing severity; `silent` turns logging off. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** The logger interface the SDK calls. Any object with these four methods works (pino, winston, console). */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** A logger that drops every line: the SDK default. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Options of `createConsoleLogger`. */
export interface ConsoleLoggerOptions {
  /** Lowest level written. Default `info`. */
  level?: LogLevel;
  /** Where lines go. Default `process.stderr`. */
  stream?: NodeJS.WritableStream;
  /** Prefix of every line. Default `wxadmin`. */
  name?: string;
}

/**
 * Words that start the lines of each level, after the name. A warning reads `wxadmin: warning:`,
 * as the CLI's own warnings do, so all warnings of a run look alike.
 */
const LEVEL_LABELS: Record<Exclude<LogLevel, "silent">, string> = { debug: "debug", info: "info", warn: "warning", error: "error" };

/**
 * Creates a logger that writes one redacted line per call, such as
 * `wxadmin: warning: message key=value …` or `wxadmin: info: message`.
 */
export function createConsoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const threshold = LEVEL_RANK[options.level ?? "info"];
  const stream = options.stream ?? process.stderr;
  const name = options.name ?? "wxadmin";

  const write = (level: Exclude<LogLevel, "silent">, message: string, fields?: LogFields): void => {
    if (LEVEL_RANK[level] < threshold) {
      return;
    }
    stream.write(`${name}: ${LEVEL_LABELS[level]}: ${redactText(message)}${formatFields(fields)}\n`);
  };

  return {
    debug: (message, fields) => write("debug", message, fields),
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
  };
}

/** Wraps `logger` so that every message and field is redacted before it reaches it. */
export function createRedactingLogger(logger: Logger): Logger {
  if (logger === silentLogger) {
    return logger;
  }
  const wrap =
    (method: keyof Logger) =>
    (message: string, fields?: LogFields): void => {
      logger[method](redactText(message), fields === undefined ? undefined : redactValue(fields));
    };
  return { debug: wrap("debug"), info: wrap("info"), warn: wrap("warn"), error: wrap("error") };
}

function formatFields(fields: LogFields | undefined): string {
  if (!fields) {
    return "";
  }
  const parts: string[] = [];
  for (const [key, value] of Object.entries(redactValue(fields))) {
    if (value === undefined) {
      continue;
    }
    const text = typeof value === "string" ? value : JSON.stringify(value);
    parts.push(`${key}=${/\s/.test(text) ? JSON.stringify(text) : text}`);
  }
  return parts.length > 0 ? ` ${parts.join(" ")}` : "";
}
