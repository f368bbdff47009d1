/**
 * `wxadmin backup`: one snapshot per org of people, licenses, locations and the Webex Calling
 * lists, stored in the snapshot database. Progress goes to stderr (a live block on a terminal,
 * plain lines otherwise) and the summary to stdout. Ctrl+C stops the backup and leaves the
 * snapshots incomplete, ready for `--resume`.
 */
import { Option, type Command } from "commander";
import { BACKUP_KINDS, backupOrgs, type BackupResult } from "../../jobs/backup.js";
import { findForeignCursor, selectKinds } from "../../jobs/backup-kinds.js";
import { sortKinds } from "../../jobs/snapshot-source.js";
import { describeClaimHolder } from "../../storage/snapshot-claims.js";
import { SnapshotBusyError, SnapshotDb } from "../../storage/snapshot-db.js";
import { chooseBaseUrl, validateBaseUrl } from "../../transport/base-url.js";
import { InvalidInputError, WebexError } from "../../transport/errors.js";
import type { Org, Webex } from "../../webex.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { allowManyOrgs, collectList, integerOption } from "../options.js";
import { formatCount, renderTable, shellQuote } from "../render.js";
import { BackupProgressDisplay, type ProgressMode } from "./backup-progress.js";
import {
  DB_OPTION_HELP,
  formatElapsed,
  openSnapshotDbForWriting,
  parseSnapshotId,
  snapshotDbPath,
  totalObjects,
  type DbCommandOptions,
} from "./snapshots.js";

interface BackupCommandOptions extends DbCommandOptions {
  allOrgs?: boolean;
  resume?: string[];
  concurrency: number;
  kinds?: string[];
  progress: "auto" | ProgressMode;
}

const STOP_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

export function registerBackupCommand(program: Command, io: CliIo): void {
  const command = program
    .command("backup")
    .description("Back up each org into a new snapshot: people, licenses, locations, numbers and the calling features.")
    .option("--all-orgs", "Back up every org the token can see, such as a partner's customer orgs. Default: off, only --org or the token owner's org.")
    .option("--resume <snapshot>", "Continue an incomplete snapshot instead of starting a new one; repeat the flag or separate ids with commas. Default: none.", collectList)
    .option("--concurrency <lists>", "Lists read at the same time, across all orgs; every request shares the token's rate budget. Default: 4.", integerOption(1, 64), 4)
    .option("--kinds <kinds>", `Kinds to back up, separated by commas. Default: all of ${BACKUP_KINDS.join(", ")}.`, collectList)
    .addOption(
      new Option("--progress <mode>", "Progress on stderr: live (redrawn block), lines (a line per step) or off. Default: auto, live on a terminal and lines otherwise.")
        .choices(["auto", "live", "lines", "off"])
        .default("auto"),
    )
    .option("--db <file>", DB_OPTION_HELP)
    .addHelpText(
      "after",
      `
--org may be repeated (or list ids separated by commas) to back up several orgs.
Exit code 4 when some kinds or orgs failed: the snapshot is kept as incomplete and
"wxadmin backup --resume ID" reads the missing pages. Ctrl+C (SIGINT) or SIGTERM stops
the backup the same way; a second one prints that command and quits at once (exit code 130
or 143), and the snapshot stays resumable.

Examples:
  wxadmin backup
  wxadmin backup --all-orgs --concurrency 8 --db /var/lib/wxadmin/snapshots.db
  wxadmin backup --resume 12`,
    )
    .action(
      actionFor<BackupCommandOptions>(io, async (context, _args, options) => {
        await runBackup(context, options);
      }),
    );
  allowManyOrgs(command);
}

