/**
 * The snapshot database: one row per snapshot, one row per (snapshot, kind) with the backup's
 * progress and resume cursor, and one row per stored object as JSON. Built on better-sqlite3,
 * whose calls are synchronous, so every method here returns its result directly.
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { InvalidInputError } from "../transport/errors.js";
import { checkReadableVersion, checkWritableFile, migrate } from "./schema.js";
import { SnapshotBusyError, SnapshotClaims, type SnapshotClaim } from "./snapshot-claims.js";
import { readToolVersion } from "./tool-version.js";

export { SnapshotBusyError, type SnapshotClaim } from "./snapshot-claims.js";

/** Page size of new database files, in bytes. */
const NEW_FILE_PAGE_SIZE = 16_384;

/** How long a connection waits for another one's lock, in milliseconds (SQLite's busy timeout). */
const BUSY_TIMEOUT_MS = 5_000;

/** State of a snapshot: `running` while a backup writes it, then `complete` or `incomplete`. */
export type SnapshotStatus = "running" | "complete" | "incomplete";

/** State of one kind within a snapshot. */
export type KindStatus = "pending" | "running" | "complete" | "failed";

/** One snapshot row. */
export interface Snapshot {
  id: number;
  /** Base64 Webex org id. */
  orgId: string;
  /** The org's display name when the backup could read it, else "". */
  orgName: string;
  /** ISO 8601 time the backup started. */
  startedAt: string;
  /** ISO 8601 time the backup finished; undefined while it runs or after an interruption. */
  finishedAt: string | undefined;
  status: SnapshotStatus;
  /** Stored objects per kind, written when the snapshot finishes. */
  counts: Record<string, number>;
  /** The reason the snapshot is incomplete, without a final full stop so it can end a sentence; undefined otherwise. */
  error: string | undefined;
  /** The wxadmin version that wrote the snapshot. */
  toolVersion: string;
}

/** Progress of one kind within a snapshot, and its resume cursor. */
export interface SnapshotKind {
  snapshotId: number;
  kind: string;
  status: KindStatus;
  /** Pages stored. */
  pages: number;
  /** Items received on the stored pages; above the stored count when a list repeats an id. */
  items: number;
  /** 429 responses the kind's requests received. */
  rateLimitWaits: number;
  /** The next page to read when the backup resumes; undefined before the first page and after the last. */
  nextUrl: string | undefined;
  /** The error message of a failed kind; undefined otherwise. */
  error: string | undefined;
}

/** An object to store: its id within its kind and its value as Webex returned it. */
export interface ObjectInput {
  id: string;
  value: unknown;
}

/** A stored object with its parsed value. */
export interface StoredObjectRow {
  kind: string;
  id: string;
  value: Record<string, unknown>;
}

/** A stored object with its JSON text as stored. */
export interface StoredObjectJson {
  kind: string;
  id: string;
  json: string;
}

/** The org a snapshot belongs to. */
export interface SnapshotOrg {
  id: string;
  displayName?: string;
}

/**
 * The state of a snapshot as people should read it, from its stored status and the claim of the
 * backup that writes it (see `SnapshotDb.describeStatus`).
 */
export interface SnapshotStatusDescription {
  /** The status as stored in the database. */
  storedStatus: SnapshotStatus;
  /**
   * The status to show: the stored one, except `incomplete` for a snapshot stored as `running`
   * whose backup process stopped (killed, crashed, or its claim went stale), because nothing
   * writes it any more and only `backup --resume` continues it.
   */
  effectiveStatus: SnapshotStatus;
  /** The reason a snapshot stored as `running` counts as stopped, such as `process 4242 no longer runs`; undefined otherwise. */
  stoppedReason: string | undefined;
  /** The claim of the live backup that writes the snapshot; undefined when none does. */
  writer: SnapshotClaim | undefined;
}

/** Options of `SnapshotDb.createSnapshot`. */
export interface CreateSnapshotOptions {
  /** Kinds the backup will read; each gets a `pending` row. */
  kinds: readonly string[];
  /** Start time. Default now. */
  startedAt?: Date;
  /** Version written into the snapshot. Default the version of this package. */
  toolVersion?: string;
  /**
   * Claims the new snapshot for this process in the same transaction (see `claimSnapshots`).
   * No other backup can then resume or delete it. Default false.
   */
  claim?: boolean;
}

