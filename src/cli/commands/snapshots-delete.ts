/**
 * `wxadmin snapshots delete ID [ID...]`: deletes snapshots with their objects, and with
 * `--vacuum` rewrites the database file without the freed space. SQLite keeps freed pages in
 * the file for later writes, so without `--vacuum` the file keeps its size.
 */
import { statSync } from "node:fs";
import type { Command } from "commander";
import { SnapshotBusyError, type DeletedSnapshot, type SnapshotDb } from "../../storage/snapshot-db.js";
import { InvalidInputError } from "../../transport/errors.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { formatCount, formatInstant } from "../render.js";
import { DB_OPTION_HELP, openSnapshotDbForWriting, parseSnapshotArgument, suggestCommand, type DbCommandOptions } from "./snapshots.js";

interface DeleteOptions extends DbCommandOptions {
  vacuum?: boolean;
}

/** Adds `delete` to the `snapshots` command group. */
export function registerSnapshotsDeleteCommand(snapshots: Command, io: CliIo): void {
  const run = actionFor<DeleteOptions>(io, async (context, args, options) => {
    await deleteSnapshots(context, args, options);
  });

  snapshots
    .command("delete")
    .description("Delete snapshots with all their objects; --vacuum then shrinks the database file.")
    .argument("[snapshots...]", "Snapshot ids, as snapshots list shows them.")
    .option(
      "--vacuum",
      "After deleting, rewrite the file without the freed space (SQLite VACUUM). It may take a while on a large file and needs free disk space of up to twice the file's size. Default: off.",
    )
    .option("--db <file>", DB_OPTION_HELP)
    .addHelpText(
      "after",
      `
Deletes every given snapshot, or none when an id is unknown or a running backup writes one
of them (stop that backup first). Exit code 2 in both cases. The file keeps its size until it
is compacted: later backups reuse the freed space, and --vacuum shrinks the file now, also
without ids.

Examples:
  wxadmin snapshots delete 3 4
  wxadmin snapshots delete 5 --vacuum
  wxadmin snapshots delete --vacuum`,
    )
    // Commander passes the variadic ids as one array; actionFor takes positional arguments one by one.
    .action((ids: string[], options: DeleteOptions, command: Command) => run(...ids, options, command));
}

async function deleteSnapshots(context: CliContext, args: string[], options: DeleteOptions): Promise<void> {
  if (args.length === 0 && options.vacuum !== true) {
    throw new InvalidInputError(
      `Give the ids of the snapshots to delete, such as "${suggestCommand(options, "snapshots delete 3 4")}" ("${suggestCommand(options, "snapshots list")}" shows them), or --vacuum alone to shrink the file.`,
    );
  }
  const ids = args.map((arg) => parseSnapshotArgument(arg, options));

  const db = openSnapshotDbForWriting(context, options);
  let deleted: DeletedSnapshot[];
  try {
    deleted = deleteAll(db, ids, options);
    if (!context.isJson) {
      printDeleted(context, deleted);
    }
    if (options.vacuum === true) {
      compact(context, db, options);
    }
  } finally {
    // The last connection to close moves the write-ahead log into the file, so sizes are measured after it.
    db.close();
  }

  const fileBytes = measureFile(db.path);
  if (options.vacuum === true) {
    context.notice(`Compacted ${db.path} to ${formatBytes(fileBytes)}.`);
  } else if (deleted.length > 0) {
    context.notice(
      `The file ${db.path} keeps its size (${formatBytes(fileBytes)}) until it is compacted; later backups reuse the freed space. ` +
        `To shrink it now, run: ${suggestCommand(options, "snapshots delete --vacuum")}`,
    );
  }
  if (context.isJson) {
    context.printJson({ deleted: deleted.map(({ snapshot, objects }) => ({ ...snapshot, objects })), vacuumed: options.vacuum === true, fileBytes });
  }
}

/** @throws InvalidInputError when an id is unknown or a running backup writes a snapshot; nothing is deleted then */
function deleteAll(db: SnapshotDb, ids: number[], options: DbCommandOptions): DeletedSnapshot[] {
  if (ids.length === 0) {
    return [];
  }
  // Checked here as well as in `deleteSnapshots`, so that the suggested command names the user's --db.
  const missing = [...new Set(ids)].filter((id) => db.getSnapshot(id) === undefined);
  if (missing.length > 0) {
    const named = missing.length === 1 ? `Snapshot ${missing[0]} is` : `Snapshots ${missing.join(", ")} are`;
    throw new InvalidInputError(`${named} not in ${db.path}, so nothing was deleted; run "${suggestCommand(options, "snapshots list")}" to see the stored snapshots.`);
  }
  try {
    return db.deleteSnapshots(ids);
  } catch (error) {
    if (error instanceof SnapshotBusyError) {
      throw new InvalidInputError(`${error.message} Nothing was deleted.`, { cause: error });
    }
    throw error;
  }
}

function printDeleted(context: CliContext, deleted: DeletedSnapshot[]): void {
  for (const { snapshot, objects } of deleted) {
    context.print(
      `Deleted snapshot ${snapshot.id} (${snapshot.orgName === "" ? snapshot.orgId : snapshot.orgName}, started ${formatInstant(new Date(snapshot.startedAt))}, ${snapshot.status}): ` +
        `${formatCount(objects)} object${objects === 1 ? "" : "s"}.`,
    );
  }
}

/**
 * Runs VACUUM.
 *
 * @throws Error (exit code 1) when SQLite cannot compact the file, such as while a backup writes to it
 */
function compact(context: CliContext, db: SnapshotDb, options: DbCommandOptions): void {
  context.notice(`Compacting ${db.path} (${formatBytes(measureFile(db.path))}); this may take a while and needs free disk space of up to twice the file's size.`);
  try {
    db.vacuum();
  } catch (error) {
    throw new Error(
      `Compacting ${db.path} failed: ${(error as Error).message}. A running backup may be writing to the file, or the disk may be full; ` +
        `the deleted snapshots stay deleted. Run "${suggestCommand(options, "snapshots delete --vacuum")}" again once the backup has finished or space is free.`,
      { cause: error },
    );
  }
}

/** Returns the bytes of the database file and its write-ahead log. */
function measureFile(path: string): number {
  const sizeOf = (file: string): number => statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  return sizeOf(path) + sizeOf(`${path}-wal`);
}

function formatBytes(bytes: number): string {
  const units: Array<[string, number]> = [
    ["GB", 1e9],
    ["MB", 1e6],
    ["kB", 1e3],
  ];
  for (const [unit, size] of units) {
    if (bytes >= size) {
      return `${(bytes / size).toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}