async function runBackup(context: CliContext, options: BackupCommandOptions): Promise<void> {
  const requestedResumeIds = options.resume?.map(parseSnapshotId);
  checkOrgChoice(context, options, requestedResumeIds);
  // Every option is checked before the database file is opened, so a typo creates no file.
  if (options.kinds !== undefined) {
    selectKinds(options.kinds);
  }

  // The database is opened before connecting, so a bad --db fails before any request is sent.
  // A resume needs the database that contains its snapshots, so it does not create one.
  const dbPath = snapshotDbPath(context, options);
  const db = requestedResumeIds === undefined ? SnapshotDb.open(dbPath) : openSnapshotDbForWriting(context, options);
  let webex: Webex;
  let resumeIds: number[] | undefined;
  try {
    resumeIds = requestedResumeIds === undefined ? undefined : chooseSnapshotsToResume(context, db, requestedResumeIds);
    if (resumeIds?.length === 0) {
      db.close();
      return;
    }
    if (resumeIds !== undefined) {
      checkResumeServer(context, db, resumeIds, options);
    }
    webex = await context.connect();
  } catch (error) {
    db.close();
    throw explainBusySnapshot(error, options);
  }
  const orgs = resumeIds === undefined ? chooseOrgs(context, webex, options) : undefined;
  const display = new BackupProgressDisplay(context.io.stderr, chooseProgressMode(context, options.progress));
  const controller = new AbortController();
  const snapshotIds = new Set<number>(resumeIds);
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      // A second signal quits at once with the default action (exit code 128 + the signal's
      // number); the snapshots stay resumable.
      stopListening();
      display.finish();
      context.notice(describeQuit(signal, options, [...snapshotIds]));
      process.kill(process.pid, signal);
      return;
    }
    context.notice(`Stopping the backup after ${signal}; the snapshots stay incomplete and can be resumed. Send it again to quit at once.`);
    controller.abort(new Error(`stopped by ${signal}`));
  };
  const stopListening = (): void => {
    for (const signal of STOP_SIGNALS) {
      process.off(signal, onSignal);
    }
  };
  for (const signal of STOP_SIGNALS) {
    process.on(signal, onSignal);
  }

  const startedMs = Date.now();
  context.notice(`Snapshot database: ${dbPath}`);
  let result: BackupResult;
  try {
    result = await backupOrgs({
      webex,
      orgs,
      db,
      concurrency: options.concurrency,
      kinds: options.kinds,
      signal: controller.signal,
      resumeSnapshotIds: resumeIds,
      onProgress: (event) => {
        snapshotIds.add(event.snapshotId);
        display.update(event);
      },
    });
  } catch (error) {
    if (controller.signal.aborted) {
      // The snapshots are already marked incomplete; show them as a finished run shows its own.
      const stopped = [...snapshotIds].flatMap((id) => {
        const snapshot = db.getSnapshot(id);
        return snapshot === undefined ? [] : [{ snapshot, kinds: db.getKinds(id) }];
      });
      printResult(context, { snapshots: stopped, complete: false }, (Date.now() - startedMs) / 1000);
      throw interruptedError(options, [...snapshotIds], controller.signal.reason);
    }
    throw explainBusySnapshot(error, options);
  } finally {
    display.finish();
    stopListening();
    db.close();
  }

  printResult(context, result, (Date.now() - startedMs) / 1000);
  if (!result.complete) {
    throw incompleteError(options, result);
  }
}

/**
 * @throws InvalidInputError when --all-orgs is combined with --org, or --resume with either
 */
function checkOrgChoice(context: CliContext, options: BackupCommandOptions, resumeIds: number[] | undefined): void {
  const hasOrg = context.options.orgs.length > 0;
  if (options.allOrgs && hasOrg) {
    throw new InvalidInputError("Give either --all-orgs or --org, not both: --all-orgs already backs up every org the token can see.");
  }
  // With --app, --org names the org of the stored token, so it may come with --resume.
  if (resumeIds !== undefined && (options.allOrgs || (hasOrg && !context.isServiceApp))) {
    throw new InvalidInputError("--resume continues the org of each given snapshot, so it takes no --org or --all-orgs. Remove them.");
  }
  if (resumeIds !== undefined && options.kinds !== undefined) {
    throw new InvalidInputError("--resume keeps the kinds the snapshot started with, so it takes no --kinds. Remove --kinds.");
  }
}

