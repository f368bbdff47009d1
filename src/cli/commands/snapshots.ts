/**
 * `wxadmin snapshots list`, `snapshots show` and `snapshots delete`: the snapshots stored by
 * `wxadmin backup`, and the helpers every snapshot command shares: the `--db` option, opening
 * the database and choosing snapshots by id or by org.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { isSameId, rawId } from "../../ids.js";
import { describeClaimHolder } from "../../storage/snapshot-claims.js";
import { SnapshotDb, type Snapshot, type SnapshotKind, type SnapshotStatus, type SnapshotStatusDescription } from "../../storage/snapshot-db.js";
import { InvalidInputError } from "../../transport/errors.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { limitGlobalOptions } from "../options.js";
import { formatCount, formatDuration, formatInstant, renderFields, renderTable, shellQuote } from "../render.js";
import { registerSnapshotsDeleteCommand } from "./snapshots-delete.js";

/** Maximum number of orgs that an error about `--org` names. `snapshots list` shows all of them. */
const MAX_ORGS_IN_MESSAGE = 10;

/** Environment variable that names the snapshot database when `--db` is not given. */
export const SNAPSHOT_DB_ENV = "WXADMIN_DB";

/** Help text of the `--db` option, shared by every snapshot command. */
export const DB_OPTION_HELP = `Snapshot database file (SQLite, mode 0600). Default: ${SNAPSHOT_DB_ENV}, else wxadmin/snapshots.db in the user's data folder.`;

/**
 * Returns a wxadmin command line to suggest in a message, such as `wxadmin backup --resume 4
 * --db big.db`. It adds `--db FILE` (as the user typed it) when the user gave `--db`, so that the
 * command acts on the same file. A path from WXADMIN_DB or the default needs no flag.
 */
export function suggestCommand(options: DbCommandOptions, args: string): string {
  const file = options.db?.trim();
  return file ? `wxadmin ${args} --db ${shellQuote(file)}` : `wxadmin ${args}`;
}

/**
 * Limits `command` to the global options that apply without a connection: output flags and
 * `--org`, which picks stored snapshots by org.
 */
export function takeOfflineOptions(command: Command): Command {
  return limitGlobalOptions(
    command,
    ["--version", "--json", "--verbose", "--quiet", "--org"],
    "it reads only the snapshot database and sends no request, so connection and token options do not apply.",
  );
}

/** Options shared by the commands that read snapshots. */
export interface DbCommandOptions {
  db?: string;
}

/**
 * Returns the default database path: `$WXADMIN_DB`, else `$XDG_DATA_HOME/wxadmin/snapshots.db`,
 * else `%LOCALAPPDATA%\wxadmin\snapshots.db` on Windows, else `~/.local/share/wxadmin/snapshots.db`.
 */
export function defaultSnapshotDbPath(env: NodeJS.ProcessEnv): string {
  if (env[SNAPSHOT_DB_ENV]?.trim()) {
    return path.resolve(env[SNAPSHOT_DB_ENV].trim());
  }
  if (env.XDG_DATA_HOME) {
    return path.join(env.XDG_DATA_HOME, "wxadmin", "snapshots.db");
  }
  if (process.platform === "win32" && env.LOCALAPPDATA) {
    return path.join(env.LOCALAPPDATA, "wxadmin", "snapshots.db");
  }
  return path.join(env.HOME || homedir(), ".local", "share", "wxadmin", "snapshots.db");
}

/** Returns the database path of this run: `--db`, else the default. */
export function snapshotDbPath(context: CliContext, options: DbCommandOptions): string {
  const fromFlag = options.db?.trim();
  return fromFlag ? path.resolve(fromFlag) : defaultSnapshotDbPath(context.io.env);
}

/**
 * Opens an existing snapshot database for reading.
 *
 * @throws InvalidInputError when the file does not exist or is not a snapshot database
 */
export function openSnapshotDbForReading(context: CliContext, options: DbCommandOptions): SnapshotDb {
  return SnapshotDb.open(requireExistingDb(context, options), { readonly: true });
}

/**
 * Opens an existing snapshot database for writing, without creating one.
 *
 * @throws InvalidInputError when the file does not exist or is not a snapshot database
 */
export function openSnapshotDbForWriting(context: CliContext, options: DbCommandOptions): SnapshotDb {
  return SnapshotDb.open(requireExistingDb(context, options));
}

