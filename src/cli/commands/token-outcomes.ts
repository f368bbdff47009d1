/**
 * Per-org results of `token fetch` and `token refresh`: running orgs a few at a time, rendering
 * one line per org, and the exit code of a run where some orgs failed.
 */
import type { StoredToken } from "../../auth/token-store.js";
import { exitCodeFor, WebexError, type WebexErrorCode } from "../../transport/errors.js";
import type { CliContext } from "../context.js";
import { formatDuration, renderTable } from "../render.js";
import { assessTokenHealth } from "./token-shared.js";

/** Orgs worked on at once; enough to finish hundreds of orgs quickly without a burst of requests. */
export const ORG_CONCURRENCY = 4;

/** The result in one org: the stored entry, or the error. */
export interface OrgOutcome {
  orgId: string;
  entry?: StoredToken;
  error?: unknown;
}

/** Runs `work` for every org, at most `ORG_CONCURRENCY` at once, and returns the outcomes in the order of `orgIds`. */
export async function runPerOrg(orgIds: string[], work: (orgId: string) => Promise<StoredToken>): Promise<OrgOutcome[]> {
  const outcomes: OrgOutcome[] = new Array(orgIds.length);
  let next = 0;

  const worker = async (): Promise<void> => {
    while (next < orgIds.length) {
      const index = next;
      next += 1;
      const orgId = orgIds[index] as string;
      try {
        outcomes[index] = { orgId, entry: await work(orgId) };
      } catch (error) {
        outcomes[index] = { orgId, error };
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(ORG_CONCURRENCY, orgIds.length) }, () => worker()));
  return outcomes;
}

/**
 * Prints the outcomes (a table, or JSON with `--json`) and each failure on stderr. Then it
 * throws when any org failed, so the run ends with the exit code that the commands' help
 * documents: 4 when some orgs succeeded, else the highest exit code among the failures. A run
 * over one org that failed throws that org's error unchanged.
 *
 * @param verb what succeeded, for the table: `stored` or `refreshed`
 * @param successNotice printed on stderr (unless `--quiet`) when at least one org succeeded
 */
export function reportOutcomes(context: CliContext, outcomes: OrgOutcome[], verb: string, successNotice?: string): void {
  const failures = outcomes.filter((outcome) => outcome.error !== undefined);
  if (outcomes.length === 1 && failures.length === 1) {
    throw failures[0]?.error;
  }

  const nowMs = Date.now();
  if (context.isJson) {
    context.printJson(outcomes.map((outcome) => describeOutcome(outcome, verb, nowMs)));
  } else {
    const rows = outcomes.map((outcome) => renderOutcomeRow(outcome, verb, nowMs));
    context.print(
      renderTable([{ header: "ORG" }, { header: "RESULT" }, { header: "ACCESS EXPIRES IN" }, { header: "REFRESH EXPIRES IN" }], rows),
    );
  }

  for (const failure of failures) {
    context.error(`org ${failure.orgId}: ${messageOf(failure.error)}`);
  }
  const succeeded = outcomes.length - failures.length;
  if (succeeded > 0 && successNotice !== undefined) {
    context.notice(successNotice);
  }
  if (failures.length === 0) {
    return;
  }

  if (succeeded > 0) {
    throw new WebexError("incomplete", `${succeeded} of ${outcomes.length} orgs ${verb}; ${failures.length} failed, as listed above.`);
  }
  throw new WebexError(worstCode(failures), `All ${outcomes.length} orgs failed, as listed above.`);
}

function describeOutcome(outcome: OrgOutcome, verb: string, nowMs: number): Record<string, unknown> {
  if (outcome.entry === undefined) {
    const code = outcome.error instanceof WebexError ? outcome.error.code : "api";
    return { orgId: outcome.orgId, result: "failed", error: { code, exitCode: exitCodeFor(code), message: messageOf(outcome.error) } };
  }

  const health = assessTokenHealth(outcome.entry, nowMs);
  return {
    orgId: outcome.orgId,
    result: verb,
    appId: outcome.entry.appId,
    clientId: outcome.entry.clientId,
    obtainedAt: new Date(outcome.entry.obtainedAt).toISOString(),
    accessExpiresAt: health.accessExpiresAt.toISOString(),
    refreshExpiresAt: health.refreshExpiresAt.toISOString(),
  };
}

function renderOutcomeRow(outcome: OrgOutcome, verb: string, nowMs: number): string[] {
  if (outcome.entry === undefined) {
    const code = outcome.error instanceof WebexError ? outcome.error.code : "api";
    return [outcome.orgId, `failed (exit code ${exitCodeFor(code)})`, "", ""];
  }
  const health = assessTokenHealth(outcome.entry, nowMs);
  return [outcome.orgId, verb, formatSecondsLeft(health.accessSecondsLeft), formatSecondsLeft(health.refreshSecondsLeft)];
}

/** Formats seconds left as `14 days` or, once past, `expired 2 hours ago`; see `formatDuration` for the rounding. */
export function formatSecondsLeft(seconds: number): string {
  return seconds > 0 ? formatDuration(seconds) : `expired ${formatDuration(seconds)} ago`;
}

/** The code among the failures whose exit code is highest (3, a person must act, beats 2 and 1). */
function worstCode(failures: OrgOutcome[]): WebexErrorCode {
  let worst: WebexErrorCode = "api";
  for (const failure of failures) {
    const code = failure.error instanceof WebexError ? failure.error.code : "api";
    if (exitCodeFor(code) > exitCodeFor(worst)) {
      worst = code;
    }
  }
  return worst;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
