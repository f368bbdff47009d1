/**
 * `wxadmin diff [A B]`: what changed between two snapshots of one org, per kind, down to the
 * field. Without ids it compares the two newest complete snapshots of the org. Only kinds that
 * both snapshots read completely are compared, and the output names the others.
 */
import type { Command } from "commander";
import { countKindDiff, diffSnapshots, isEmptyDiff, type FieldChange, type SnapshotDiff } from "../../jobs/diff.js";
import type { Snapshot, SnapshotDb } from "../../storage/snapshot-db.js";
import { InvalidInputError } from "../../transport/errors.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { collectList } from "../options.js";
import { formatCount, formatInstant, shellQuote } from "../render.js";
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

interface DiffCommandOptions extends DbCommandOptions {
  ignore?: string[];
}

/** Maximum length of a value in the text output; `--json` has the full values. */
const MAX_VALUE_LENGTH = 120;

export function registerDiffCommand(program: Command, io: CliIo): void {
  const command = program
    .command("diff")
    .description("Show the objects added, removed and changed between two snapshots of one org, with the changed fields.")
    .argument("[from]", "The older snapshot id. Default: the second newest complete snapshot of the org.")
    .argument("[to]", "The newer snapshot id. Default: the newest complete snapshot of the org.")
    .option(
      "--ignore <fields>",
      "Fields to leave out, as KIND:PATH, such as people:lastActivity or locations:address.city; repeat the flag or separate with commas. Default: none.",
      collectList,
    )
    .option("--db <file>", DB_OPTION_HELP)
    .addHelpText(
      "after",
      `
Without snapshot ids, --org picks the org (needed only when the database holds several).
Only kinds that both snapshots read completely are compared. A kind that one snapshot lacks
(a backup with --kinds) or holds only in part (an incomplete backup) is listed as not
compared, with the reason, rather than shown as added or removed.
Arrays such as licenses or emails count as changed only when their elements differ, not
when Webex lists them in another order.

Examples:
  wxadmin diff                 # the two newest complete snapshots of the only org
  wxadmin diff 3 7 --json      # snapshot 3 against snapshot 7, as JSON`,
    )
    .action(
      actionFor<DiffCommandOptions>(io, async (context, args, options) => {
        await withSnapshotDb(context, options, async (db) => {
          const [fromId, toId] = chooseSnapshots(context, db, args, options);
          const diff = await diffSnapshots(db, fromId, toId, { ignoreFields: options.ignore });
          if (isNewerSnapshot(diff.from, diff.to)) {
            context.warn(
              `Snapshot ${fromId} (${formatInstant(new Date(diff.from.startedAt))}) is newer than snapshot ${toId} (${formatInstant(new Date(diff.to.startedAt))}), ` +
                `so this diff runs from newer to older: objects added since show as removed, and removed ones as added. ` +
                `To compare from older to newer, run "${suggestCommand(options, `diff ${toId} ${fromId}`)}".`,
            );
          }
          warnAboutSkippedKinds(context, db, diff);
          if (context.isJson) {
            context.printJson(diff);
            return;
          }
          printDiff(context, diff);
        });
      }),
    );
  takeOfflineOptions(command);
}

function chooseSnapshots(context: CliContext, db: SnapshotDb, args: string[], options: DbCommandOptions): [number, number] {
  if (args.length === 2) {
    const fromId = parseSnapshotArgument(args[0] ?? "", options);
    const toId = parseSnapshotArgument(args[1] ?? "", options);
    if (fromId === toId) {
      throw new InvalidInputError(
        `Give two different snapshots to compare; both ids are ${fromId}. Run "${suggestCommand(options, "snapshots list")}" to see the stored snapshots.`,
      );
    }
    requireStoredSnapshot(db, fromId, options);
    requireStoredSnapshot(db, toId, options);
    return [fromId, toId];
  }
  if (args.length === 1) {
    throw new InvalidInputError(`Give two snapshot ids (older first), or none to compare the two newest complete snapshots of the org; got only ${args[0]}.`);
  }

  const orgId = chooseStoredOrg(db, context.options.org, "diff", options);
  const latest = db.latestSnapshots(orgId, 2, { status: "complete" });
  const [newer, older] = latest;
  if (newer === undefined || older === undefined) {
    const orgFlag = context.options.org === undefined ? "" : ` --org ${shellQuote(context.options.org)}`;
    const newestOfOrg = db.latestSnapshots(orgId, 1)[0];
    const org = newestOfOrg === undefined ? orgId : describeSnapshotOrg(newestOfOrg);
    throw new InvalidInputError(
      `Nothing to diff yet: org ${org} has ${latest.length} complete snapshot${latest.length === 1 ? "" : "s"} and diff needs two. ` +
        `Run "${suggestCommand(options, `backup${orgFlag}`)}" again later, then "${suggestCommand(options, `diff${orgFlag}`)}".`,
    );
  }
  const newest = db.latestSnapshots(orgId, 1)[0];
  if (newest !== undefined && newest.id !== newer.id) {
    context.warn(`Snapshot ${newest.id} is newer but ${db.describeStatus(newest).effectiveStatus}, so it is not compared; pass ids to compare it anyway.`);
  }
  return [older.id, newer.id];
}