function requireExistingDb(context: CliContext, options: DbCommandOptions): string {
  const file = snapshotDbPath(context, options);
  if (!existsSync(file)) {
    throw new InvalidInputError(
      `No snapshot database at ${file}. Run "${suggestCommand(options, "backup")}" to create one, or pass the file with --db FILE (or set ${SNAPSHOT_DB_ENV}).`,
    );
  }
  return file;
}

/** Runs `work` with the database open for reading and closes it afterwards. */
export async function withSnapshotDb<T>(context: CliContext, options: DbCommandOptions, work: (db: SnapshotDb) => Promise<T> | T): Promise<T> {
  const db = openSnapshotDbForReading(context, options);
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

/**
 * Parses a snapshot id argument.
 *
 * @throws InvalidInputError when it is not a positive whole number
 */
export function parseSnapshotId(value: string): number {
  return parseSnapshotArgument(value, {});
}

/**
 * Parses a snapshot id argument like `parseSnapshotId`, with the user's `--db` in the suggested command.
 *
 * @throws InvalidInputError when it is not a positive whole number
 */
export function parseSnapshotArgument(value: string, options: DbCommandOptions): number {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || !Number.isSafeInteger(Number(trimmed))) {
    throw new InvalidInputError(`Invalid snapshot id "${value}": expected a number such as 12, as "${suggestCommand(options, "snapshots list")}" shows it.`);
  }
  return Number(trimmed);
}

/**
 * Returns a stored snapshot, like `SnapshotDb.requireSnapshot`, with the user's `--db` in the
 * suggested command.
 *
 * @throws InvalidInputError when there is none with this id
 */
export function requireStoredSnapshot(db: SnapshotDb, id: number, options: DbCommandOptions): Snapshot {
  const snapshot = db.getSnapshot(id);
  if (snapshot === undefined) {
    throw new InvalidInputError(`Snapshot ${id} is not in ${db.path}; run "${suggestCommand(options, "snapshots list")}" to see the stored snapshots.`);
  }
  return snapshot;
}

/**
 * Finds the org id of the snapshots to pick by default: the stored org matching `--org`, else the
 * only org in the database. `options` adds the user's `--db` to suggested commands.
 *
 * @throws InvalidInputError when the database is empty, `--org` matches no stored org, or it
 *   contains several orgs and `--org` is missing
 */
export function chooseStoredOrg(
  db: SnapshotDb,
  org: string | undefined,
  purpose: string,
  options: DbCommandOptions = {},
  idHint = "give snapshot ids",
): string {
  const snapshots = db.listSnapshots();
  if (snapshots.length === 0) {
    throw new InvalidInputError(`The snapshot database ${db.path} has no snapshots yet, so there is nothing to ${purpose}. Run "${suggestCommand(options, "backup")}" first.`);
  }
  const orgs = new Map<string, string>();
  for (const snapshot of snapshots) {
    orgs.set(snapshot.orgId, snapshot.orgName);
  }

  if (org !== undefined) {
    const found = [...orgs.keys()].find((candidate) => isSameId(candidate, org.trim()));
    if (found === undefined) {
      throw new InvalidInputError(
        `The snapshot database ${db.path} has no snapshot of org ${org}; run "${suggestCommand(options, `backup --org ${shellQuote(org)}`)}" first, or pick a stored org with --org ORG_ID. The stored orgs are ${describeOrgs(orgs, options)}.`,
      );
    }
    return found;
  }
  if (orgs.size > 1) {
    throw new InvalidInputError(
      `The snapshot database ${db.path} contains snapshots of ${orgs.size} orgs; pick one with --org ORG_ID, or ${idHint}. The orgs are ${describeOrgs(orgs, options)}.`,
    );
  }
  return [...orgs.keys()][0] as string;
}

/** Lists up to `MAX_ORGS_IN_MESSAGE` orgs as `name (id)`, and points to `snapshots list` for the rest. */
function describeOrgs(orgs: Map<string, string>, options: DbCommandOptions): string {
  const named = [...orgs].slice(0, MAX_ORGS_IN_MESSAGE).map(([id, name]) => (name === "" ? id : `${name} (${id})`));
  const more = orgs.size - named.length;
  return more > 0 ? `${named.join(", ")} and ${more} more; run "${suggestCommand(options, "snapshots list")}" to see them all` : named.join(", ");
}

