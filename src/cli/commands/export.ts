/**
 * `wxadmin export SNAPSHOT --format json|csv --out DIR`: writes a stored snapshot to files, one
 * per kind, plus manifest.json, into a new or empty folder, or over an earlier export with --force.
 */
import path from "node:path";
import { Option, type Command } from "commander";
import { exportSnapshot, MANIFEST_FILE, type ExportFormat, type ExportResult } from "../../jobs/export.js";
import type { Snapshot, SnapshotStatusDescription } from "../../storage/snapshot-db.js";
import { InvalidInputError } from "../../transport/errors.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { collectList } from "../options.js";
import { formatCount, renderTable } from "../render.js";
import {
  DB_OPTION_HELP,
  parseSnapshotArgument,
  requireStoredSnapshot,
  suggestCommand,
  takeOfflineOptions,
  withSnapshotDb,
  type DbCommandOptions,
} from "./snapshots.js";

interface ExportCommandOptions extends DbCommandOptions {
  format: ExportFormat;
  out: string;
  kinds?: string[];
  excelSafe?: boolean;
  force?: boolean;
}

export function registerExportCommand(program: Command, io: CliIo): void {
  const command = program
    .command("export")
    .description("Write a stored snapshot to files: one JSON or CSV file per kind, plus manifest.json.")
    .argument("<snapshot>", 'Snapshot id, as "wxadmin snapshots list" shows it.')
    .addOption(new Option("--format <format>", "Required. File format: json (objects exactly as stored) or csv (nested fields as dotted columns).").choices(["json", "csv"]).makeOptionMandatory())
    .requiredOption("--out <dir>", "Required. Folder for the files; created when missing. It must be empty unless --force is given.")
    .option(
      "--force",
      "Replace an earlier export in the --out folder: delete the files its manifest.json lists that this export does not rewrite, keep every other file, then write. Default: off, a folder that is not empty is an error.",
    )
    .option("--kinds <kinds>", "Kinds to export, separated by commas, such as people,numbers. Default: every kind of the snapshot.", collectList)
    .option(
      "--excel-safe",
      "CSV only: put a single quote before every cell that starts with =, +, -, @, a tab, a carriage return or NUL, so a spreadsheet shows it as text instead of running it as a formula. The quote becomes part of the value (+12175550100 is written as '+12175550100). Default: off, every cell as stored.",
    )
    .option("--db <file>", DB_OPTION_HELP)
    .addHelpText(
      "after",
      `
JSON files hold an array with one object per line, exactly as Webex returned it.
CSV files (RFC 4180, UTF-8, CRLF) have one row per object; arrays are written as JSON text.
The files hold personal data and are created readable by their owner only (mode 0600).
A snapshot whose backup did not finish is exported as stored, with a warning that names the
kinds whose files contain only part of the list.

--force exports again into a folder that holds an earlier export: the files of the earlier
export that this one does not rewrite (another format or other --kinds) are deleted, so the
folder contains exactly what the new manifest.json lists, plus any files that are not part of
an export, which stay as they are.

Without --excel-safe, every CSV cell holds the stored value exactly, such as the phone
number +12175550100, and a program that imports the files back expects this. Excel,
LibreOffice Calc and Google Sheets may run a cell that starts with = or @ as a formula, so
use --excel-safe for files that people open in a spreadsheet. The manifest records the
choice as "excelSafe".

Examples:
  wxadmin export 12 --format csv --out ./acme-2026-01-31
  wxadmin export 12 --format csv --excel-safe --out ./acme-for-review
  wxadmin export 13 --format csv --out ./acme-latest --force   # replace the earlier export`,
    )
    .action(
      actionFor<ExportCommandOptions>(io, async (context, args, options) => {
        const id = parseSnapshotArgument(args[0] ?? "", options);
        if (options.excelSafe && options.format !== "csv") {
          throw new InvalidInputError("--excel-safe applies to --format csv only; JSON files keep every value exactly as stored. Remove --excel-safe or use --format csv.");
        }
        const { snapshot, status, result } = await withSnapshotDb(context, options, async (db) => ({
          snapshot: requireStoredSnapshot(db, id, options),
          status: db.describeStatus(id),
          result: await exportSnapshot(db, id, {
            format: options.format,
            outDir: options.out,
            kinds: options.kinds,
            excelSafe: options.excelSafe,
            overwrite: options.force === true,
          }),
        }));
        warnAboutIncompleteKinds(context, snapshot, status, result, options);
        if (result.removedFiles.length > 0) {
          const count = result.removedFiles.length;
          const names = result.removedFiles.map((file) => path.basename(file)).join(", ");
          context.notice(`Deleted ${count} file${count === 1 ? "" : "s"} of the earlier export that this one does not rewrite: ${names}.`);
        }

        if (context.isJson) {
          context.printJson(result);
          return;
        }
        const rows = result.files.map((file) => [file.kind, formatCount(file.count), file.path]);
        context.print(renderTable([{ header: "KIND" }, { header: "OBJECTS", alignRight: true }, { header: "FILE" }], rows));
        context.notice(`Exported snapshot ${id} to ${options.out} (${MANIFEST_FILE} describes the snapshot).`);
      }),
    );
  takeOfflineOptions(command);
}

/** Warns when the files of some exported kinds contain only part of their list, because their backup did not finish. */
function warnAboutIncompleteKinds(
  context: CliContext,
  snapshot: Snapshot,
  status: SnapshotStatusDescription,
  result: ExportResult,
  options: DbCommandOptions,
): void {
  const unfinished = result.files.filter((file) => !file.complete).map((file) => file.kind);
  if (unfinished.length === 0) {
    return;
  }
  const files = unfinished.length === 1 ? "its file contains" : "their files contain";
  if (status.effectiveStatus === "running") {
    context.warn(
      `Snapshot ${snapshot.id} is still being written by a backup, which has not finished ${unfinished.join(", ")}, so ${files} only the objects read so far. Export again once the backup has finished.`,
    );
    return;
  }
  const stopped = status.stoppedReason === undefined ? "" : " (its backup process stopped)";
  context.warn(
    `Snapshot ${snapshot.id} is ${status.effectiveStatus}${stopped}: the backup did not finish ${unfinished.join(", ")}, so ${files} only the objects read before it stopped. ` +
      `Resume the backup with "${suggestCommand(options, `backup --resume ${snapshot.id}`)}", then export again.`,
  );
}