/** True when `a` was taken after `b`: a later start time, or the same one and a higher id. */
function isNewerSnapshot(a: Snapshot, b: Snapshot): boolean {
  const difference = Date.parse(a.startedAt) - Date.parse(b.startedAt);
  return difference > 0 || (difference === 0 && a.id > b.id);
}

/** Warns on stderr when kinds were left out because a snapshot is incomplete, or when no kind could be compared. */
function warnAboutSkippedKinds(context: CliContext, db: SnapshotDb, diff: SnapshotDiff): void {
  for (const [snapshot, side] of [
    [diff.from, "from"],
    [diff.to, "to"],
  ] as const) {
    const unfinished = diff.notCompared.filter((skipped) => skipped[side] === "incomplete").map((skipped) => skipped.kind);
    if (unfinished.length > 0) {
      const status = db.describeStatus(snapshot);
      const stopped = status.stoppedReason === undefined ? "" : " (its backup process stopped)";
      context.warn(`Snapshot ${snapshot.id} is ${status.effectiveStatus}${stopped}, so kinds its backup did not finish are not compared: ${unfinished.join(", ")}.`);
    }
  }
  if (Object.keys(diff.byKind).length === 0) {
    context.warn(`Snapshots ${diff.from.id} and ${diff.to.id} have no kind that both read completely, so nothing was compared.`);
  }
}

function printDiff(context: CliContext, diff: SnapshotDiff): void {
  const compared = Object.keys(diff.byKind);
  const lines = [
    `Changes in ${describeSnapshotOrg(diff.to)}`,
    `from snapshot ${diff.from.id} (${formatInstant(new Date(diff.from.startedAt))}) to snapshot ${diff.to.id} (${formatInstant(new Date(diff.to.startedAt))})`,
    compared.length === 0 ? "Compared no kinds" : `Compared ${compared.length} kind${compared.length === 1 ? "" : "s"}: ${compared.join(", ")}`,
  ];
  if (diff.notCompared.length > 0) {
    lines.push("Not compared:");
    for (const skipped of diff.notCompared) {
      lines.push(`  ${skipped.kind}: ${skipped.reason}`);
    }
  }

  for (const [kind, kindDiff] of Object.entries(diff.byKind)) {
    const counts = countKindDiff(kindDiff);
    lines.push(
      "",
      `${kind}: ${formatCount(counts.added)} added, ${formatCount(counts.removed)} removed, ${formatCount(counts.changed)} changed, ${formatCount(counts.unchanged)} unchanged`,
    );
    for (const object of kindDiff.added) {
      lines.push(`  + ${describeObjectLine(object.id, object.name)}`);
    }
    for (const object of kindDiff.removed) {
      lines.push(`  - ${describeObjectLine(object.id, object.name)}`);
    }
    for (const object of kindDiff.changed) {
      lines.push(`  ~ ${describeObjectLine(object.id, object.name)}`);
      for (const field of object.fields) {
        lines.push(`      ${describeFieldChange(field)}`);
      }
    }
  }
  if (compared.length > 0 && isEmptyDiff(diff)) {
    const skipped = diff.notCompared.length;
    // A diff that left kinds out must not read as "nothing changed" in the whole org.
    const scope = skipped === 0 ? "" : ` in the compared ${compared.length === 1 ? "kind" : "kinds"}; ${skipped} ${skipped === 1 ? "kind was" : "kinds were"} not compared (see above)`;
    lines.push("", `No differences${scope}.`);
  }
  context.print(lines.join("\n"));
}

function describeObjectLine(id: string, name: string | undefined): string {
  return name === undefined || name === id ? id : `${name} (${id})`;
}

/** Formats one field change as `path: before -> after`, with "(absent)" for a missing side. */
export function describeFieldChange(change: FieldChange): string {
  const before = Object.hasOwn(change, "before") ? formatValue(change.before) : "(absent)";
  const after = Object.hasOwn(change, "after") ? formatValue(change.after) : "(absent)";
  return `${change.path}: ${before} -> ${after}`;
}

function formatValue(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  return text.length <= MAX_VALUE_LENGTH ? text : `${text.slice(0, MAX_VALUE_LENGTH - 1)}…`;
}
