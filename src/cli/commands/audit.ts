/**
 * `wxadmin audit [SNAPSHOT]`: runs the audit rules over a stored snapshot and prints the
 * findings as a table or JSON, and with `--html FILE` writes the self-contained HTML report.
 * With `--fail-on SEVERITY` it exits with code 5 when a finding of that severity or a higher
 * one exists, so a scheduled job can alert on it.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { Option, type Command } from "commander";
import { AUDIT_RULES, auditSnapshot, SEVERITIES, type Finding, type Severity, type SnapshotAudit } from "../../jobs/audit.js";
import { renderAuditHtml } from "../../jobs/report-html.js";
import type { SnapshotDb } from "../../storage/snapshot-db.js";
import { createFolder } from "../../folders.js";
import { InvalidInputError } from "../../transport/errors.js";
import { CommandExit, FINDINGS_EXIT_CODE } from "../command-exit.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { assertWritableTarget, writePrivateFile } from "../credential-files.js";
import { renderTable, shortenIds } from "../render.js";
import { chooseStoredOrg, DB_OPTION_HELP, describeSnapshotOrg, parseSnapshotId, takeOfflineOptions, withSnapshotDb, type DbCommandOptions } from "./snapshots.js";

interface AuditCommandOptions extends DbCommandOptions {
  html?: string;
  force?: boolean;
  wide?: boolean;
  failOn?: Severity;
}

/** Width of the findings table when stdout is not a terminal, in characters. */
const DEFAULT_TABLE_WIDTH = 120;
/** The narrowest table drawn for a terminal, in characters; a narrower terminal wraps its lines. */
const MIN_TABLE_WIDTH = 80;
/** Widest OBJECT column of the table; longer names are cut. */
const MAX_OBJECT_WIDTH = 28;
/** Narrowest FIX column of the table, whatever the other columns take. */
const MIN_FIX_WIDTH = 30;

