/**
 * `wxadmin audit [SNAPSHOT]`: runs the audit rules over a stored snapshot and prints the
 * findings as a table or JSON, and with `--html FILE` writes the self-contained HTML report.
 * With `--fail-on SEVERITY` it exits with code 5 when a finding of that severity or a higher
 * one exists, so a scheduled job can alert on it.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { Option, type Command } from "commander";
import { AUDIT_RULES, auditSnapshot, SEVERITIES, type Severity, type SnapshotAudit } from "../../jobs/audit.js";
import { renderAuditHtml } from "../../jobs/report-html.js";
import type { SnapshotDb } from "../../storage/snapshot-db.js";
import { InvalidInputError } from "../../transport/errors.js";
import { CommandExit, FINDINGS_EXIT_CODE } from "../command-exit.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { renderTable } from "../render.js";
import { chooseStoredOrg, DB_OPTION_HELP, describeSnapshotOrg, parseSnapshotId, takeOfflineOptions, withSnapshotDb, type DbCommandOptions } from "./snapshots.js";

interface AuditCommandOptions extends DbCommandOptions {
  html?: string;
  failOn?: Severity;
}

export function registerAuditCommand(program: Command, io: CliIo): void {
  const rules = AUDIT_RULES.map((rule) => `  ${rule.severity.padEnd(6)}  ${rule.id.padEnd(28)}  ${rule.title}`).join("\n");
  const command = program
    .command("audit")
    .description("Check a stored snapshot for problems an administrator should fix; each finding names the object and the fix.")
    .argument("[snapshot]", "Snapshot id. Default: the newest complete snapshot of the org (--org picks it when the database holds several).")
    .option("--html <file>", "Also write the report as one self-contained HTML file (charts and table, no external resources). Default: none.")
    .addOption(
      new Option(
        "--fail-on <severity>",
        `Exit with code ${FINDINGS_EXIT_CODE} when a finding of this severity or a higher one exists, after printing the findings. Default: none, exit code 0 whatever the findings.`,
      ).choices([...SEVERITIES]),
    )
    .option("--db <file>", DB_OPTION_HELP)
    .addHelpText(
      "after",
      `
Rules:
${rules}

A rule whose data the snapshot lacks (a kind that failed) is listed as not checked.

Exit code ${FINDINGS_EXIT_CODE} with --fail-on: high counts high findings only, medium counts high
and medium, low counts all. The output is the same as without it. Findings of a rule
that was not checked cannot count, so read the warnings on stderr as well.

Examples:
  wxadmin audit
  wxadmin audit 12 --json > findings.json
  wxadmin audit --html audit.html
  wxadmin audit --fail-on high --html audit.html    # exit code 5 on a high finding`,
    )
    .action(
      actionFor<AuditCommandOptions>(io, async (context, args, options) => {
        const audit = await withSnapshotDb(context, options, (db) => auditSnapshot(db, chooseSnapshot(context, db, args[0])));

        if (options.html !== undefined) {
          await writeReport(options.html, renderAuditHtml({ audit, snapshot: audit.snapshot }));
        }
        if (context.isJson) {
          context.printJson(audit);
        } else {
          printAudit(context, audit);
        }

        if (audit.snapshot.status !== "complete") {
          context.warn(`Snapshot ${audit.snapshot.id} is ${audit.snapshot.status}: ${audit.snapshot.error ?? "some kinds are missing"}.`);
        }
        for (const skipped of audit.skippedRules) {
          context.warn(`Rule ${skipped.rule} was not fully checked: ${skipped.reason}`);
        }
        if (options.html !== undefined) {
          context.notice(`Wrote the HTML report to ${options.html}`);
        }
        if (options.failOn !== undefined) {
          checkFailOn(audit, options.failOn);
        }
      }),
    );
  takeOfflineOptions(command);
}

function chooseSnapshot(context: CliContext, db: SnapshotDb, given: string | undefined): number {
  if (given !== undefined) {
    return parseSnapshotId(given);
  }

  const orgId = chooseStoredOrg(db, context.options.org, "audit");
  const complete = db.latestSnapshots(orgId, 1, { status: "complete" })[0];
  if (complete !== undefined) {
    return complete.id;
  }
  const newest = db.latestSnapshots(orgId, 1)[0];
  if (newest === undefined) {
    throw new InvalidInputError(`Org ${orgId} has no snapshot to audit. Run "wxadmin backup" first.`);
  }
  context.warn(`Org ${orgId} has no complete snapshot; auditing the newest one, ${newest.id}, which is ${newest.status}.`);
  return newest.id;
}

/**
 * @throws CommandExit (exit code 5) when the audit has a finding of severity `threshold` or a higher one
 */
function checkFailOn(audit: SnapshotAudit, threshold: Severity): void {
  const counted = SEVERITIES.slice(0, SEVERITIES.indexOf(threshold) + 1);
  const count = counted.reduce((sum, severity) => sum + audit.counts[severity], 0);
  if (count === 0) {
    return;
  }
  const parts = counted.filter((severity) => audit.counts[severity] > 0).map((severity) => `${audit.counts[severity]} ${severity}`);
  throw new CommandExit(
    `audit of snapshot ${audit.snapshot.id} has ${count} finding${count === 1 ? "" : "s"} at or above severity ${threshold} (${parts.join(", ")}); exit code ${FINDINGS_EXIT_CODE} because of --fail-on ${threshold}.`,
    FINDINGS_EXIT_CODE,
  );
}

function printAudit(context: CliContext, audit: SnapshotAudit): void {
  const summary = SEVERITIES.map((severity) => `${audit.counts[severity]} ${severity}`).join(", ");
  const header = `Audit of ${describeSnapshotOrg(audit.snapshot)}, snapshot ${audit.snapshot.id}: ${audit.findings.length} finding${audit.findings.length === 1 ? "" : "s"} (${summary})`;
  if (audit.findings.length === 0) {
    context.print(`${header}\nNo findings: every rule that ran found nothing to fix.`);
    return;
  }

  const rows = audit.findings.map((finding) => [finding.severity, finding.rule, finding.objectName ?? finding.objectId, finding.message, finding.fix]);
  const table = renderTable([{ header: "SEVERITY" }, { header: "RULE" }, { header: "OBJECT" }, { header: "PROBLEM" }, { header: "FIX" }], rows);
  context.print(`${header}\n\n${table}`);
}

/**
 * Writes the report through a temporary file, so a failed write never leaves half a report.
 *
 * @throws InvalidInputError when the file cannot be written
 */
async function writeReport(file: string, html: string): Promise<void> {
  const partial = `${file}.partial`;
  try {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await writeFile(partial, html, { mode: 0o600 });
    await rename(partial, file);
  } catch (error) {
    throw new InvalidInputError(`Cannot write the HTML report to ${file}: ${(error as Error).message}. Pass a writable path with --html.`, { cause: error });
  }
}