/**
 * Returns the ids of `--resume` that need work. A complete snapshot gets a notice (and with
 * `--json`, its result) instead; nothing is written for it.
 *
 * @throws InvalidInputError when an id is not in the database; SnapshotBusyError when a backup
 *   that still runs writes one of the snapshots
 */
function chooseSnapshotsToResume(context: CliContext, db: SnapshotDb, ids: number[]): number[] {
  const unique = [...new Set(ids)];
  const snapshots = unique.map((id) => db.requireSnapshot(id));
  for (const snapshot of snapshots) {
    const claim = db.getClaim(snapshot.id);
    if (snapshot.status !== "complete" && claim !== undefined && claim.staleReason === undefined) {
      throw new SnapshotBusyError(claim);
    }
  }

  const complete = snapshots.filter((snapshot) => snapshot.status === "complete");
  for (const snapshot of complete) {
    context.notice(`Snapshot ${snapshot.id} is already complete; nothing to resume.`);
  }
  const remaining = snapshots.filter((snapshot) => snapshot.status !== "complete").map((snapshot) => snapshot.id);
  if (remaining.length === 0 && context.isJson) {
    const result: BackupResult = { snapshots: complete.map((snapshot) => ({ snapshot, kinds: db.getKinds(snapshot.id) })), complete: true };
    context.printJson(result);
  }
  return remaining;
}

/** Rewords a `SnapshotBusyError` with the command that resumes the snapshot later; returns other errors unchanged. */
function explainBusySnapshot(error: unknown, options: BackupCommandOptions): unknown {
  if (!(error instanceof SnapshotBusyError)) {
    return error;
  }
  const { claim } = error;
  return new InvalidInputError(
    `Snapshot ${claim.snapshotId} is being written by another backup: ${describeClaimHolder(claim)}. ` +
      `Wait for that backup to finish, or stop it (Ctrl+C in its terminal, or kill ${claim.pid}); then run: ${resumeCommand(options, [claim.snapshotId])}`,
    { cause: error },
  );
}

function chooseOrgs(context: CliContext, webex: Webex, options: BackupCommandOptions): Org[] {
  if (options.allOrgs) {
    return webex.orgs;
  }
  if (context.options.orgs.length > 0) {
    return context.options.orgs.map((org) => webex.forOrg(org));
  }
  return [webex.org];
}

function chooseProgressMode(context: CliContext, requested: BackupCommandOptions["progress"]): ProgressMode {
  if (requested !== "auto") {
    return requested;
  }
  if (context.options.quiet) {
    return "off";
  }
  return (context.io.stderr as { isTTY?: boolean }).isTTY === true ? "live" : "lines";
}

function printResult(context: CliContext, result: BackupResult, seconds: number): void {
  if (context.isJson) {
    context.printJson(result);
    return;
  }

  const rows = result.snapshots.map(({ snapshot }) => [
    String(snapshot.id),
    snapshot.orgName === "" ? snapshot.orgId : snapshot.orgName,
    snapshot.status,
    formatCount(totalObjects(snapshot.counts)),
    sortKinds(Object.keys(snapshot.counts))
      .map((kind) => `${kind} ${formatCount(snapshot.counts[kind] ?? 0)}`)
      .join(", "),
  ]);
  const table = renderTable([{ header: "SNAPSHOT", alignRight: true }, { header: "ORG" }, { header: "STATUS" }, { header: "OBJECTS", alignRight: true }, { header: "PER KIND" }], rows);
  const lines = [table];
  for (const { snapshot, kinds } of result.snapshots) {
    for (const kind of kinds.filter((entry) => entry.status !== "complete")) {
      // The run is over, so a kind still stored as running was stopped.
      const status = kind.status === "running" ? "stopped" : kind.status;
      lines.push(`  snapshot ${snapshot.id} ${kind.kind}: ${status}${kind.error === undefined ? "" : `: ${kind.error}`}`);
    }
  }
  context.print(lines.join("\n"));
  const orgs = `${result.snapshots.length} org${result.snapshots.length === 1 ? "" : "s"}`;
  // An incomplete backup ends with an error that names the snapshots to resume.
  context.notice(result.complete ? `Backed up ${orgs} in ${formatElapsed(seconds)}.` : `Backup of ${orgs} ended after ${formatElapsed(seconds)}, not complete.`);
}

