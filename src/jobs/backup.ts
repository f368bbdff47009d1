/**
 * The backup job: one snapshot per org, every kind of object read page by page and stored as
 * it arrives. Units of work are (org, kind) pairs that share one pool of `concurrency` slots,
 * and all their requests go through the connection's one transport, so they share its
 * rate-limit pause. Each page is stored in one transaction with the kind's next-page URL, so
 * an interrupted backup resumes where it stopped and ends with the same objects.
 */
import { isSameId } from "../ids.js";
import type { Logger } from "../logger.js";
import { InvalidInputError, WebexApiError, WebexError } from "../transport/errors.js";
import { findNextLink, paginate, type Page, type Paginator } from "../transport/paginate.js";
import { sleepWithSignal, type RateLimitWaitEvent } from "../transport/rate-limit.js";
import { CLAIM_RENEW_INTERVAL_MS, describeClaimHolder } from "../storage/snapshot-claims.js";
import type { ObjectJsonInput, Snapshot, SnapshotDb, SnapshotKind } from "../storage/snapshot-db.js";
import { openSnapshotWriter, type SnapshotWriter } from "../storage/snapshot-writer.js";
import type { Org, Webex } from "../webex.js";
import { findForeignCursor, KIND_SPECS, selectKinds, type BackupKind, type KindSpec, type WireObject } from "./backup-kinds.js";

export { BACKUP_KINDS, type BackupKind } from "./backup-kinds.js";

/** State of one (org, kind) unit in a progress event. `skipped`: already complete in a resumed snapshot. */
export type BackupUnitState = "pending" | "running" | "complete" | "failed" | "skipped" | "interrupted";

/** Progress of one kind of one org, sent after every stored page and on each change of state. */
export interface BackupProgressEvent {
  snapshotId: number;
  orgId: string;
  orgName: string;
  kind: string;
  state: BackupUnitState;
  /** Pages stored so far, including those of an earlier, interrupted run. */
  pages: number;
  /** Objects stored so far, including those of an earlier run. */
  items: number;
  /** 429 responses this kind's requests received. */
  rateLimitWaits: number;
  /** The error message of a `failed` kind. */
  error?: string;
}

/** Options of `backupOrgs`. */
export interface BackupOptions {
  /** The connection whose transport (and so rate budget) every request uses. */
  webex: Webex;
  /** Orgs to back up, one snapshot each. Default `[webex.org]`. Ignored when resuming, except to find the snapshot's org. */
  orgs?: readonly Org[];
  db: SnapshotDb;
  /** (org, kind) units read at the same time, across all orgs. Default 4. */
  concurrency?: number;
  /** Kinds to read. Default every kind of `BACKUP_KINDS`. Ignored when resuming: a snapshot keeps its kinds. */
  kinds?: readonly string[];
  /**
   * Items per page by kind, for lists that take a `max`. Defaults: people 100 (Webex's cap with
   * calling data), locations 500, numbers Webex's default of 2000, other telephony lists 1000.
   * Lower values help when Webex returns 504 for large pages. Not applied when resuming: the
   * stored next-page URL keeps the size the backup started with.
   */
  pageSizes?: Partial<Record<BackupKind, number>>;
  /** Receives progress events. An exception it throws is logged and ignored. */
  onProgress?: (event: BackupProgressEvent) => void;
  /**
   * Stops the backup: requests in flight are cancelled, the page being read is not stored, the
   * snapshots are marked incomplete and `backupOrgs` rejects with the signal's reason. Resume
   * them with `resumeSnapshotIds`.
   */
  signal?: AbortSignal;
  /** Snapshots to continue instead of starting new ones: complete kinds are skipped, the others continue from their stored cursor. */
  resumeSnapshotIds?: readonly number[];
  /**
   * Times a kind continues from its stored cursor after a server error (5xx), network failure
   * or timeout that outlasted the transport's own retries. The transport does not retry a 500,
   * which Webex also sends for passing faults, and a long backup should not stop at one. Default 2.
   */
  kindRetries?: number;
  /** Wait before each of those retries, in milliseconds. Default 2000. */
  kindRetryDelayMs?: number;
  /**
   * Store pages on a worker thread with its own connection to `db`'s file, so SQLite's work
   * overlaps with reading pages. Default true. An in-memory database is always written on
   * the calling thread.
   */
  storeInWorker?: boolean;
}