/** A snapshot that `deleteSnapshots` deleted. */
export interface DeletedSnapshot {
  snapshot: Snapshot;
  /** Stored objects deleted with it. */
  objects: number;
}

/** An object to store with its value already serialized as JSON. */
export interface ObjectJsonInput {
  id: string;
  json: string;
}

/** A page of one kind with its objects serialized; see `SnapshotDb.storePageJson`. */
export interface JsonPageInput {
  rows: readonly ObjectJsonInput[];
  /** The next page's URL, or undefined when this was the last page (the kind becomes `complete`). */
  nextUrl: string | undefined;
  /** The kind's 429 count so far; left unchanged when undefined. */
  rateLimitWaits?: number;
  /** Pages the kind must already have; the page is rejected otherwise. Default: no check. */
  expectedPages?: number;
}

/** A page of one kind, stored in one transaction with the kind's progress. */
export interface PageInput {
  objects: readonly ObjectInput[];
  /** The next page's URL, or undefined when this was the last page (the kind becomes `complete`). */
  nextUrl: string | undefined;
  /** The kind's 429 count so far; left unchanged when undefined. */
  rateLimitWaits?: number;
}

/** Options of `SnapshotDb.open`. */
export interface OpenSnapshotDbOptions {
  /** Open without writing: no folder or file is created and the schema must exist. Default false. */
  readonly?: boolean;
  /**
   * Size in bytes the write-ahead log may grow to before SQLite copies it into the database
   * file. Default SQLite's 1000 pages. Each copy waits for the disk (fsync), so a writer of many
   * pages saves time with a larger value.
   */
  walAutocheckpointBytes?: number;
}

interface SnapshotRowData {
  id: number;
  org_id: string;
  org_name: string;
  started_at: string;
  finished_at: string | null;
  status: SnapshotStatus;
  counts: string;
  error: string | null;
  tool_version: string;
}

interface KindRowData {
  snapshot_id: number;
  kind: string;
  status: KindStatus;
  pages: number;
  items: number;
  rate_limit_waits: number;
  next_url: string | null;
  error: string | null;
}

const SNAPSHOT_COLUMNS = "id, org_id, org_name, started_at, finished_at, status, counts, error, tool_version";
const KIND_COLUMNS = "snapshot_id, kind, status, pages, items, rate_limit_waits, next_url, error";

/**
 * A snapshot database file. Open it with `SnapshotDb.open`, close it with `close()`.
 *
 * Readers may run while a backup writes (WAL mode). Writing while an iterator of the same
 * `SnapshotDb` is open fails with better-sqlite3's "connection is busy" error; finish or
 * `return()` the iterator first.
 */
export class SnapshotDb {
  /** The database file, or `:memory:`. */
  readonly path: string;
  readonly #db: Database.Database;
  readonly #statements: ReturnType<typeof prepareStatements>;
  #insertSnapshot: Database.Statement | undefined;
  /** Undefined for a version 1 file opened read-only, which has no table of claims. */
  readonly #claims: SnapshotClaims | undefined;

  private constructor(path: string, db: Database.Database, hasClaims: boolean) {
    this.path = path;
    this.#db = db;
    this.#statements = prepareStatements(db);
    this.#claims = hasClaims ? new SnapshotClaims(db) : undefined;
  }

