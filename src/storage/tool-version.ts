/** The version of this package, written into every snapshot so a reader knows which wxadmin made it. */
import { readFileSync } from "node:fs";

let cached: string | undefined;

/**
 * Returns the `version` of wxadmin's package.json, or "unknown" when it cannot be read. The
 * compiled file sits in `dist/src/storage/`, three folders below the package root.
 */
export function readToolVersion(): string {
  if (cached !== undefined) {
    return cached;
  }
  try {
    const text = readFileSync(new URL("../../../package.json", import.meta.url), "utf8");
    const version = (JSON.parse(text) as { version?: unknown }).version;
    cached = typeof version === "string" && version !== "" ? version : "unknown";
  } catch {
    cached = "unknown";
  }
  return cached;
}
