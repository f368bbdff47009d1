/**
 * `wxadmin audit [SNAPSHOT]`: runs the audit rules over a stored snapshot and prints the
 * findings as a table or JSON, and with `--html FILE` writes the self-contained HTML report.
 * With `--fail-on SEVERITY` it exits with code 5 when a finding of that severity or a higher
 * one exists, so a scheduled job can alert on it.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { Option, type Command } from "commander";
import {
  AUDIT_RULES,
  AUDITED_KINDS,
  auditSnapshot,
  chooseAuditSnapshot,
  describeUncheckedRules,
  SEVERITIES,
  type AuditRuleId,
  type Finding,
  type Severity,
  type SnapshotAudit,
} from "../../jobs/audit.js";
import { renderAuditHtml } from "../../jobs/report-html.js";
import type { SnapshotDb } from "../../storage/snapshot-db.js";
import { createFolder } from "../../folders.js";
import { isSameId } from "../../ids.js";
import { exitCodeFor, InvalidInputError } from "../../transport/errors.js";
import { CommandExit, FINDINGS_EXIT_CODE } from "../command-exit.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { assertWritableTarget, writePrivateFile } from "../credential-files.js";
import { renderTable, shortenIds } from "../render.js";
import {
  chooseStoredOrg,
  DB_OPTION_HELP,
  describeSnapshotOrg,
  parseSnapshotArgument,
  requireStoredSnapshot,
  suggestCommand,
  takeOfflineOptions,
  withSnapshotDb,
  type DbCommandOptions,
} from "./snapshots.js";

interface AuditCommandOptions extends DbCommandOptions {
  html?: string;
  force?: boolean;
  wide?: boolean;
  failOn?: Severity;
}

/** Exit code of `--fail-on` when no finding counts but a rule it covers was not checked: 4, "finished but incomplete". */
const INCOMPLETE_EXIT_CODE = exitCodeFor("incomplete");
/** Passed-over snapshots named in the notice before "and N more". */
const MAX_PASSED_OVER_IN_NOTICE = 3;
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
        `Exit with code ${FINDINGS_EXIT_CODE} when a finding of this severity or a higher one exists, or with code ${INCOMPLETE_EXIT_CODE} when none does but a rule of such a severity was not checked, after printing the findings. Default: none, exit code 0 whatever the findings.`,
      ).choices([...SEVERITIES]),
    )
    .option("--db <file>", DB_OPTION_HELP)
    .addHelpText(
      "after",
      `
Rules:
${rules}

Without a snapshot id, audit reads the newest snapshot with a complete backup of every
kind the rules read, and names the newer snapshots it passed over (such as one written by
backup --kinds). A rule whose data the snapshot lacks is listed as not checked, in the
summary line, in --json (skippedRules) and in the HTML report.

With --fail-on: high counts high findings only, medium counts high and medium, low counts
all. A finding counted makes the exit code ${FINDINGS_EXIT_CODE}. Without one, a rule of a counted
severity that was not checked makes it ${INCOMPLETE_EXIT_CODE} ("finished but incomplete"), because the
absence of a finding then proves nothing. The output is the same as without --fail-on.

The table shows the severity, rule, object and fix of each finding. The problem of each
finding is in --wide, --json and the HTML report.

Examples:
  wxadmin audit
  wxadmin audit --wide
  wxadmin audit 12 --json > findings.json
  wxadmin audit --html audit.html
  wxadmin audit --fail-on high --html audit.html    # exit code 5 on a high finding, 4 when a high rule was not checked`,
    )
    .action(
      actionFor<AuditCommandOptions>(io, async (context, args, options) => {
        const force = options.force === true;
        if (options.html !== undefined) {
          await checkReportTarget(options.html, force);
        }
        const { audit, status } = await withSnapshotDb(context, options, async (db) => {
          const snapshotId = chooseSnapshot(context, db, args[0], options);
          return { audit: await auditSnapshot(db, snapshotId), status: db.describeStatus(snapshotId) };
        });

        if (options.html !== undefined) {
          const html = renderAuditHtml({ audit, snapshot: audit.snapshot, ...(options.db === undefined ? {} : { dbPath: options.db }) });
          await writeReport(options.html, html, force);
        }
        if (context.isJson) {
          context.printJson(audit);
        } else {
          printAudit(context, audit, options.wide === true);
        }

        if (status.effectiveStatus !== "complete") {
          const reason = status.stoppedReason ?? audit.snapshot.error ?? "some kinds are missing";
          context.warn(`Snapshot ${audit.snapshot.id} is ${status.effectiveStatus}: ${reason}.`);
        }
        for (const skipped of audit.skippedRules) {
          context.warn(`Rule ${skipped.rule} was not fully checked. ${skipped.reason}`);
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

/**
 * Returns the id of the snapshot to audit: the given one, which must belong to the `--org` org
 * when one is given, or else the org's newest snapshot with a complete backup of every kind the
 * rules read (see `chooseAuditSnapshot`).
 *
 * @throws InvalidInputError when the snapshot belongs to another org, or the org has none
 */
function chooseSnapshot(context: CliContext, db: SnapshotDb, given: string | undefined, options: DbCommandOptions): number {
  if (given !== undefined) {
    const id = parseSnapshotArgument(given, options);
    const org = context.options.org?.trim();
    const snapshot = requireStoredSnapshot(db, id, options);
    if (org !== undefined && !isSameId(snapshot.orgId, org)) {
      throw new InvalidInputError(
        `Snapshot ${id} belongs to org ${describeSnapshotOrg(snapshot)}, not to --org ${org}; remove --org, or give a snapshot of that org ("${suggestCommand(options, `snapshots list --org ${org}`)}" lists them).`,
      );
    }
    return id;
  }

  const choice = chooseAuditSnapshot(db, chooseStoredOrg(db, context.options.org, "audit", options, "give a snapshot id"));
  if (choice === undefined) {
    throw new InvalidInputError(`The snapshot database ${db.path} has no snapshot of that org to audit. Run "${suggestCommand(options, "backup")}" first.`);
  }
  const { snapshot, isFull, passedOver } = choice;
  if (!isFull) {
    context.warn(
      `No snapshot of org ${describeSnapshotOrg(snapshot)} has a complete backup of every kind the rules read (${AUDITED_KINDS.join(", ")}); auditing the newest, snapshot ${snapshot.id}, so some rules are not checked. Run "wxadmin backup" without --kinds to make a full one.`,
    );
  } else if (passedOver.length > 0) {
    const shown = passedOver.slice(0, MAX_PASSED_OVER_IN_NOTICE).map((entry) => entry.reason);
    const more = passedOver.length - shown.length;
    const reasons = more > 0 ? `${shown.join("; ")}; and ${more} more newer snapshot${more === 1 ? "" : "s"} lack data too` : shown.join("; ");
    context.notice(`${capitalize(reasons)}; auditing snapshot ${snapshot.id}, the newest with a complete backup of every kind the rules read. Give a snapshot id to audit another one.`);
  }
  return snapshot.id;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Ends the run when `--fail-on` applies. The exit code is 5 when the audit has a finding of
 * severity `threshold` or a higher one. Otherwise it is 4 when a rule of such a severity was not
 * fully checked, because then the absence of a finding proves nothing.
 *
 * @throws CommandExit with exit code 5 or 4
 */
function checkFailOn(audit: SnapshotAudit, threshold: Severity): void {
  const counted = SEVERITIES.slice(0, SEVERITIES.indexOf(threshold) + 1);
  const count = counted.reduce((sum, severity) => sum + audit.counts[severity], 0);
  const unchecked = audit.skippedRules.filter((skipped) => counted.includes(severityOf(skipped.rule)));
  const uncheckedNote = unchecked.length === 0 ? "" : ` ${unchecked.length} rule${unchecked.length === 1 ? "" : "s"} of that severity or higher ${unchecked.length === 1 ? "was" : "were"} not checked as well.`;
  if (count > 0) {
    const parts = counted.filter((severity) => audit.counts[severity] > 0).map((severity) => `${audit.counts[severity]} ${severity}`);
    throw new CommandExit(
      `audit of snapshot ${audit.snapshot.id} has ${count} finding${count === 1 ? "" : "s"} at or above severity ${threshold} (${parts.join(", ")}); exit code ${FINDINGS_EXIT_CODE} because of --fail-on ${threshold}.${uncheckedNote}`,
      FINDINGS_EXIT_CODE,
    );
  }
  if (unchecked.length > 0) {
    const rules = unchecked.map((skipped) => skipped.rule).join(", ");
    throw new CommandExit(
      `audit of snapshot ${audit.snapshot.id} is incomplete: ${unchecked.length} rule${unchecked.length === 1 ? "" : "s"} at or above severity ${threshold} ${unchecked.length === 1 ? "was" : "were"} not checked (${rules}); exit code ${INCOMPLETE_EXIT_CODE} because of --fail-on ${threshold}. Run "wxadmin backup" without --kinds, then audit again.`,
      INCOMPLETE_EXIT_CODE,
    );
  }
}

function severityOf(rule: AuditRuleId): Severity {
  return AUDIT_RULES.find((candidate) => candidate.id === rule)?.severity ?? "high";
}

function printAudit(context: CliContext, audit: SnapshotAudit, wide: boolean): void {
  const summary = SEVERITIES.map((severity) => `${audit.counts[severity]} ${severity}`).join(", ");
  const unchecked = describeUncheckedRules(audit);
  const header = `Audit of ${describeSnapshotOrg(audit.snapshot)}, snapshot ${audit.snapshot.id}: ${audit.findings.length} finding${audit.findings.length === 1 ? "" : "s"} (${summary})${unchecked === undefined ? "" : `; ${unchecked}`}`;
  if (audit.findings.length === 0) {
    const verdict =
      unchecked === undefined
        ? "No findings: every rule that ran found nothing to fix."
        : `No findings from the rules that ran, but ${audit.skippedRules.length} of ${AUDIT_RULES.length} rules were not checked, so problems may be missing. Run "wxadmin backup" without --kinds, then audit again.`;
    context.print(`${header}\n${verdict}`);
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
  // The hint is for a person reading the table; a file or pipe gets the table alone.
  if (isCut && isTerminal(context.io.stdout)) {
    context.notice("Texts that did not fit end with …; --wide prints them in full, as --json and --html do.");
  }
}

function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as NodeJS.WritableStream & { isTTY?: boolean }).isTTY === true;
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
  if ((await findEntryType(file)) === "folder") {
    throw new InvalidInputError(`--html ${file} is a folder; give a file path such as ${path.join(file, "audit.html")}.`);
  }
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
    // Node's message names the temporary file, which the user never gave, so only the error code is shown.
    throw new InvalidInputError(`Cannot write the HTML report to ${file} (${describeFileError(error)}). Pass a writable path with --html.`, { cause: error });
  }
}

const FILE_ERRORS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  ENOENT: "the folder does not exist or does not allow new files",
  EISDIR: "the path is a folder",
  ENOTDIR: "a part of the path is not a folder",
  EEXIST: "the file appeared while the report was written",
};

/** Describes a file system error by its code, such as `EACCES: permission denied`, without Node's message and the paths in it. */
function describeFileError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") {
    return "unknown error";
  }
  const text = FILE_ERRORS[code];
  return text === undefined ? code : `${code}: ${text}`;
}

/** Returns whether `candidate` is a folder, something else, or missing (or unreadable). */
async function findEntryType(candidate: string): Promise<"folder" | "other" | "missing"> {
  try {
    return (await stat(candidate)).isDirectory() ? "folder" : "other";
  } catch {
    return "missing";
  }
}