/** Outcome of `backupOrgs`. */
export interface BackupResult {
  snapshots: Array<{ snapshot: Snapshot; kinds: SnapshotKind[] }>;
  /** True when every snapshot is complete. */
  complete: boolean;
}

/** One (org, kind) pair and its counters. */
interface Unit {
  org: Org;
  snapshotId: number;
  spec: KindSpec;
  /** Stored next-page URL to continue from, when resuming. */
  resumeUrl: string | undefined;
  pages: number;
  items: number;
  rateLimitWaits: number;
  state: BackupUnitState;
}

interface RunContext {
  webex: Webex;
  writer: SnapshotWriter;
  kindRetries: number;
  kindRetryDelayMs: number;
  pageSizes: Partial<Record<BackupKind, number>>;
  db: SnapshotDb;
  signal: AbortSignal | undefined;
  emit: (unit: Unit, error?: string) => void;
  active: Set<Unit>;
  logger: Logger;
}

const DEFAULT_CONCURRENCY = 4;
/**
 * Pages, and characters of JSON, of one unit that may wait for the writer at a time. The
 * writer commits the pages queued at once in one transaction. Each commit rewrites every index
 * page its rows touched, so larger commits cost less per object. With up to 24 pages of 100
 * people waiting instead of 6, storing 170,000 objects took about a quarter less CPU time in a
 * test on a 2-core VM. The character limit bounds memory for large pages such as numbers.
 */
const MAX_UNCONFIRMED_PAGES = 24;
const MAX_UNCONFIRMED_CHARACTERS = 4_000_000;
const DEFAULT_KIND_RETRIES = 2;
const DEFAULT_KIND_RETRY_DELAY_MS = 2000;
/** Error codes after which continuing from the cursor can succeed. */
const RETRYABLE_CODES = new Set(["server", "network", "timeout"]);

/**
 * Backs up each org into a new snapshot, or continues the snapshots named by
 * `resumeSnapshotIds`. A kind that fails leaves its snapshot `incomplete` with the error and
 * does not stop the others; the returned `complete` is then false. The backup claims every
 * snapshot it writes (see `SnapshotDb.claimSnapshots`) until it returns, so another backup
 * cannot resume them meanwhile.
 *
 * @throws InvalidInputError for a bad concurrency or kind, or a resume snapshot that does not exist
 * @throws SnapshotBusyError when another backup that still runs writes a snapshot to resume
 * @throws the signal's reason when `signal` aborts, after marking the snapshots incomplete
 */
export async function backupOrgs(options: BackupOptions): Promise<BackupResult> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidInputError(`Invalid concurrency ${String(concurrency)}: expected a whole number of at least 1, such as ${DEFAULT_CONCURRENCY}.`);
  }
  options.signal?.throwIfAborted();

  const { webex, db } = options;
  const logger = webex.transport.logger;
  const pageSizes = checkPageSizes(options.pageSizes);
  const kindRetries = checkCount(options.kindRetries ?? DEFAULT_KIND_RETRIES, "kindRetries");
  const kindRetryDelayMs = checkCount(options.kindRetryDelayMs ?? DEFAULT_KIND_RETRY_DELAY_MS, "kindRetryDelayMs");
  const claimedIds: number[] = [];
  let units: Unit[];
  try {
    units = options.resumeSnapshotIds === undefined ? planNewSnapshots(options, claimedIds) : planResume(options, options.resumeSnapshotIds, claimedIds);
  } catch (error) {
    releaseClaims(db, claimedIds, logger);
    throw error;
  }

  const stopRenewing = renewClaimsWhileRunning(db, claimedIds, logger);
  try {
    return await runUnits(options, units, { concurrency, pageSizes, kindRetries, kindRetryDelayMs });
  } finally {
    // Released only after the snapshots are finished, so a backup that resumes one next finds
    // its final state.
    stopRenewing();
    releaseClaims(db, claimedIds, logger);
  }
}

