/** Input checks shared by the resources. Each raises an `InvalidInputError` that names the value and the fix. */
import { InvalidInputError } from "../transport/errors.js";

/**
 * Returns `value` trimmed when it is a non-empty string.
 *
 * @throws InvalidInputError naming `name` otherwise
 */
export function requireText(value: unknown, name: string, example: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidInputError(`Invalid ${name}: expected a non-empty string such as ${example}, got ${describeValue(value)}.`);
  }
  return value.trim();
}

/**
 * Returns `value` as given when it is a non-empty string. Used for secrets, which must never
 * appear in the message.
 *
 * @throws InvalidInputError naming `name` (not the value) otherwise
 */
export function requireSecretText(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidInputError(`Invalid ${name}: expected the non-empty value Webex issued, got ${typeof value === "string" ? "an empty string" : describeValue(value)}.`);
  }
  return value.trim();
}

/** Describes a rejected value briefly for a message: strings quoted and shortened, others by type. */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return "nothing";
  }
  if (value === null) {
    return "null";
  }
  if (typeof value === "string") {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  }
  if (Array.isArray(value)) {
    return `an array of ${value.length}`;
  }
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/** Encodes an id for a URL path segment. */
export function pathSegment(id: string): string {
  return encodeURIComponent(id);
}