  /**
   * Opens (and when missing creates, with mode 0600 in a folder created with mode 0700) a
   * snapshot database, in WAL mode with foreign keys on.
   *
   * @throws InvalidInputError when the path is a folder, the file is not a snapshot database,
   *   has a newer schema, or cannot be opened (the message names the path)
   */
  static open(path: string, options: OpenSnapshotDbOptions = {}): SnapshotDb {
    if (typeof path !== "string" || path.trim() === "") {
      throw new InvalidInputError(`Invalid snapshot database path ${JSON.stringify(path)}: expected a file path such as ./snapshots.db.`);
    }
    if (path !== ":memory:" && statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) {
      throw new InvalidInputError(`The snapshot database path ${path} is a folder; give a file path such as ${join(path, "snapshots.db")}.`);
    }
    const readonly = options.readonly ?? false;
    if (path !== ":memory:" && !readonly) {
      createPrivateFile(path);
    }

    let db: Database.Database;
    try {
      db = new Database(path, { readonly, fileMustExist: readonly });
    } catch (error) {
      throw new InvalidInputError(`Cannot open the snapshot database ${path}: ${(error as Error).message}.`, { cause: error });
    }

    try {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      if (!readonly) {
        // Before any pragma that writes (page_size, journal_mode), so that a file of another
        // program or of a newer wxadmin is rejected with its bytes unchanged.
        checkWritableFile(db, path);
        if ((db.pragma("page_count", { simple: true }) as number) === 0) {
          // Only a new, empty file can take a page size. With 16 KiB pages instead of SQLite's
          // 4 KiB, the primary-key index has a quarter of the pages, so a commit rewrites fewer
          // of them. On a 2-core VM, inserting the 170,678 objects of a 100,000-people backup in
          // groups of 2,400 took about a third less CPU time. The whole backup took about 4% less
          // wall time and 35 MB less peak memory (RSS), over three runs each.
          db.pragma(`page_size = ${NEW_FILE_PAGE_SIZE}`);
        }
        enableWal(db);
        // NORMAL in WAL mode survives a crash of the process; a power loss may drop the last
        // pages, which a resumed backup reads again.
        db.pragma("synchronous = NORMAL");
        // 32 MiB of page cache instead of SQLite's 2 MiB default keeps the primary-key index of
        // a large backup in memory, which made inserts about a third faster in a test of 20,000 people.
        db.pragma("cache_size = -32768");
        if (options.walAutocheckpointBytes !== undefined) {
          const pageSize = db.pragma("page_size", { simple: true }) as number;
          db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(options.walAutocheckpointBytes / pageSize))}`);
        }
      }
      db.pragma("foreign_keys = ON");
      let hasClaims = true;
      if (readonly) {
        hasClaims = checkReadableVersion(db, path) >= 2;
      } else {
        migrate(db, path);
      }
      return new SnapshotDb(path, db, hasClaims);
    } catch (error) {
      db.close();
      if (error instanceof InvalidInputError) {
        throw error;
      }
      throw new InvalidInputError(`Cannot use ${path} as a snapshot database: ${(error as Error).message}.`, { cause: error });
    }
  }

  /**
   * True when the file records which backup writes each snapshot (schema version 2 and later).
   * False only for a version 1 file opened read-only; opening it for writing upgrades it.
   */
  get hasClaimTable(): boolean {
    return this.#claims !== undefined;
  }

  /** Closes the file. Further calls fail. */
  close(): void {
    this.#db.close();
  }

  // ---- snapshots ----

  /** Creates a `running` snapshot of `org` with a `pending` row for each kind. */
  createSnapshot(org: SnapshotOrg, options: CreateSnapshotOptions): Snapshot {
    const kinds = [...new Set(options.kinds)];
    if (kinds.length === 0) {
      throw new InvalidInputError("Nothing to back up: the list of kinds is empty. Give at least one kind, such as people or numbers.");
    }
    const startedAt = (options.startedAt ?? new Date()).toISOString();
    const toolVersion = options.toolVersion ?? readToolVersion();

    const id = this.#db.transaction(() => {
      // Prepared here, not with the other statements, because a version 1 file opened read-only
      // has no high-water table.
      this.#insertSnapshot ??= this.#db.prepare(
        "INSERT INTO snapshots (id, org_id, org_name, started_at, status, tool_version) " +
          "VALUES ((SELECT id + 1 FROM snapshot_id_high_water), ?, ?, ?, 'running', ?)",
      );
      const result = this.#insertSnapshot.run(org.id, org.displayName ?? "", startedAt, toolVersion);
      const snapshotId = Number(result.lastInsertRowid);
      for (const kind of kinds) {
        this.#statements.insertKind.run(snapshotId, kind);
      }
      if (options.claim === true) {
        this.#requireClaims().take([snapshotId], new Date());
      }
      return snapshotId;
    })();
    return this.requireSnapshot(id);
  }

  /** Returns the snapshot, or undefined when there is none with this id. */
  getSnapshot(id: number): Snapshot | undefined {
    const row = this.#statements.selectSnapshot.get(id) as SnapshotRowData | undefined;
    return row === undefined ? undefined : toSnapshot(row);
  }

  /**
   * Returns the snapshot.
   *
   * @throws InvalidInputError when there is none with this id
   */
  requireSnapshot(id: number): Snapshot {
    const snapshot = this.getSnapshot(id);
    if (snapshot === undefined) {
      throw new InvalidInputError(`Snapshot ${id} is not in ${this.path}; run "wxadmin snapshots list" to see the stored snapshots.`);
    }
    return snapshot;
  }

  /**
   * Describes a snapshot's status for people. A snapshot stored as `running` counts as
   * `incomplete` when no live backup claims it: its claim is stale (see `snapshot-claims.ts`) or
   * missing. A version 1 file opened read-only records no claims, so there the stored status is
   * returned unchanged.
   *
   * @throws InvalidInputError when there is no snapshot with this id
   */
  describeStatus(snapshotOrId: Snapshot | number, now: Date = new Date()): SnapshotStatusDescription {
    const snapshot = typeof snapshotOrId === "number" ? this.requireSnapshot(snapshotOrId) : snapshotOrId;
    const storedStatus = snapshot.status;
    if (storedStatus !== "running" || this.#claims === undefined) {
      return { storedStatus, effectiveStatus: storedStatus, stoppedReason: undefined, writer: undefined };
    }
    const claim = this.#claims.get(snapshot.id, now);
    if (claim === undefined) {
      return { storedStatus, effectiveStatus: "incomplete", stoppedReason: "no backup process claims it", writer: undefined };
    }
    if (claim.staleReason !== undefined) {
      return { storedStatus, effectiveStatus: "incomplete", stoppedReason: claim.staleReason, writer: undefined };
    }
    return { storedStatus, effectiveStatus: "running", stoppedReason: undefined, writer: claim };
  }

  /**
   * Returns a snapshot's object counts per kind: the stored counts of a finished snapshot, and
   * for one stored as `running` (still written, or stopped) the objects stored so far.
   */
  currentCounts(snapshot: Snapshot): Record<string, number> {
    return snapshot.status === "running" ? this.countObjects(snapshot.id) : snapshot.counts;
  }

  /** Lists snapshots, oldest first, optionally of one org. */
  listSnapshots(filter: { orgId?: string } = {}): Snapshot[] {
    const rows = (
      filter.orgId === undefined ? this.#statements.selectAllSnapshots.all() : this.#statements.selectOrgSnapshots.all(filter.orgId)
    ) as SnapshotRowData[];
    return rows.map(toSnapshot);
  }

  /** Returns the newest `count` snapshots of an org, newest first, optionally only those with `status`. */
  latestSnapshots(orgId: string, count: number, filter: { status?: SnapshotStatus } = {}): Snapshot[] {
    const rows = this.#statements.selectLatestSnapshots.all({ orgId, status: filter.status ?? null, count }) as SnapshotRowData[];
    return rows.map(toSnapshot);
  }

  /**
   * Ends a snapshot: stores its object counts and finish time and sets its status. Without a
   * status, the snapshot is `complete` when every kind is complete and `incomplete` otherwise,
   * with an error naming the kinds that are not.
   *
   * @throws InvalidInputError when `complete` is asked for while a kind is not complete
   */
  finishSnapshot(id: number, status?: "complete" | "incomplete", error?: string, finishedAt: Date = new Date()): Snapshot {
    this.requireSnapshot(id);
    const unfinished = this.getKinds(id).filter((kind) => kind.status !== "complete");
    if (status === "complete" && unfinished.length > 0) {
      throw new InvalidInputError(
        `Snapshot ${id} cannot be marked complete: ${unfinished.map((kind) => `${kind.kind} is ${kind.status}`).join(", ")}.`,
      );
    }
    const finalStatus = status ?? (unfinished.length === 0 ? "complete" : "incomplete");
    const finalError = finalStatus === "complete" ? null : withoutFullStop(error ?? describeUnfinished(unfinished));
    const counts = JSON.stringify(this.countObjects(id));
    this.#statements.finishSnapshot.run(finalStatus, finishedAt.toISOString(), counts, finalError, id);
    return this.requireSnapshot(id);
  }

  /**
   * Marks a finished or interrupted snapshot as `running` again so a backup can resume it.
   * Complete kinds stay complete. Failed kinds become `running` and keep their cursor.
   */
  reopenSnapshot(id: number): Snapshot {
    this.requireSnapshot(id);
    this.#db.transaction(() => {
      this.#statements.reopenSnapshot.run(id);
      this.#statements.reopenFailedKinds.run(id);
    })();
    return this.requireSnapshot(id);
  }

  /**
   * Deletes a snapshot with its kinds and objects; false when there was none.
   *
   * @throws SnapshotBusyError when a backup that still runs has claimed the snapshot
   */
  deleteSnapshot(id: number): boolean {
    if (this.getSnapshot(id) === undefined) {
      return false;
    }
    this.deleteSnapshots([id]);
    return true;
  }

  /**
   * Deletes snapshots with their kinds and objects in one transaction: all of them, or none
   * when one is missing or claimed. The file keeps its size, because SQLite reuses the freed
   * pages for later writes; `vacuum` shrinks it.
   *
   * @throws InvalidInputError naming the ids that are not in the database
   * @throws SnapshotBusyError when a backup that still runs has claimed one of the snapshots
   */
  deleteSnapshots(ids: readonly number[]): DeletedSnapshot[] {
    const unique = [...new Set(ids)];
    return this.#db
      .transaction(() => {
        const missing = unique.filter((id) => this.getSnapshot(id) === undefined);
        if (missing.length > 0) {
          const named = missing.length === 1 ? `Snapshot ${missing[0]} is` : `Snapshots ${missing.join(", ")} are`;
          throw new InvalidInputError(`${named} not in ${this.path}, so nothing was deleted; run "wxadmin snapshots list" to see the stored snapshots.`);
        }
        const now = new Date();
        for (const id of unique) {
          const claim = this.#claims?.get(id, now);
          if (claim !== undefined && claim.staleReason === undefined) {
            throw new SnapshotBusyError(claim);
          }
        }

        return unique.map((id) => {
          const snapshot = this.requireSnapshot(id);
          const objects = this.#statements.deleteObjects.run(id).changes;
          this.#statements.deleteSnapshot.run(id);
          return { snapshot, objects };
        });
      })
      .immediate();
  }

  /**
   * Rewrites the file without its free pages (SQLite's VACUUM), then truncates the write-ahead
   * log. VACUUM copies the whole database into a temporary file and back, so it needs free
   * disk space of up to twice the file's size (SQLite's VACUUM documentation). It waits for
   * other writers up to the busy timeout.
   */
  vacuum(): void {
    this.#db.exec("VACUUM");
    this.#db.pragma("wal_checkpoint(TRUNCATE)");
  }

  // ---- claims ----

  /**
   * Claims snapshots for this process, so that no other backup resumes or deletes them while
   * this one writes them. It claims all of them, or none when another live backup has claimed
   * one. A stale claim, whose process is gone or which was not renewed for `CLAIM_STALE_MS`, is
   * replaced. Renew the claims with `renewClaims` while writing, and release them at the end.
   *
   * @returns the stale claims that were replaced
   * @throws SnapshotBusyError naming the snapshot and the process that has claimed it
   * @throws InvalidInputError when a snapshot does not exist
   */
  claimSnapshots(ids: readonly number[], now: Date = new Date()): SnapshotClaim[] {
    const claims = this.#requireClaims();
    return this.#db
      .transaction(() => {
        for (const id of ids) {
          this.requireSnapshot(id);
        }
        return claims.take(ids, now);
      })
      .immediate();
  }

  /** Renews this process's claims on the snapshots, so they do not become stale. Returns how many it renewed. */
  renewClaims(ids: readonly number[], now: Date = new Date()): number {
    const claims = this.#requireClaims();
    return this.#db.transaction(() => claims.renew(ids, now)).immediate();
  }

  /** Releases this process's claims on the snapshots; claims of other processes stay. */
  releaseClaims(ids: readonly number[]): void {
    const claims = this.#requireClaims();
    this.#db.transaction(() => claims.release(ids)).immediate();
  }

  /**
   * Returns the claim on a snapshot, with `staleReason` set when it no longer counts, or
   * undefined when nothing claims it (always for a version 1 file opened read-only).
   */
  getClaim(id: number, now: Date = new Date()): SnapshotClaim | undefined {
    return this.#claims?.get(id, now);
  }

  #requireClaims(): SnapshotClaims {
    if (this.#claims === undefined) {
      throw new InvalidInputError(`The snapshot database ${this.path} is open read-only with an older schema, so it cannot record which backup writes a snapshot; open it for writing.`);
    }
    return this.#claims;
  }

  // ---- kinds ----

  /** Returns the kinds of a snapshot in the order they were created. */
  getKinds(snapshotId: number): SnapshotKind[] {
    return (this.#statements.selectKinds.all(snapshotId) as KindRowData[]).map(toKind);
  }

  /** Returns one kind of a snapshot, or undefined. */
  getKind(snapshotId: number, kind: string): SnapshotKind | undefined {
    const row = this.#statements.selectKind.get(snapshotId, kind) as KindRowData | undefined;
    return row === undefined ? undefined : toKind(row);
  }

  /** Adds a `pending` kind to a snapshot; does nothing when it is already there. */
  addKind(snapshotId: number, kind: string): void {
    this.#statements.insertKind.run(snapshotId, kind);
  }

  /** Sets a kind `running` (a pending or failed kind starts or resumes); the error is cleared. */
  markKindRunning(snapshotId: number, kind: string): void {
    this.#requireChange(this.#statements.markKindRunning.run(snapshotId, kind), snapshotId, kind);
  }

  /** Sets a kind `complete` and clears its cursor. */
  markKindComplete(snapshotId: number, kind: string): void {
    this.#requireChange(this.#statements.markKindComplete.run(snapshotId, kind), snapshotId, kind);
  }

  /** Sets a kind `failed` with `error`; its cursor stays, so a resumed backup continues there. */
  markKindFailed(snapshotId: number, kind: string, error: string): void {
    this.#requireChange(this.#statements.markKindFailed.run(error, snapshotId, kind), snapshotId, kind);
  }

  /** Updates the counters of a kind without storing a page. Undefined fields stay as they are. */
  updateKindProgress(snapshotId: number, kind: string, progress: { rateLimitWaits?: number; nextUrl?: string | null }): void {
    const result = this.#statements.updateKindProgress.run({
      rateLimitWaits: progress.rateLimitWaits ?? null,
      setNextUrl: progress.nextUrl === undefined ? 0 : 1,
      nextUrl: progress.nextUrl ?? null,
      snapshotId,
      kind,
    });
    this.#requireChange(result, snapshotId, kind);
  }

  // ---- objects ----

  /**
   * Stores one page in one transaction: its objects (replacing any with the same id), one more
   * page and its item count on the kind, and the kind's cursor. A page without `nextUrl` is the
   * last one and makes the kind `complete`. A crash leaves either the whole page with its
   * cursor or neither, so a resumed backup never skips or half-stores a page.
   */
  storePage(snapshotId: number, kind: string, page: PageInput): void {
    const rows = page.objects.map((object) => ({ id: object.id, json: JSON.stringify(object.value) }));
    this.storePageJson(snapshotId, kind, { rows, nextUrl: page.nextUrl, rateLimitWaits: page.rateLimitWaits });
  }

  /**
   * Like `storePage`, with each object's value already serialized, as the backup's writer
   * thread receives it. With `expectedPages`, the page is stored only when the kind has exactly
   * that many pages already, so a page queued behind one that failed cannot move the cursor
   * past the missing page.
   *
   * @throws InvalidInputError when the kind is missing or has another page count
   */
  storePageJson(snapshotId: number, kind: string, page: JsonPageInput): void {
    const statements = this.#statements;
    this.#db.transaction(() => {
      for (const row of page.rows) {
        statements.insertObject.run(snapshotId, kind, row.id, row.json);
      }
      const result = statements.recordPage.run({
        items: page.rows.length,
        nextUrl: page.nextUrl ?? null,
        status: page.nextUrl === undefined ? "complete" : "running",
        rateLimitWaits: page.rateLimitWaits ?? null,
        expectedPages: page.expectedPages ?? null,
        snapshotId,
        kind,
      });
      if (result.changes === 0 && page.expectedPages !== undefined && this.getKind(snapshotId, kind) !== undefined) {
        const stored = this.getKind(snapshotId, kind)?.pages ?? 0;
        throw new InvalidInputError(
          `Page ${page.expectedPages + 1} of ${kind} in snapshot ${snapshotId} was not stored: the kind has ${stored} stored page${stored === 1 ? "" : "s"}, not ${page.expectedPages}, because an earlier page failed.`,
        );
      }
      this.#requireChange(result, snapshotId, kind);
    })();
  }

  /**
   * Runs `work` in one transaction, so several pages commit together. A write inside it that
   * throws rolls back only its own changes when the caller catches the error inside `work`.
   */
  runInTransaction(work: () => void): void {
    this.#db.transaction(work)();
  }

  /** Stores objects of a kind in one transaction, replacing any with the same id. The kind's progress is not changed. */
  insertObjects(snapshotId: number, kind: string, objects: readonly ObjectInput[]): void {
    const insert = this.#statements.insertObject;
    this.#db.transaction(() => {
      for (const object of objects) {
        insert.run(snapshotId, kind, object.id, JSON.stringify(object.value));
      }
    })();
  }

  /** Returns one stored object's value, or undefined. */
  getObject(snapshotId: number, kind: string, id: string): Record<string, unknown> | undefined {
    const row = this.#statements.selectObject.get(snapshotId, kind, id) as { json: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.json) as Record<string, unknown>);
  }

  /**
   * Iterates the stored objects of a snapshot, one row at a time, ordered by kind and then by
   * id in SQLite's BINARY order (the order of the ids' UTF-8 bytes).
   */
  *iterateObjects(snapshotId: number, kind?: string): IterableIterator<StoredObjectRow> {
    for (const row of this.iterateObjectJson(snapshotId, kind)) {
      yield { kind: row.kind, id: row.id, value: JSON.parse(row.json) as Record<string, unknown> };
    }
  }

  /** Like `iterateObjects`, with each object's JSON text as stored instead of a parsed value. */
  iterateObjectJson(snapshotId: number, kind?: string): IterableIterator<StoredObjectJson> {
    // A fresh statement per call, so two iterations can run side by side (a statement can run
    // one iteration at a time).
    const statement =
      kind === undefined
        ? this.#db.prepare("SELECT kind, object_id AS id, json FROM objects WHERE snapshot_id = ? ORDER BY kind, object_id").bind(snapshotId)
        : this.#db.prepare("SELECT kind, object_id AS id, json FROM objects WHERE snapshot_id = ? AND kind = ? ORDER BY object_id").bind(snapshotId, kind);
    return statement.iterate() as IterableIterator<StoredObjectJson>;
  }

  /** Counts the stored objects of a snapshot per kind. Kinds without objects are left out. */
  countObjects(snapshotId: number): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const row of this.#statements.countObjects.all(snapshotId) as Array<{ kind: string; count: number }>) {
      counts[row.kind] = row.count;
    }
    return counts;
  }

  #requireChange(result: Database.RunResult, snapshotId: number, kind: string): void {
    if (result.changes === 0) {
      throw new InvalidInputError(`Snapshot ${snapshotId} has no kind "${kind}"; create the snapshot with that kind first.`);
    }
  }
}

function prepareStatements(db: Database.Database) {
  return {
    insertKind: db.prepare("INSERT OR IGNORE INTO snapshot_kinds (snapshot_id, kind, status) VALUES (?, ?, 'pending')"),
    selectSnapshot: db.prepare(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE id = ?`),
    selectAllSnapshots: db.prepare(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots ORDER BY id`),
    selectOrgSnapshots: db.prepare(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE org_id = ? ORDER BY id`),
    selectLatestSnapshots: db.prepare(
      `SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE org_id = @orgId AND (@status IS NULL OR status = @status) ORDER BY id DESC LIMIT @count`,
    ),
    finishSnapshot: db.prepare("UPDATE snapshots SET status = ?, finished_at = ?, counts = ?, error = ? WHERE id = ?"),
    reopenSnapshot: db.prepare("UPDATE snapshots SET status = 'running', finished_at = NULL, error = NULL WHERE id = ?"),
    reopenFailedKinds: db.prepare("UPDATE snapshot_kinds SET status = 'running', error = NULL WHERE snapshot_id = ? AND status = 'failed'"),
    deleteSnapshot: db.prepare("DELETE FROM snapshots WHERE id = ?"),
    deleteObjects: db.prepare("DELETE FROM objects WHERE snapshot_id = ?"),
    selectKinds: db.prepare(`SELECT ${KIND_COLUMNS} FROM snapshot_kinds WHERE snapshot_id = ? ORDER BY rowid`),
    selectKind: db.prepare(`SELECT ${KIND_COLUMNS} FROM snapshot_kinds WHERE snapshot_id = ? AND kind = ?`),
    markKindRunning: db.prepare("UPDATE snapshot_kinds SET status = 'running', error = NULL WHERE snapshot_id = ? AND kind = ?"),
    markKindComplete: db.prepare(
      "UPDATE snapshot_kinds SET status = 'complete', next_url = NULL, error = NULL WHERE snapshot_id = ? AND kind = ?",
    ),
    markKindFailed: db.prepare("UPDATE snapshot_kinds SET status = 'failed', error = ? WHERE snapshot_id = ? AND kind = ?"),
    updateKindProgress: db.prepare(
      `UPDATE snapshot_kinds SET rate_limit_waits = coalesce(@rateLimitWaits, rate_limit_waits),
         next_url = CASE WHEN @setNextUrl = 1 THEN @nextUrl ELSE next_url END
       WHERE snapshot_id = @snapshotId AND kind = @kind`,
    ),
    recordPage: db.prepare(
      `UPDATE snapshot_kinds SET pages = pages + 1, items = items + @items, next_url = @nextUrl, status = @status,
         rate_limit_waits = coalesce(@rateLimitWaits, rate_limit_waits)
       WHERE snapshot_id = @snapshotId AND kind = @kind AND (@expectedPages IS NULL OR pages = @expectedPages)`,
    ),
    insertObject: db.prepare("INSERT OR REPLACE INTO objects (snapshot_id, kind, object_id, json) VALUES (?, ?, ?, ?)"),
    selectObject: db.prepare("SELECT json FROM objects WHERE snapshot_id = ? AND kind = ? AND object_id = ?"),
    countObjects: db.prepare("SELECT kind, count(*) AS count FROM objects WHERE snapshot_id = ? GROUP BY kind ORDER BY kind"),
  };
}

