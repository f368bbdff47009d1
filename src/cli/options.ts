/**
 * Parsers for option values, raising commander's usage error (exit code 2) on bad input.
 */
import { InvalidArgumentError } from "commander";

/** Returns a commander parser that accepts whole numbers from `min` to `max`. */
export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const trimmed = value.trim();
    if (!/^-?\d+$/.test(trimmed)) {
      throw new InvalidArgumentError(`Expected a whole number, got "${value}".`);
    }
    const parsed = Number(trimmed);
    if (parsed < min || parsed > max) {
      throw new InvalidArgumentError(`Expected a number from ${min} to ${max}, got ${parsed}.`);
    }
    return parsed;
  };
}

/** Collects a repeatable option whose values may also be comma- or space-separated lists. */
export function collectList(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  return [...(previous ?? []), ...items];
}