/** Runs the planned units to their end and finishes their snapshots; see `backupOrgs`. */
async function runUnits(
  options: BackupOptions,
  units: Unit[],
  settings: { concurrency: number; pageSizes: Partial<Record<BackupKind, number>>; kindRetries: number; kindRetryDelayMs: number },
): Promise<BackupResult> {
  const { webex, db } = options;
  const { concurrency, pageSizes, kindRetries, kindRetryDelayMs } = settings;
  const logger = webex.transport.logger;
  const snapshotIds = [...new Set(units.map((unit) => unit.snapshotId))];

  const context: RunContext = {
    webex,
    writer: openSnapshotWriter(db, { useWorker: options.storeInWorker }),
    kindRetries,
    kindRetryDelayMs,
    pageSizes,
    db,
    signal: options.signal,
    emit: createEmitter(options.onProgress, logger),
    active: new Set(),
    logger,
  };
  for (const unit of units) {
    context.emit(unit);
  }

  const stopListening = webex.transport.rateLimitGate.onRateLimitWait((event) => attributeWait(event, context));
  try {
    await runPool(
      units.filter((unit) => unit.state === "pending"),
      concurrency,
      (unit) => runUnit(unit, context),
      options.signal,
    );
  } finally {
    stopListening();
    await context.writer.close();
  }

  const aborted = options.signal?.aborted ?? false;
  const snapshots = snapshotIds.map((id) => finishSnapshot(db, id, aborted, logger, units));
  if (aborted) {
    throw options.signal?.reason;
  }
  return { snapshots, complete: snapshots.every((entry) => entry.snapshot.status === "complete") };
}

// ---- planning ----

/** Creates a claimed snapshot per org, adding each id to `claimedIds` as it is created. */
function planNewSnapshots(options: BackupOptions, claimedIds: number[]): Unit[] {
  const kinds = selectKinds(options.kinds);
  const orgs = options.orgs ?? [options.webex.org];
  const units: Unit[] = [];
  for (const org of orgs) {
    const snapshot = options.db.createSnapshot({ id: org.id, displayName: org.displayName }, { kinds, claim: true });
    claimedIds.push(snapshot.id);
    options.webex.transport.logger.info(`Backing up org ${describeOrg(org)} into snapshot ${snapshot.id} of ${options.db.path}.`);
    for (const kind of kinds) {
      units.push(createUnit(org, snapshot.id, KIND_SPECS[kind], undefined));
    }
  }
  return units;
}