export function registerAuditCommand(program: Command, io: CliIo): void {
  const rules = AUDIT_RULES.map((rule) => `  ${rule.severity.padEnd(6)}  ${rule.id.padEnd(28)}  ${rule.title}`).join("\n");
  const command = program
    .command("audit")
    .description("Check a stored snapshot for problems an administrator should fix; each finding names the object and the fix.")
    .argument("[snapshot]", "Snapshot id. Default: the newest complete snapshot of the org (--org picks it when the database holds several).")
    .option("--html <file>", "Also write the report as one self-contained HTML file (charts and table, no external resources). Default: none.")
    .option("--force", "Replace the --html file if it exists. Default: off, an existing file is an error.")
    .option(
      "--wide",
      `Print every column in full, the problem of each finding included. Default: off, a table of about ${DEFAULT_TABLE_WIDTH} characters (the terminal's width on a terminal) with long names and fixes cut.`,
    )
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

The table shows the severity, rule, object and fix of each finding. The problem of each
finding is in --wide, --json and the HTML report.

Examples:
  wxadmin audit
  wxadmin audit --wide
  wxadmin audit 12 --json > findings.json
  wxadmin audit --html audit.html
  wxadmin audit --fail-on high --html audit.html    # exit code 5 on a high finding`,
    )
    .action(
      actionFor<AuditCommandOptions>(io, async (context, args, options) => {
        const force = options.force === true;
        if (options.html !== undefined) {
          await checkReportTarget(options.html, force);
        }
        const audit = await withSnapshotDb(context, options, (db) => auditSnapshot(db, chooseSnapshot(context, db, args[0])));

        if (options.html !== undefined) {
          await writeReport(options.html, renderAuditHtml({ audit, snapshot: audit.snapshot }), force);
        }
        if (context.isJson) {
          context.printJson(audit);
        } else {
          printAudit(context, audit, options.wide === true);
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

function printAudit(context: CliContext, audit: SnapshotAudit, wide: boolean): void {
  const summary = SEVERITIES.map((severity) => `${audit.counts[severity]} ${severity}`).join(", ");
  const header = `Audit of ${describeSnapshotOrg(audit.snapshot)}, snapshot ${audit.snapshot.id}: ${audit.findings.length} finding${audit.findings.length === 1 ? "" : "s"} (${summary})`;
  if (audit.findings.length === 0) {
    context.print(`${header}\nNo findings: every rule that ran found nothing to fix.`);
    return;
  }

  if (wide) {
    const rows = audit.findings.map((finding) => [finding.severity, finding.rule, finding.objectName ?? finding.objectId, finding.message, finding.fix]);
    const table = renderTable([{ header: "SEVERITY" }, { header: "RULE" }, { header: "OBJECT" }, { header: "PROBLEM" }, { header: "FIX" }], rows);
    context.print(`${header}\n\n${table}`);
    return;
  }

  const { table, isCut } = renderNarrowTable(audit.findings, tableWidth(context));
  context.print(`${header}\n\n${table}`);
  if (isCut) {
    context.notice("Texts that did not fit end with …; --wide prints them in full, as --json and --html do.");
  }
}

/** Returns the width the findings table fits in: the terminal's, or 120 characters when stdout is not a terminal. */
function tableWidth(context: CliContext): number {
  const stdout = context.io.stdout as NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  if (stdout.isTTY === true && typeof stdout.columns === "number" && stdout.columns > 0) {
    return Math.max(MIN_TABLE_WIDTH, stdout.columns);
  }
  return DEFAULT_TABLE_WIDTH;
}

/**
 * Renders the findings as SEVERITY, RULE, OBJECT and FIX columns within `width` characters. The
 * problem text is left out, because it repeats the object's name and the fix names the action.
 * People's email addresses are left out of names and fixes. Object names longer than 28
 * characters and fixes longer than the space left are cut with "…".
 */
function renderNarrowTable(findings: readonly Finding[], width: number): { table: string; isCut: boolean } {
  const unnamedIds = shortenIds(findings.filter((finding) => finding.objectName === undefined).map((finding) => finding.objectId));
  const objects = findings.map((finding) => (finding.objectName === undefined ? (unnamedIds.get(finding.objectId) ?? finding.objectId) : removeEmails(finding.objectName)));

  const severityWidth = Math.max("SEVERITY".length, ...findings.map((finding) => finding.severity.length));
  const ruleWidth = Math.max("RULE".length, ...findings.map((finding) => finding.rule.length));
  const objectWidth = Math.min(MAX_OBJECT_WIDTH, Math.max("OBJECT".length, ...objects.map((object) => object.length)));
  const separators = 3 * 2;
  const fixWidth = Math.max(MIN_FIX_WIDTH, width - severityWidth - ruleWidth - objectWidth - separators);

  let isCut = false;
  const cut = (text: string, limit: number): string => {
    if (text.length <= limit) {
      return text;
    }
    isCut = true;
    return `${text.slice(0, limit - 1).trimEnd()}…`;
  };
  const rows = findings.map((finding, index) => [finding.severity, finding.rule, cut(objects[index] ?? "", objectWidth), cut(removeEmails(finding.fix), fixWidth)]);
  const table = renderTable([{ header: "SEVERITY" }, { header: "RULE" }, { header: "OBJECT" }, { header: "FIX" }], rows);
  return { table, isCut };
}

/** Removes the email addresses that the audit adds to people's names: `Bob Brown` for `Bob Brown <bob@example.com>`. */
function removeEmails(text: string): string {
  return text.replace(/ <[^<>\s]+@[^<>\s]+>/g, "");
}

/**
 * Checks before the audit runs that the report can be written: an existing file is replaced
 * only with `--force`, as `apps token --out` does. A folder that does not exist yet is created
 * when the report is written.
 *
 * @throws InvalidInputError naming the path and the fix
 */
async function checkReportTarget(file: string, force: boolean): Promise<void> {
  const folder = path.dirname(path.resolve(file));
  if ((await findEntryType(folder)) === "folder") {
    await assertWritableTarget(file, force, "--html file");
  }
}

/**
 * Writes the report with mode 0600 through a temporary file, so a failed write never leaves
 * half a report, and without `force` never replaces a file that appeared meanwhile.
 *
 * @throws InvalidInputError when the file cannot be written or exists and `force` is false
 */
async function writeReport(file: string, html: string, force: boolean): Promise<void> {
  try {
    await createFolder(path.dirname(path.resolve(file)), {
      name: "folder",
      option: "--html",
      notAFolderFix: "Pass another path with --html.",
    });
    await writePrivateFile(file, html, force);
  } catch (error) {
    if (error instanceof InvalidInputError) {
      throw error;
    }
    throw new InvalidInputError(`Cannot write the HTML report to ${file}: ${(error as Error).message}. Pass a writable path with --html.`, { cause: error });
  }
}

/** Returns whether `candidate` is a folder, something else, or missing (or unreadable). */
async function findEntryType(candidate: string): Promise<"folder" | "other" | "missing"> {
  try {
    return (await stat(candidate)).isDirectory() ? "folder" : "other";
  } catch {
    return "missing";
  }
}
