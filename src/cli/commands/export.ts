/**
 * `wxadmin export SNAPSHOT --format json|csv --out DIR`: writes a stored snapshot to files, one
 * per kind, plus manifest.json.
 */
import { Option, type Command } from "commander";
import { exportSnapshot, MANIFEST_FILE, type ExportFormat } from "../../jobs/export.js";
import { InvalidInputError } from "../../transport/errors.js";
import { actionFor, type CliIo } from "../context.js";
import { collectList } from "../options.js";
import { formatCount, renderTable } from "../render.js";
import { DB_OPTION_HELP, parseSnapshotId, takeOfflineOptions, withSnapshotDb, type DbCommandOptions } from "./snapshots.js";

interface ExportCommandOptions extends DbCommandOptions {
  format: ExportFormat;
  out: string;
  kinds?: string[];
  excelSafe?: boolean;
}

export function registerExportCommand(program: Command, io: CliIo): void {
  const command = program
    .command("export")
    .description("Write a stored snapshot to files: one JSON or CSV file per kind, plus manifest.json.")
    .argument("<snapshot>", 'Snapshot id, as "wxadmin snapshots list" shows it.')
    .addOption(new Option("--format <format>", "File format: json (objects exactly as stored) or csv (nested fields as dotted columns).").choices(["json", "csv"]).makeOptionMandatory())
    .requiredOption("--out <dir>", "Folder for the files; created when missing. Files of the same names are replaced.")
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

Without --excel-safe, every CSV cell holds the stored value exactly, such as the phone
number +12175550100, and a program that imports the files back expects this. Excel,
LibreOffice Calc and Google Sheets may run a cell that starts with = or @ as a formula, so
use --excel-safe for files that people open in a spreadsheet. The manifest records the
choice as "excelSafe".

Examples:
  wxadmin export 12 --format csv --out ./acme-2026-01-31
  wxadmin export 12 --format csv --excel-safe --out ./acme-for-review`,
    )
    .action(
      actionFor<ExportCommandOptions>(io, async (context, args, options) => {
        const id = parseSnapshotId(args[0] ?? "");
        if (options.excelSafe && options.format !== "csv") {
          throw new InvalidInputError("--excel-safe applies to --format csv only; JSON files keep every value exactly as stored. Remove --excel-safe or use --format csv.");
        }
        const result = await withSnapshotDb(context, options, (db) =>
          exportSnapshot(db, id, { format: options.format, outDir: options.out, kinds: options.kinds, excelSafe: options.excelSafe }),
        );

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