/** Claims the snapshots that are not complete, adding their ids to `claimedIds`, and reopens them. */
function planResume(options: BackupOptions, snapshotIds: readonly number[], claimedIds: number[]): Unit[] {
  const { db, webex } = options;

  // Every snapshot is checked before any is reopened, so a bad id changes nothing.
  const plans = snapshotIds.map((id) => {
    const snapshot = db.requireSnapshot(id);
    const org = options.orgs?.find((candidate) => isSameId(candidate.id, snapshot.orgId)) ?? webex.forOrg(snapshot.orgId);
    const stored = db.getKinds(id);
    const unknown = stored.filter((row) => !isBackupKind(row.kind)).map((row) => row.kind);
    if (unknown.length > 0) {
      throw new InvalidInputError(`Snapshot ${id} has kinds this wxadmin cannot read (${unknown.join(", ")}); resume it with the wxadmin version that started it.`);
    }
    const foreign = findForeignCursor(stored, webex.transport.baseUrl);
    if (foreign !== undefined) {
      throw new InvalidInputError(
        `Snapshot ${id} was started against ${foreign.baseUrl}, but this connection's base URL is ${webex.transport.baseUrl}. ` +
          `Its ${foreign.kind} continue from a next-page URL stored on ${foreign.origin}, and the token is sent to no other origin than the base URL's. ` +
          `Resume it with a connection to ${foreign.baseUrl}.`,
      );
    }
    return { id, snapshot, org, stored };
  });

  // All or none: when another backup still writes one of them, nothing is claimed or reopened.
  const toClaim = plans.filter((plan) => plan.snapshot.status !== "complete").map((plan) => plan.id);
  const replaced = db.claimSnapshots(toClaim);
  claimedIds.push(...toClaim);
  for (const claim of replaced) {
    webex.transport.logger.info(`Taking over snapshot ${claim.snapshotId} from ${describeClaimHolder(claim)}, because ${claim.staleReason}.`);
  }

  const units: Unit[] = [];
  for (const { id, snapshot, org, stored } of plans) {
    if (snapshot.status !== "complete") {
      db.reopenSnapshot(id);
      webex.transport.logger.info(`Resuming snapshot ${id} of org ${describeOrg(org)} in ${db.path}.`);
    }

    for (const row of stored) {
      const unit = createUnit(org, id, KIND_SPECS[row.kind as BackupKind], row.nextUrl);
      unit.pages = row.pages;
      unit.items = row.items;
      unit.rateLimitWaits = row.rateLimitWaits;
      // A kind without a cursor starts again at its first page. Objects stored by an earlier
      // run are replaced by id, so reading a page twice stores nothing twice.
      if (row.status === "complete") {
        unit.state = "skipped";
      }
      units.push(unit);
    }
  }
  return units;
}

function createUnit(org: Org, snapshotId: number, spec: KindSpec, resumeUrl: string | undefined): Unit {
  return { org, snapshotId, spec, resumeUrl, pages: 0, items: 0, rateLimitWaits: 0, state: "pending" };
}

// ---- running ----

/** Runs `work` on every unit with at most `concurrency` at a time; no new unit starts after `signal` aborts. */
async function runPool(units: Unit[], concurrency: number, work: (unit: Unit) => Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < units.length && !signal?.aborted) {
      const unit = units[next] as Unit;
      next += 1;
      await work(unit);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, units.length) }, worker));
}