/**
 * Formats the time a backup took, as `snapshots list` and `backup` show it: `less than a second`
 * below one second, so a fast backup never reads "took 0 seconds".
 */
export function formatElapsed(seconds: number): string {
  return seconds < 1 ? "less than a second" : formatDuration(seconds);
}

/**
 * Returns the status to show for a snapshot (see `SnapshotDb.describeStatus`): a `running`
 * snapshot whose backup process is gone shows as `incomplete`, since only `backup --resume` continues it.
 */
export function describeSnapshotStatus(db: SnapshotDb, snapshot: Snapshot): SnapshotStatus {
  return db.describeStatus(snapshot).effectiveStatus;
}

/**
 * Returns the status to show for a kind: `stopped` for a kind stored as `running` in a snapshot
 * that no backup writes any more (its process died, or it was interrupted and marked
 * incomplete), else the stored status.
 */
export function describeKindStatus(kind: SnapshotKind, snapshotStatus: SnapshotStatusDescription): string {
  return kind.status === "running" && snapshotStatus.effectiveStatus !== "running" ? "stopped" : kind.status;
}

/** Returns "name (id)" for a snapshot's org, or the id alone when the name is unknown. */
export function describeSnapshotOrg(snapshot: Snapshot): string {
  return snapshot.orgName === "" ? snapshot.orgId : `${snapshot.orgName} (${snapshot.orgId})`;
}

/**
 * Returns a snapshot as `--json` prints it: the stored fields, with `counts` counted from the
 * stored objects while the snapshot is stored as `running`, and `effectiveStatus` (see
 * `SnapshotDb.describeStatus`).
 */
function snapshotJson(db: SnapshotDb, snapshot: Snapshot): Snapshot & { effectiveStatus: SnapshotStatus } {
  return { ...snapshot, counts: db.currentCounts(snapshot), effectiveStatus: db.describeStatus(snapshot).effectiveStatus };
}

