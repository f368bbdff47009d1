/**
 * Text rendering for the CLI: durations and expiry in human terms, aligned key/value blocks and
 * tables. Nothing here masks values; callers pass display-safe strings.
 */
import { decodeId } from "../ids.js";

const UNITS: Array<[name: string, seconds: number]> = [
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
  ["second", 1],
];

/**
 * Formats a duration in seconds with its two largest units, rounded to the nearest whole of the
 * smaller one: `14 days` for 13 days 23 hours 59 minutes, `13 days 23 hours` for 13 days 23 hours
 * 20 minutes, `1 minute 5 seconds`. Negative durations are formatted by their absolute value.
 */
export function formatDuration(seconds: number): string {
  const total = Math.round(Math.abs(seconds));
  if (total === 0) {
    return "0 seconds";
  }

  // Rounding to the unit below the largest keeps two units, so a token that expires in
  // 14 days minus the seconds since it was issued reads "14 days" everywhere.
  const largest = UNITS.findIndex(([, size]) => total >= size);
  const step = UNITS[largest + 1]?.[1] ?? 1;
  let rest = Math.round(total / step) * step;

  const parts: string[] = [];
  for (const [name, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count === 0) {
      continue;
    }
    parts.push(`${count} ${name}${count === 1 ? "" : "s"}`);
    rest -= count * size;
    if (parts.length === 2) {
      break;
    }
  }
  return parts.join(" ");
}

/** Formats an instant as `2026-12-18 10:15 UTC`. */
export function formatInstant(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Formats an expiry relative to `nowMs`: `in 14 days (2026-12-18 10:15 UTC)` or `2 hours ago (…)`. */
export function formatExpiry(at: Date, nowMs: number = Date.now()): string {
  return `${formatRelativeTime((at.getTime() - nowMs) / 1000)} (${formatInstant(at)})`;
}

/** Formats seconds from now as `in 14 days`, or `2 hours ago` when negative; see `formatDuration` for the rounding. */
export function formatRelativeTime(seconds: number): string {
  return seconds >= 0 ? `in ${formatDuration(seconds)}` : `${formatDuration(seconds)} ago`;
}

/**
 * Returns a short form of each id in `ids`, for table columns that would otherwise take most of
 * a terminal line. A Webex id is shortened to the start of what it encodes after the kind (the
 * UUID, for most ids), since its base64 form starts the same for every id of a kind. The start
 * is `minLength` characters or, where two ids would look alike, as many as tell them apart,
 * followed by "…". Values no longer than that are kept whole.
 */
export function shortenIds(ids: readonly string[], minLength = 8): Map<string, string> {
  const unique = [...new Set(ids)];
  const keys = new Map(unique.map((id) => [id, decodeId(id)?.id ?? id]));
  const distinctKeys = new Set(keys.values()).size;
  const longest = Math.max(0, ...[...keys.values()].map((key) => key.length));

  let length = minLength;
  while (length < longest && new Set([...keys.values()].map((key) => key.slice(0, length))).size < distinctKeys) {
    length += 1;
  }
  return new Map(unique.map((id) => {
    const key = keys.get(id) ?? id;
    return [id, key.length <= length + 1 ? key : `${key.slice(0, length)}…`];
  }));
}

/** Renders `label: value` lines with the values aligned, each line indented by `indent` spaces. */
export function renderFields(fields: Array<[label: string, value: string]>, indent = 2): string {
  const width = Math.max(0, ...fields.map(([label]) => label.length + 1));
  const pad = " ".repeat(indent);
  return fields.map(([label, value]) => `${pad}${`${label}:`.padEnd(width)}  ${value}`).join("\n");
}

/** A column of `renderTable`. */
export interface TableColumn {
  header: string;
  /** Right-aligns the column, for numbers. Default false. */
  alignRight?: boolean;
}

/** Renders rows under a header line, columns separated by two spaces, with no trailing blanks. */
export function renderTable(columns: TableColumn[], rows: string[][], indent = 0): string {
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...rows.map((row) => (row[index] ?? "").length)),
  );
  const pad = " ".repeat(indent);

  const renderRow = (cells: string[]): string => {
    const text = columns
      .map((column, index) => {
        const cell = cells[index] ?? "";
        const width = widths[index] ?? 0;
        return column.alignRight ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ");
    return `${pad}${text.trimEnd()}`;
  };

  const lines = [renderRow(columns.map((column) => column.header))];
  for (const row of rows) {
    lines.push(renderRow(row));
  }
  return lines.join("\n");
}

/** Formats a count with thousands separators, such as `10,000`. */
export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

/**
 * Quotes `value` for a POSIX shell when it contains anything but letters, digits and `@%+=:,./_-`,
 * so a suggested command with that path can be pasted as it is.
 */
export function shellQuote(value: string): string {
  if (/^[\w@%+=:,./-]+$/.test(value)) {
    return value;
  }
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Joins the parts of a suggested shell command, leaving out empty ones. */
export function joinCommand(...parts: string[]): string {
  return parts.filter((part) => part !== "").join(" ");
}