/** Reads one kind of one org to its last page. Never rejects: a failure is stored on the kind. */
async function runUnit(unit: Unit, context: RunContext): Promise<void> {
  const { writer, signal } = context;
  unit.state = "running";
  context.active.add(unit);

  try {
    await writer.markKindRunning(unit.snapshotId, unit.spec.kind);
    context.emit(unit);
    await readPagesWithRetries(unit, context);
    unit.state = "complete";
    context.emit(unit);
  } catch (error) {
    if (signal?.aborted) {
      unit.state = "interrupted";
      await recordEnd(unit, context, undefined);
      context.emit(unit);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    unit.state = "failed";
    context.logger.error(`Backup of ${unit.spec.kind} in org ${describeOrg(unit.org)} (snapshot ${unit.snapshotId}) failed: ${message}`);
    await recordEnd(unit, context, message);
    context.emit(unit, message);
  } finally {
    context.active.delete(unit);
  }
}

/**
 * Stores the rate-limit count of a unit that did not complete, and the error of a failed one.
 * A failure to store is logged: the kind then stays `running`, which a resume treats like `failed`.
 */
async function recordEnd(unit: Unit, context: RunContext, error: string | undefined): Promise<void> {
  try {
    if (error !== undefined) {
      await context.writer.markKindFailed(unit.snapshotId, unit.spec.kind, error);
    }
    await context.writer.updateKindProgress(unit.snapshotId, unit.spec.kind, { rateLimitWaits: unit.rateLimitWaits });
  } catch (storeError) {
    context.logger.error(`Could not record the end of ${unit.spec.kind} in snapshot ${unit.snapshotId}: ${(storeError as Error).message}`);
  }
}

/** Reads a unit's pages; after a passing failure, continues from the stored cursor up to `kindRetries` times. */
async function readPagesWithRetries(unit: Unit, context: RunContext): Promise<void> {
  for (let retry = 1; ; retry += 1) {
    try {
      await readPages(unit, context);
      return;
    } catch (error) {
      if (context.signal?.aborted || retry > context.kindRetries || !(error instanceof WebexError) || !RETRYABLE_CODES.has(error.code)) {
        throw error;
      }
      const cursor = context.db.getKind(unit.snapshotId, unit.spec.kind)?.nextUrl;
      context.logger.warn(
        `Backup of ${unit.spec.kind} in org ${describeOrg(unit.org)} failed after ${unit.pages} stored page${unit.pages === 1 ? "" : "s"} (${error.message}); continuing from ${cursor === undefined ? "its first page" : "its stored cursor"} in ${context.kindRetryDelayMs} ms, retry ${retry} of ${context.kindRetries}.`,
      );
      await sleepWithSignal(context.kindRetryDelayMs, context.signal);
      unit.resumeUrl = cursor;
    }
  }
}

/**
 * Reads and stores the pages of one unit. The next page is requested before the current one
 * is stored, and several pages may wait for the writer (`MAX_UNCONFIRMED_PAGES`), so reading,
 * the server's work and SQLite's work overlap. The unit's counters and progress events
 * follow the confirmed writes.
 */
async function readPages(unit: Unit, context: RunContext): Promise<void> {
  const { writer, signal } = context;
  const unconfirmed: Array<{ write: Promise<void>; characters: number }> = [];
  let unconfirmedCharacters = 0;
  let queuedPages = unit.pages;
  const store = (rows: ObjectJsonInput[], nextUrl: string | undefined): void => {
    const expectedPages = queuedPages;
    queuedPages += 1;
    const write = writer.storePage(unit.snapshotId, unit.spec.kind, { rows, nextUrl, rateLimitWaits: unit.rateLimitWaits, expectedPages }).then(() => {
      unit.pages += 1;
      unit.items += rows.length;
      if (nextUrl !== undefined) {
        context.emit(unit);
      }
    });
    const characters = rows.reduce((sum, row) => sum + row.json.length, 0);
    unconfirmed.push({ write: settleQuietly(write), characters });
    unconfirmedCharacters += characters;
  };
  const waitForOldest = async (): Promise<void> => {
    const oldest = unconfirmed.shift();
    if (oldest !== undefined) {
      unconfirmedCharacters -= oldest.characters;
      await oldest.write;
    }
  };
  const waitForAll = async (): Promise<void> => {
    while (unconfirmed.length > 0) {
      await waitForOldest();
    }
  };
  const paginator: Paginator<WireObject> =
    unit.resumeUrl === undefined
      ? unit.spec.list(unit.org, context.pageSizes[unit.spec.kind], signal)
      : paginate<WireObject>(context.webex.transport, { method: "GET", url: unit.resumeUrl, signal }, unit.spec.itemsKey);
  const pages = paginator.pages()[Symbol.asyncIterator]();
  let pending = settleQuietly(pages.next());
  let finished = false;

  try {
    for (;;) {
      const result = await raceAbort(pending, signal);
      if (result.done) {
        // The paginator yields at least one page, so this is only a safeguard: a list that
        // ends without a page is recorded as one empty last page.
        store([], undefined);
        await waitForAll();
        finished = true;
        return;
      }

      const page = result.value;
      const nextUrl = readNextUrl(page);
      const rows = await buildRows(unit, page, context);
      if (nextUrl !== undefined) {
        pending = settleQuietly(pages.next());
      }
      signal?.throwIfAborted();

      store(rows, nextUrl);
      if (nextUrl === undefined) {
        await waitForAll();
        finished = true;
        return;
      }
      while (unconfirmed.length >= MAX_UNCONFIRMED_PAGES || unconfirmedCharacters >= MAX_UNCONFIRMED_CHARACTERS) {
        await waitForOldest();
      }
    }
  } finally {
    // A failed unit records its end, and a retry reads its cursor, only after every write
    // it queued has settled.
    await Promise.allSettled(unconfirmed.map((entry) => entry.write));
    if (!finished) {
      // Ends the generator after any pending page; its outcome is no longer needed.
      pages.return?.(undefined).catch(() => undefined);
    }
  }
}

/** Turns a page's items into rows to store: expanded where the kind reads details, each with its id and JSON text. */
async function buildRows(unit: Unit, page: Page<WireObject>, context: RunContext): Promise<ObjectJsonInput[]> {
  const { spec } = unit;
  const rows: ObjectJsonInput[] = [];
  for (const [index, item] of page.items.entries()) {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      throw new WebexApiError(`Item ${index} on page ${unit.pages + 1} of ${spec.kind} (${page.url}) is not a JSON object; the backup stores objects only.`);
    }
    const value = spec.expand === undefined ? item : await raceAbort(spec.expand(unit.org, item, context.signal), context.signal);
    if (value === undefined) {
      continue;
    }
    const id = spec.idOf(value);
    if (id === undefined) {
      throw new WebexApiError(
        `Item ${index} on page ${unit.pages + 1} of ${spec.kind} (${page.url}) has no id to store it under; the backup stores ${spec.kind} by ${spec.kind === "numbers" ? "phoneNumber or extension" : "id"}.`,
      );
    }
    rows.push({ id, json: JSON.stringify(value) });
  }
  return rows;
}

