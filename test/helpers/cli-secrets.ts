/**
 * Scans recorded CLI output for planted secrets: any client secret, access token or refresh
 * token that appears in full is a leak.
 */
import type { CliRun } from "./cli-run.js";

/** A secret found in full in the output of a run. */
export interface Leak {
  /** The start of the secret, enough to tell secrets apart in a failure message. */
  secretStart: string;
  args: string[];
  stream: "stdout" | "stderr";
}

/** Returns every place where one of `secrets` appears in full in `runs`. */
export function findLeaks(runs: readonly CliRun[], secrets: Iterable<string>): Leak[] {
  const leaks: Leak[] = [];
  const unique = [...new Set(secrets)].filter((secret) => secret.length >= 8);
  for (const run of runs) {
    for (const secret of unique) {
      for (const stream of ["stdout", "stderr"] as const) {
        if (run[stream].includes(secret)) {
          leaks.push({ secretStart: `${secret.slice(0, 6)}…`, args: run.args, stream });
        }
      }
    }
  }
  return leaks;
}

/**
 * Matches strings shaped like the emulator's credentials. A token is 64 letters and digits
 * followed by `_P0A1_` and the org UUID. A client secret is 64 hex digits that are not part of
 * a longer word, so client ids (`C` followed by 64 hex digits) do not match.
 */
export const EMULATOR_CREDENTIAL_PATTERN =
  /[A-Za-z0-9]{64}_P0A1_[0-9a-f-]{36}|(?<![A-Za-z0-9])[0-9a-f]{64}(?![A-Za-z0-9])/g;

/** Returns the credential-shaped strings in `text`. */
export function findCredentialShapes(text: string): string[] {
  return [...text.matchAll(EMULATOR_CREDENTIAL_PATTERN)].map((match) => match[0]);
}