/** Sums a snapshot's object counts; a running snapshot has none yet. */
export function totalObjects(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

interface ListOptions extends DbCommandOptions {}

export function registerSnapshotsCommands(program: Command, io: CliIo): void {
  const snapshots = program.command("snapshots").description("Snapshots stored by wxadmin backup.");
  takeOfflineOptions(snapshots);

  snapshots
    .command("list")
    .description("List the stored snapshots, oldest first; --org limits them to one org.")
    .option("--db <file>", DB_OPTION_HELP)
    .addHelpText(
      "after",
      `
Status: complete (every kind backed up), incomplete (some kinds failed or the backup was
interrupted or killed; continue it with "wxadmin backup --resume ID"), running (a backup is
writing it). TOOK is the time from start to finish, pauses included: a backup that was killed
and resumed later counts the time between the two runs. ORG ID is the org's UUID, which --org
takes as well as the full base64 id.

With --json, "status" is the stored status and "effectiveStatus" the one shown above: a
snapshot whose backup process was killed keeps the stored status "running" but has the
effective status "incomplete". "counts" holds the objects per kind, counted from the stored
objects while the stored status is "running".`,
    )
    .action(
      actionFor<ListOptions>(io, async (context, _args, options) => {
        await withSnapshotDb(context, options, (db) => {
          const orgId = context.options.org === undefined ? undefined : chooseStoredOrg(db, context.options.org, "list", options);
          printSnapshotList(context, db, db.listSnapshots(orgId === undefined ? {} : { orgId }), options);
        });
      }),
    );

  snapshots
    .command("show")
    .description("Show one snapshot: its org, times, status and, per kind, pages, objects, 429 waits and errors.")
    .argument("<snapshot>", "Snapshot id, as snapshots list shows it.")
    .option("--db <file>", DB_OPTION_HELP)
    .addHelpText(
      "after",
      `
A kind shows as "stopped" when the backup process writing it was killed before the kind
finished. With --json, "status" is the stored status and "effectiveStatus" the one shown, on
the snapshot and on each kind, as "snapshots list --help" describes.`,
    )
    .action(
      actionFor<DbCommandOptions>(io, async (context, args, options) => {
        const id = parseSnapshotArgument(args[0] ?? "", options);
        await withSnapshotDb(context, options, (db) => {
          const snapshot = requireStoredSnapshot(db, id, options);
          const kinds = db.getKinds(id);
          if (context.isJson) {
            const status = db.describeStatus(snapshot);
            context.printJson({ ...snapshotJson(db, snapshot), kinds: kinds.map((kind) => ({ ...kind, effectiveStatus: describeKindStatus(kind, status) })) });
            return;
          }
          printSnapshotDetail(context, db, snapshot, kinds, options);
        });
      }),
    );

  registerSnapshotsDeleteCommand(snapshots, io);
}

function printSnapshotList(context: CliContext, db: SnapshotDb, snapshots: Snapshot[], options: DbCommandOptions): void {
  if (context.isJson) {
    context.printJson(snapshots.map((snapshot) => snapshotJson(db, snapshot)));
    return;
  }
  if (snapshots.length === 0) {
    context.notice(`No snapshots in ${db.path}. Create one with: ${suggestCommand(options, "backup")}`);
    return;
  }

  const rows = snapshots.map((snapshot) => {
    const status = describeSnapshotStatus(db, snapshot);
    return [
      String(snapshot.id),
      snapshot.orgName === "" ? snapshot.orgId : snapshot.orgName,
      rawId(snapshot.orgId),
      formatInstant(new Date(snapshot.startedAt)),
      describeDuration(snapshot, status),
      status,
      formatCount(totalObjects(db.currentCounts(snapshot))),
    ];
  });
  context.print(
    renderTable(
      [
        { header: "SNAPSHOT", alignRight: true },
        { header: "ORG" },
        { header: "ORG ID" },
        { header: "STARTED" },
        { header: "TOOK" },
        { header: "STATUS" },
        { header: "OBJECTS", alignRight: true },
      ],
      rows,
    ),
  );
}

function describeDuration(snapshot: Snapshot, status: SnapshotStatus): string {
  if (snapshot.finishedAt === undefined) {
    return status === "running" ? "running" : "-";
  }
  const seconds = (Date.parse(snapshot.finishedAt) - Date.parse(snapshot.startedAt)) / 1000;
  return Number.isFinite(seconds) ? formatElapsed(seconds) : "-";
}

function printSnapshotDetail(context: CliContext, db: SnapshotDb, snapshot: Snapshot, kinds: SnapshotKind[], options: DbCommandOptions): void {
  const statusDescription = db.describeStatus(snapshot);
  const status = statusDescription.effectiveStatus;
  const counts = db.currentCounts(snapshot);
  const reason = statusDescription.stoppedReason === undefined ? snapshot.error : `its backup process stopped before it finished (${statusDescription.stoppedReason})`;
  const fields: Array<[string, string]> = [
    ["Snapshot", String(snapshot.id)],
    ["Org", describeSnapshotOrg(snapshot)],
    ["Status", describeStatus(status, reason)],
    ["Started", formatInstant(new Date(snapshot.startedAt))],
    [
      "Finished",
      snapshot.finishedAt === undefined ? "-" : `${formatInstant(new Date(snapshot.finishedAt))} (took ${describeDuration(snapshot, status)} from start to finish, pauses included)`,
    ],
    ["Objects", formatCount(totalObjects(counts))],
    ["Written by", `wxadmin ${snapshot.toolVersion}`],
  ];
  if (statusDescription.writer !== undefined) {
    fields.push(["Backup", describeClaimHolder(statusDescription.writer)]);
  }
  const rows = kinds.map((kind) => [
    kind.kind,
    describeKindStatus(kind, statusDescription),
    formatCount(kind.pages),
    formatCount(counts[kind.kind] ?? 0),
    formatCount(kind.rateLimitWaits),
    kind.error ?? "",
  ]);
  const table = renderTable(
    [
      { header: "KIND" },
      { header: "STATUS" },
      { header: "PAGES", alignRight: true },
      { header: "OBJECTS", alignRight: true },
      { header: "429 WAITS", alignRight: true },
      { header: "ERROR" },
    ],
    rows,
    2,
  );
  context.print(`${renderFields(fields, 0)}\n\nKinds:\n${table}`);
  if (status === "incomplete") {
    context.notice(`Continue this backup with: ${suggestCommand(options, `backup --resume ${snapshot.id}`)}`);
  }
}

function describeStatus(status: SnapshotStatus, error: string | undefined): string {
  return error === undefined ? status : `${status}: ${error}`;
}