/** Returns the absolute URL of the page after `page`, or undefined for the last page. */
function readNextUrl(page: Page<unknown>): string | undefined {
  const next = findNextLink(page.headers.get("link"));
  if (next === undefined) {
    return undefined;
  }
  return next.startsWith("https://") || next.startsWith("http://") ? next : new URL(next, page.url).href;
}

// ---- rate-limit waits ----

/**
 * Counts a 429 for the running unit whose request it was: the unit whose kind has the
 * request's path and whose org is the request's `orgId`. A next-page URL without `orgId`
 * goes to the first running unit of that kind.
 */
function attributeWait(event: RateLimitWaitEvent, context: RunContext): void {
  let url: URL;
  try {
    url = new URL(event.url);
  } catch {
    return;
  }
  const basePath = new URL(context.webex.transport.baseUrl).pathname.replace(/\/$/, "");
  const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
  const orgId = url.searchParams.get("orgId");

  for (const unit of context.active) {
    if (!unit.spec.paths.some((pattern) => pattern.test(path))) {
      continue;
    }
    if (orgId !== null && !isSameId(orgId, unit.org.id)) {
      continue;
    }
    unit.rateLimitWaits += 1;
    context.emit(unit);
    return;
  }
}

// ---- finishing ----

/** Finishes a snapshot this run wrote to; one whose kinds were all complete already is returned unchanged. */
function finishSnapshot(db: SnapshotDb, id: number, aborted: boolean, logger: Logger, units: Unit[]): { snapshot: Snapshot; kinds: SnapshotKind[] } {
  if (units.every((unit) => unit.snapshotId !== id || unit.state === "skipped")) {
    const stored = db.requireSnapshot(id);
    if (stored.status === "complete") {
      return { snapshot: stored, kinds: db.getKinds(id) };
    }
  }

  const unfinished = db.getKinds(id).filter((kind) => kind.status !== "complete");
  let error: string | undefined;
  if (aborted && unfinished.length > 0) {
    error = `interrupted before ${unfinished.map((kind) => kind.kind).join(", ")} finished; resume the backup of snapshot ${id} to continue`;
  }
  const snapshot = db.finishSnapshot(id, undefined, error);
  const kinds = db.getKinds(id);
  if (snapshot.status === "complete") {
    logger.info(`Snapshot ${id} of org ${snapshot.orgName || snapshot.orgId} is complete: ${describeCounts(snapshot.counts)}.`);
  } else {
    logger.warn(`Snapshot ${id} of org ${snapshot.orgName || snapshot.orgId} is incomplete: ${snapshot.error ?? "some kinds did not finish"}.`);
  }
  return { snapshot, kinds };
}

