/**
 * `wxadmin snapshots list`, `snapshots show` and `snapshots delete`: the snapshots stored by
 * `wxadmin backup`, and the helpers every snapshot command shares: the `--db` option, opening
 * the database and choosing snapshots by id or by org.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { isSameId } from "../../ids.js";
import { describeClaimHolder } from "../../storage/snapshot-claims.js";
import { SnapshotDb, type Snapshot, type SnapshotStatus } from "../../storage/snapshot-db.js";
import { InvalidInputError } from "../../transport/errors.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { limitGlobalOptions } from "../options.js";
import { formatCount, formatDuration, formatInstant, renderFields, renderTable } from "../render.js";
import { registerSnapshotsDeleteCommand } from "./snapshots-delete.js";

/** Maximum number of orgs that an error about `--org` names. `snapshots list` shows all of them. */
const MAX_ORGS_IN_MESSAGE = 10;

/** Environment variable that names the snapshot database when `--db` is not given. */
export const SNAPSHOT_DB_ENV = "WXADMIN_DB";

/** Help text of the `--db` option, shared by every snapshot command. */
export const DB_OPTION_HELP = `Snapshot database file (SQLite, mode 0600). Default: ${SNAPSHOT_DB_ENV}, else wxadmin/snapshots.db in the user's data folder.`;

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
      `No snapshot database at ${file}. Run "wxadmin backup" to create one, or pass the file with --db FILE (or set ${SNAPSHOT_DB_ENV}).`,
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
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || !Number.isSafeInteger(Number(trimmed))) {
    throw new InvalidInputError(`Invalid snapshot id "${value}": expected a number such as 12, as "wxadmin snapshots list" shows it.`);
  }
  return Number(trimmed);
}

/**
 * Finds the org id of the snapshots to pick by default: the stored org matching `--org`, else the
 * only org in the database.
 *
 * @throws InvalidInputError when the database is empty, `--org` matches no stored org, or it
 *   contains several orgs and `--org` is missing
 */
export function chooseStoredOrg(db: SnapshotDb, org: string | undefined, purpose: string): string {
  const snapshots = db.listSnapshots();
  if (snapshots.length === 0) {
    throw new InvalidInputError(`The snapshot database ${db.path} has no snapshots yet, so there is nothing to ${purpose}. Run "wxadmin backup" first.`);
  }
  const orgs = new Map<string, string>();
  for (const snapshot of snapshots) {
    orgs.set(snapshot.orgId, snapshot.orgName);
  }

  if (org !== undefined) {
    const found = [...orgs.keys()].find((candidate) => isSameId(candidate, org.trim()));
    if (found === undefined) {
      throw new InvalidInputError(
        `The snapshot database ${db.path} has no snapshot of org ${org}; run "wxadmin backup --org ${org}" first, or pick a stored org with --org ORG_ID. The stored orgs are ${describeOrgs(orgs)}.`,
      );
    }
    return found;
  }
  if (orgs.size > 1) {
    throw new InvalidInputError(
      `The snapshot database ${db.path} contains snapshots of ${orgs.size} orgs; pick one with --org ORG_ID, or give snapshot ids. The orgs are ${describeOrgs(orgs)}.`,
    );
  }
  return [...orgs.keys()][0] as string;
}

/** Lists up to `MAX_ORGS_IN_MESSAGE` orgs as `name (id)`, and points to `snapshots list` for the rest. */
function describeOrgs(orgs: Map<string, string>): string {
  const named = [...orgs].slice(0, MAX_ORGS_IN_MESSAGE).map(([id, name]) => (name === "" ? id : `${name} (${id})`));
  const more = orgs.size - named.length;
  return more > 0 ? `${named.join(", ")} and ${more} more; run "wxadmin snapshots list" to see them all` : named.join(", ");
}

/**
 * Formats the time a backup took, as `snapshots list` and `backup` show it: `less than a second`
 * below one second, so a fast backup never reads "took 0 seconds".
 */
export function formatElapsed(seconds: number): string {
  return seconds < 1 ? "less than a second" : formatDuration(seconds);
}

/**
 * Returns the status to show for a snapshot. A `running` snapshot whose backup process is gone
 * (killed, or its machine stopped) shows as `incomplete`, since only `backup --resume` continues it.
 */