function resumeCommand(options: BackupCommandOptions, ids: number[], baseUrl?: string): string {
  const server = baseUrl === undefined ? "" : ` --base-url ${shellQuote(baseUrl)}`;
  const db = options.db === undefined ? "" : ` --db ${shellQuote(options.db)}`;
  return `wxadmin backup --resume ${ids.join(",")}${server}${db}`;
}

/**
 * Checks, before any request is sent, that every stored next-page URL of the snapshots to
 * resume is on the origin of this run's base URL. The backup sends the token to no other
 * origin, so a snapshot started against another server would otherwise be refused after
 * its kinds without a stored URL were read again from this one, mixing data of two servers.
 *
 * @throws InvalidInputError naming the snapshot, both base URLs and the command to resume it
 */
function checkResumeServer(context: CliContext, db: SnapshotDb, ids: number[], options: BackupCommandOptions): void {
  const baseUrl = validateBaseUrl(chooseBaseUrl(context.options.baseUrl));
  for (const id of ids) {
    const foreign = findForeignCursor(db.getKinds(id), baseUrl);
    if (foreign === undefined) {
      continue;
    }
    const source = BASE_URL_SOURCES[context.options.baseUrlSource ?? ""] ?? "the default";
    throw new InvalidInputError(
      `Snapshot ${id} was started against ${foreign.baseUrl}, but this run connects to ${baseUrl} (from ${source}). ` +
        `Its ${foreign.kind} continue from a next-page URL stored on ${foreign.origin}, and the backup sends the token to no other server than it connects to, so nothing was sent. ` +
        `Resume it against the server it started on: ${resumeCommand(options, [id], foreign.baseUrl)}`,
    );
  }
}

/** Names of the sources of a run's base URL, by commander's option value source. */
const BASE_URL_SOURCES: Record<string, string> = { cli: "--base-url", env: "WEBEX_BASE_URL" };

/** Returns the notice of a second stop signal, which quits without waiting for the snapshots to be marked incomplete. */
function describeQuit(signal: NodeJS.Signals, options: BackupCommandOptions, ids: number[]): string {
  if (ids.length === 0) {
    return `Quitting at once after a second ${signal}, before any snapshot was created.`;
  }
  const which = `snapshot${ids.length === 1 ? "" : "s"} ${ids.join(", ")}`;
  return `Quitting at once after a second ${signal}; ${which} can be resumed. Continue with: ${resumeCommand(options, ids)}`;
}

function incompleteError(options: BackupCommandOptions, result: BackupResult): WebexError {
  const incomplete = result.snapshots.filter(({ snapshot }) => snapshot.status !== "complete").map(({ snapshot }) => snapshot.id);
  const which =
    result.snapshots.length === 1
      ? `Snapshot ${incomplete.join(", ")} is incomplete`
      : `${incomplete.length} of ${result.snapshots.length} snapshots are incomplete (${incomplete.join(", ")})`;
  return new WebexError(
    "incomplete",
    `${which}; the failed kinds are listed above. After fixing the cause, continue with: ${resumeCommand(options, incomplete)}`,
  );
}

function interruptedError(options: BackupCommandOptions, ids: number[], reason: unknown): WebexError {
  const why = reason instanceof Error ? reason.message : String(reason);
  if (ids.length === 0) {
    return new WebexError("incomplete", `Backup ${why} before any snapshot was created. Run the backup again.`);
  }
  const kept = `snapshot${ids.length === 1 ? "" : "s"} ${ids.join(", ")} kept as incomplete`;
  return new WebexError("incomplete", `Backup ${why}; ${kept}. Continue with: ${resumeCommand(options, ids)}`);
}