/**
 * Switches the file to WAL mode. While another connection turns a new file to WAL at the same
 * moment, SQLite reports "database is locked" at once instead of calling the busy handler, so
 * the switch is tried again for up to the busy timeout.
 */
function enableWal(db: Database.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let pauseMs = 5; ; pauseMs = Math.min(pauseMs * 2, 100)) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== "SQLITE_BUSY" || Date.now() >= deadline) {
        throw error;
      }
    }
    // better-sqlite3 is synchronous, so this waits synchronously as SQLite's own busy handler does.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs);
  }
}

/** Creates the file (mode 0600) and its folder (mode 0700) when missing, because snapshots hold personal data. */
function createPrivateFile(path: string): void {
  if (existsSync(path)) {
    return;
  }
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, "a", 0o600));
  } catch (error) {
    throw new InvalidInputError(`Cannot create the snapshot database ${path}: ${(error as Error).message}. Pass a writable path with --db.`, {
      cause: error,
    });
  }
}

function toSnapshot(row: SnapshotRowData): Snapshot {
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? undefined,
    status: row.status,
    counts: JSON.parse(row.counts) as Record<string, number>,
    error: row.error ?? undefined,
    toolVersion: row.tool_version,
  };
}

function toKind(row: KindRowData): SnapshotKind {
  return {
    snapshotId: row.snapshot_id,
    kind: row.kind,
    status: row.status,
    pages: row.pages,
    items: row.items,
    rateLimitWaits: row.rate_limit_waits,
    nextUrl: row.next_url ?? undefined,
    error: row.error ?? undefined,
  };
}

function describeUnfinished(kinds: SnapshotKind[]): string {
  return kinds
    .map((kind) => (kind.error === undefined ? `${kind.kind} is ${kind.status}` : `${kind.kind} failed: ${withoutFullStop(kind.error)}`))
    .join("; ");
}

function withoutFullStop(text: string): string {
  return text.trimEnd().replace(/\.+$/, "");
}
