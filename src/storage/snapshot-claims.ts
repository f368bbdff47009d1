/**
 * Claims on snapshots: a row of `snapshot_writers` names the process that writes a snapshot, so
 * a second backup neither resumes it nor writes to it, and `snapshots delete` leaves it alone.
 * A backup claims each snapshot it writes, renews the claims while it runs and removes them at
 * the end. A process that is killed (SIGKILL, a crash, a power loss) cannot remove its claims,
 * so a claim stops counting once it is stale:
 *
 * - its process no longer runs on this host, checked with signal 0 to the pid;
 * - its pid is this process's, but it was written by an earlier process that had the same pid
 *   (common in containers, where each start may get the same pid);
 * - it was not renewed for `CLAIM_STALE_MS`, which covers a pid reused by an unrelated process
 *   and a claim written on another host, whose processes this host cannot see.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type Database from "better-sqlite3";
import { InvalidInputError } from "../transport/errors.js";

/** Time between two renewals of a running backup's claims, in milliseconds. */
export const CLAIM_RENEW_INTERVAL_MS = 60_000;

/**
 * Time without renewal after which a claim is stale even when its pid runs, in milliseconds:
 * ten renewal intervals, so a busy or briefly suspended backup keeps its claims.
 *
 * NOTE: a backup suspended for longer (a sleeping laptop) loses its claims, and another backup
 * may take its snapshot over. When the first one wakes, both write the snapshot, and the
 * page-count check of `SnapshotDb.storePageJson` fails a kind in whichever backup stores a
 * page second, rather than storing the page twice.
 */
export const CLAIM_STALE_MS = 10 * CLAIM_RENEW_INTERVAL_MS;

/** Marks the claims of this process, to tell them from those of an earlier process with the same pid. */
const PROCESS_TOKEN = randomBytes(12).toString("hex");
const LOCAL_HOST = hostname();

/** The claim of the process that writes a snapshot. */
export interface SnapshotClaim {
  snapshotId: number;
  pid: number;
  /** Host name of the claiming process. */
  host: string;
  /** ISO 8601 time the claim was taken. */
  claimedAt: string;
  /** ISO 8601 time the claim was last renewed. */
  renewedAt: string;
  /** True when the claim is this process's own. */
  isOwn: boolean;
  /** Reason the claim no longer counts, or undefined while its process may still write the snapshot. */
  staleReason: string | undefined;
}

/** A snapshot is claimed by a backup that still runs, so it cannot be resumed or deleted now. */
export class SnapshotBusyError extends InvalidInputError {
  readonly claim: SnapshotClaim;

  constructor(claim: SnapshotClaim) {
    super(
      `Snapshot ${claim.snapshotId} is being written by ${describeClaimHolder(claim)}. ` +
        `Wait for that backup to finish, or stop it (Ctrl+C in its terminal, or kill ${claim.pid}), and try again.`,
    );
    this.claim = claim;
  }
}

/** Names a claim's process for people: `process 4242 on host db-1 since 2026-01-15T08:00:00.000Z`. */
export function describeClaimHolder(claim: SnapshotClaim): string {
  const who = claim.isOwn ? `this process (${claim.pid})` : `process ${claim.pid}`;
  return `${who} on host ${claim.host} since ${claim.claimedAt}`;
}

interface ClaimRowData {
  snapshot_id: number;
  pid: number;
  host: string;
  process_token: string;
  claimed_at: string;
  renewed_at: string;
}

/** The queries on `snapshot_writers`. Callers run them inside their own transactions. */
export class SnapshotClaims {
  readonly #statements: ReturnType<typeof prepareStatements>;

  constructor(db: Database.Database) {
    this.#statements = prepareStatements(db);
  }

  /** Returns the claim on a snapshot, stale or not, or undefined when there is none. */
  get(snapshotId: number, now: Date): SnapshotClaim | undefined {
    const row = this.#statements.select.get(snapshotId) as ClaimRowData | undefined;
    return row === undefined ? undefined : toClaim(row, now);
  }