export function describeSnapshotStatus(db: SnapshotDb, snapshot: Snapshot): SnapshotStatus {
  if (snapshot.status !== "running" || !db.hasClaimTable) {
    return snapshot.status;
  }
  const claim = db.getClaim(snapshot.id);
  return claim === undefined || claim.staleReason !== undefined ? "incomplete" : "running";
}

/** Returns "name (id)" for a snapshot's org, or the id alone when the name is unknown. */
export function describeSnapshotOrg(snapshot: Snapshot): string {
  return snapshot.orgName === "" ? snapshot.orgId : `${snapshot.orgName} (${snapshot.orgId})`;
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
writing it). With --json, a killed backup's snapshot keeps its stored status "running".`,
    )
    .action(
      actionFor<ListOptions>(io, async (context, _args, options) => {
        await withSnapshotDb(context, options, (db) => {
          const orgId = context.options.org === undefined ? undefined : chooseStoredOrg(db, context.options.org, "list");
          printSnapshotList(context, db, db.listSnapshots(orgId === undefined ? {} : { orgId }));
        });
      }),
    );

  snapshots
    .command("show")
    .description("Show one snapshot: its org, times, status and, per kind, pages, objects, 429 waits and errors.")
    .argument("<snapshot>", "Snapshot id, as snapshots list shows it.")
    .option("--db <file>", DB_OPTION_HELP)
    .action(
      actionFor<DbCommandOptions>(io, async (context, args, options) => {
        const id = parseSnapshotId(args[0] ?? "");
        await withSnapshotDb(context, options, (db) => {
          const snapshot = db.requireSnapshot(id);
          const kinds = db.getKinds(id);
          const counts = snapshot.status === "running" ? db.countObjects(id) : snapshot.counts;
          if (context.isJson) {
            context.printJson({ ...snapshot, counts, kinds });
            return;
          }
          printSnapshotDetail(context, db, snapshot, counts, kinds);
        });
      }),
    );

  registerSnapshotsDeleteCommand(snapshots, io);
}

function printSnapshotList(context: CliContext, db: SnapshotDb, snapshots: Snapshot[]): void {
  if (context.isJson) {
    context.printJson(snapshots);
    return;
  }
  if (snapshots.length === 0) {
    context.notice(`No snapshots in ${db.path}. Create one with: wxadmin backup`);
    return;
  }

  const rows = snapshots.map((snapshot) => {
    const status = describeSnapshotStatus(db, snapshot);
    return [
      String(snapshot.id),
      snapshot.orgName === "" ? snapshot.orgId : snapshot.orgName,
      formatInstant(new Date(snapshot.startedAt)),
      describeDuration(snapshot, status),
      status,
      formatCount(totalObjects(snapshot.counts)),
    ];
  });
  context.print(
    renderTable(
      [{ header: "SNAPSHOT", alignRight: true }, { header: "ORG" }, { header: "STARTED" }, { header: "TOOK" }, { header: "STATUS" }, { header: "OBJECTS", alignRight: true }],
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

function printSnapshotDetail(
  context: CliContext,
  db: SnapshotDb,
  snapshot: Snapshot,
  counts: Record<string, number>,
  kinds: ReturnType<SnapshotDb["getKinds"]>,
): void {
  const status = describeSnapshotStatus(db, snapshot);
  const claim = db.getClaim(snapshot.id);
  const fields: Array<[string, string]> = [
    ["Snapshot", String(snapshot.id)],
    ["Org", describeSnapshotOrg(snapshot)],
    ["Status", describeStatus(status, status === snapshot.status ? snapshot.error : "its backup process stopped before it finished")],
    ["Started", formatInstant(new Date(snapshot.startedAt))],
    ["Finished", snapshot.finishedAt === undefined ? "-" : `${formatInstant(new Date(snapshot.finishedAt))} (took ${describeDuration(snapshot, status)})`],
    ["Objects", formatCount(totalObjects(counts))],
    ["Written by", `wxadmin ${snapshot.toolVersion}`],
  ];
  if (claim !== undefined && claim.staleReason === undefined) {
    fields.push(["Backup", describeClaimHolder(claim)]);
  }
  const rows = kinds.map((kind) => [
    kind.kind,
    kind.status,
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
    context.notice(`Continue this backup with: wxadmin backup --resume ${snapshot.id}`);
  }
}

function describeStatus(status: SnapshotStatus, error: string | undefined): string {
  return error === undefined ? status : `${status}: ${error}`;
}
