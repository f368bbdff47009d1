/**
 * `wxadmin diff [A B]`: what changed between two snapshots of one org, per kind, down to the
 * field. Without ids it compares the two newest complete snapshots of the org.
 */
import type { Command } from "commander";
import { countKindDiff, diffSnapshots, isEmptyDiff, type FieldChange, type SnapshotDiff } from "../../jobs/diff.js";
import type { SnapshotDb } from "../../storage/snapshot-db.js";
import { InvalidInputError } from "../../transport/errors.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { collectList } from "../options.js";
import { formatInstant } from "../render.js";
import { chooseStoredOrg, DB_OPTION_HELP, describeSnapshotOrg, parseSnapshotId, takeOfflineOptions, withSnapshotDb, type DbCommandOptions } from "./snapshots.js";

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
Arrays such as licenses or emails count as changed only when their elements differ, not
when Webex lists them in another order.

Examples:
  wxadmin diff                 # the two newest complete snapshots of the only org
  wxadmin diff 3 7 --json      # snapshot 3 against snapshot 7, as JSON`,
    )
    .action(
      actionFor<DiffCommandOptions>(io, async (context, args, options) => {
        await withSnapshotDb(context, options, async (db) => {
          const [fromId, toId] = chooseSnapshots(context, db, args);
          const diff = await diffSnapshots(db, fromId, toId, { ignoreFields: options.ignore });
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

function chooseSnapshots(context: CliContext, db: SnapshotDb, args: string[]): [number, number] {
  if (args.length === 2) {
    return [parseSnapshotId(args[0] ?? ""), parseSnapshotId(args[1] ?? "")];
  }
  if (args.length === 1) {
    throw new InvalidInputError(`Give two snapshot ids (older first), or none to compare the two newest complete snapshots of the org; got only ${args[0]}.`);
  }

  const orgId = chooseStoredOrg(db, context.options.org, "diff");
  const latest = db.latestSnapshots(orgId, 2, { status: "complete" });
  const [newer, older] = latest;
  if (newer === undefined || older === undefined) {
    const orgFlag = context.options.org === undefined ? "" : ` --org ${context.options.org}`;
    throw new InvalidInputError(
      `Nothing to diff yet: org ${orgId} has ${latest.length} complete snapshot${latest.length === 1 ? "" : "s"} and diff needs two. ` +
        `Run "wxadmin backup${orgFlag}" again later, then "wxadmin diff${orgFlag}".`,
    );
  }
  const newest = db.latestSnapshots(orgId, 1)[0];
  if (newest !== undefined && newest.id !== newer.id) {
    context.warn(`Snapshot ${newest.id} is newer but ${newest.status}, so it is not compared; pass ids to compare it anyway.`);
  }
  return [older.id, newer.id];
}

function printDiff(context: CliContext, diff: SnapshotDiff): void {
  const lines = [
    `Changes in ${describeSnapshotOrg(diff.to)}`,
    `from snapshot ${diff.from.id} (${formatInstant(new Date(diff.from.startedAt))}) to snapshot ${diff.to.id} (${formatInstant(new Date(diff.to.startedAt))})`,
  ];
  for (const snapshot of [diff.from, diff.to]) {
    if (snapshot.status !== "complete") {
      context.warn(`Snapshot ${snapshot.id} is ${snapshot.status}, so objects of its unfinished kinds show as added or removed.`);
    }
  }

  for (const [kind, kindDiff] of Object.entries(diff.byKind)) {
    const counts = countKindDiff(kindDiff);
    lines.push("", `${kind}: ${counts.added} added, ${counts.removed} removed, ${counts.changed} changed, ${counts.unchanged} unchanged`);
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
  if (isEmptyDiff(diff)) {
    lines.push("", "No differences.");
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