  /**
   * Claims the snapshots for this process, replacing stale claims, and returns the stale claims
   * it replaced. Every snapshot is checked before any is claimed. Run it in a `BEGIN IMMEDIATE`
   * transaction, so that no other process claims one between the check and the write.
   *
   * @throws SnapshotBusyError when another live backup has claimed one of the snapshots
   */
  take(snapshotIds: readonly number[], now: Date): SnapshotClaim[] {
    const existing = snapshotIds.map((snapshotId) => this.get(snapshotId, now)).filter((claim) => claim !== undefined);
    const held = existing.find((claim) => claim.staleReason === undefined);
    if (held !== undefined) {
      throw new SnapshotBusyError(held);
    }
    const time = now.toISOString();
    for (const snapshotId of snapshotIds) {
      this.#statements.upsert.run({ snapshotId, time, ...ownIdentity() });
    }
    return existing;
  }

  /** Renews this process's claims on the snapshots. Returns how many it renewed. */
  renew(snapshotIds: readonly number[], now: Date): number {
    let renewed = 0;
    for (const snapshotId of snapshotIds) {
      renewed += this.#statements.renew.run({ time: now.toISOString(), snapshotId, ...ownIdentity() }).changes;
    }
    return renewed;
  }

  /** Removes this process's claims on the snapshots; claims of other processes stay. */
  release(snapshotIds: readonly number[]): void {
    for (const snapshotId of snapshotIds) {
      this.#statements.release.run({ snapshotId, ...ownIdentity() });
    }
  }
}

function ownIdentity(): { pid: number; host: string; token: string } {
  return { pid: process.pid, host: LOCAL_HOST, token: PROCESS_TOKEN };
}

function prepareStatements(db: Database.Database) {
  return {
    select: db.prepare("SELECT snapshot_id, pid, host, process_token, claimed_at, renewed_at FROM snapshot_writers WHERE snapshot_id = ?"),
    upsert: db.prepare(
      `INSERT OR REPLACE INTO snapshot_writers (snapshot_id, pid, host, process_token, claimed_at, renewed_at)
       VALUES (@snapshotId, @pid, @host, @token, @time, @time)`,
    ),
    renew: db.prepare(
      "UPDATE snapshot_writers SET renewed_at = @time WHERE snapshot_id = @snapshotId AND pid = @pid AND host = @host AND process_token = @token",
    ),
    release: db.prepare("DELETE FROM snapshot_writers WHERE snapshot_id = @snapshotId AND pid = @pid AND host = @host AND process_token = @token"),
  };
}

function toClaim(row: ClaimRowData, now: Date): SnapshotClaim {
  const isOwn = row.pid === process.pid && row.host === LOCAL_HOST && row.process_token === PROCESS_TOKEN;
  return {
    snapshotId: row.snapshot_id,
    pid: row.pid,
    host: row.host,
    claimedAt: row.claimed_at,
    renewedAt: row.renewed_at,
    isOwn,
    staleReason: isOwn ? undefined : findStaleReason(row, now),
  };
}

function findStaleReason(row: ClaimRowData, now: Date): string | undefined {
  if (!Number.isSafeInteger(row.pid) || row.pid <= 0) {
    return `its pid ${row.pid} is not a process id`;
  }
  if (row.host === LOCAL_HOST) {
    if (row.pid === process.pid) {
      return `it was left by an earlier process with pid ${row.pid}`;
    }
    if (!isProcessAlive(row.pid)) {
      return `process ${row.pid} no longer runs`;
    }
  }

  const renewedMs = Date.parse(row.renewed_at);
  const ageMs = now.getTime() - renewedMs;
  if (!Number.isFinite(renewedMs) || ageMs > CLAIM_STALE_MS) {
    return `it was last renewed at ${row.renewed_at}, more than ${CLAIM_STALE_MS / 60_000} minutes ago`;
  }
  return undefined;
}

/** Returns false only when `pid` certainly does not exist. */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as { code?: unknown }).code !== "ESRCH";
  }
}