// ---- claims ----

/** Renews the claims every `CLAIM_RENEW_INTERVAL_MS` until the returned function is called. */
function renewClaimsWhileRunning(db: SnapshotDb, ids: readonly number[], logger: Logger): () => void {
  if (ids.length === 0) {
    return () => undefined;
  }
  const timer = setInterval(() => {
    try {
      db.renewClaims(ids);
    } catch (error) {
      // A missed renewal is harmless while later ones succeed: a claim becomes stale only
      // after several intervals without one.
      logger.warn(`Could not renew the claim on snapshot${ids.length === 1 ? "" : "s"} ${ids.join(", ")}: ${(error as Error).message}`);
    }
  }, CLAIM_RENEW_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Releases the claims; a failure is logged, since the claims become stale once this process ends. */
function releaseClaims(db: SnapshotDb, ids: readonly number[], logger: Logger): void {
  if (ids.length === 0) {
    return;
  }
  try {
    db.releaseClaims(ids);
  } catch (error) {
    logger.warn(`Could not release the claim on snapshot${ids.length === 1 ? "" : "s"} ${ids.join(", ")}: ${(error as Error).message}`);
  }
}

// ---- helpers ----

function isBackupKind(kind: string): kind is BackupKind {
  return Object.hasOwn(KIND_SPECS, kind);
}

function checkCount(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidInputError(`Invalid ${name} ${String(value)}: expected a whole number of at least 0.`);
  }
  return value;
}

function checkPageSizes(pageSizes: BackupOptions["pageSizes"]): Partial<Record<BackupKind, number>> {
  for (const [kind, size] of Object.entries(pageSizes ?? {})) {
    if (!isBackupKind(kind)) {
      throw new InvalidInputError(`Invalid pageSizes: "${kind}" is not a backup kind; the kinds are ${Object.keys(KIND_SPECS).join(", ")}.`);
    }
    if (size !== undefined && (!Number.isInteger(size) || size < 1)) {
      throw new InvalidInputError(`Invalid page size ${String(size)} for ${kind}: expected a whole number of at least 1.`);
    }
  }
  return pageSizes ?? {};
}

function createEmitter(listener: BackupOptions["onProgress"], logger: Logger): (unit: Unit, error?: string) => void {
  if (listener === undefined) {
    return () => undefined;
  }
  const onProgress = listener;
  return (unit, error) => {
    const event: BackupProgressEvent = {
      snapshotId: unit.snapshotId,
      orgId: unit.org.id,
      orgName: unit.org.displayName,
      kind: unit.spec.kind,
      state: unit.state,
      pages: unit.pages,
      items: unit.items,
      rateLimitWaits: unit.rateLimitWaits,
    };
    if (error !== undefined) {
      event.error = error;
    }
    try {
      onProgress(event);
    } catch (listenerError) {
      logger.warn(`The backup progress listener failed and was skipped: ${(listenerError as Error).message}`);
    }
  };
}

/** Rejects with the signal's reason as soon as `signal` aborts, without waiting for `promise`. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) {
    return promise;
  }
  if (signal.aborted) {
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Marks a prefetched page's rejection as handled. The error still reaches the code that awaits the promise. */
function settleQuietly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function describeOrg(org: Org): string {
  return org.displayName === "" ? org.id : `${org.displayName} (${org.id})`;
}

function describeCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([kind, count]) => `${count} ${kind}`);
  return parts.length === 0 ? "no objects" : parts.join(", ");
}
