/**
 * The backup job against the emulator over loopback, storing into real SQLite files in a
 * temporary folder: complete backups, interrupted and failed backups that resume, many orgs
 * through one pool, and backups under injected faults.
 */
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { after, afterEach, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Emulator } from "../src/emulator/index.js";
import { BACKUP_KINDS, backupOrgs, type BackupKind } from "../src/jobs/backup.js";
import { SnapshotBusyError, SnapshotDb } from "../src/storage/snapshot-db.js";
import { InvalidInputError } from "../src/transport/errors.js";
import type { SleepFunction } from "../src/transport/rate-limit.js";
import type { Webex, WebexOptions } from "../src/webex.js";
import { countByKind, immediateSleep, ProgressRecorder, readApiObjects, readSnapshot, TempFolder, type ObjectsByKind } from "./helpers/backup-fixtures.js";
import { connectTo, startTestEmulator } from "./helpers/sdk-emulator.js";

const PEOPLE = 120;
const RANDOM_SEED = 7;
/** Small pages, so every list spans several pages and an interruption lands between them. */
const SMALL_PAGES: Partial<Record<BackupKind, number>> = {
  people: 9,
  locations: 2,
  callingLocations: 2,
  numbers: 11,
  callQueues: 2,
  huntGroups: 2,
  autoAttendants: 2,
  callQueueAgents: 3,
};
/** Retries that take no time: `immediateSleep` skips every wait, and more retries than faults in a row can plausibly hit. */
const FAST_RETRIES: Partial<WebexOptions> = {
  sleep: immediateSleep,
  retry: { maxRetries: 10, maxRateLimitWaits: 10, baseDelayMs: 1, maxDelayMs: 2 },
};

/** A server delay far longer than any test waits: a test that waits it out fails on its bound first. */
const HANG_MS = 30_000;
/** Time a cancelled request or wait may take to end after the abort. */
const PROMPT_MS = 2_000;

let folder: TempFolder;

before(() => {
  folder = new TempFolder("wxadmin-backup-");
});

after(() => {
  folder.remove();
});

describe("backup", () => {
  let emulator: Emulator;
  let admin: Webex;
  let expected: ObjectsByKind;

  before(async () => {
    emulator = await startTestEmulator({ people: PEOPLE, randomSeed: RANDOM_SEED });
    admin = await connectTo(emulator, emulator.tokens.customerAdmin, FAST_RETRIES);
    expected = await readApiObjects(admin.org);
  });

  afterEach(() => {
    emulator.clearFaults();
  });

  after(async () => {
    await emulator.stop();
  });

  test("stores what the API lists", async () => {
    const db = folder.openDb();
    const recorder = new ProgressRecorder();
    const result = await backupOrgs({ webex: admin, db, onProgress: recorder.listener });

    assert.equal(result.complete, true);
    assert.equal(result.snapshots.length, 1);
    const { snapshot, kinds } = result.snapshots[0]!;
    assert.equal(snapshot.status, "complete");
    assert.equal(snapshot.orgId, admin.org.id);
    assert.deepEqual(readSnapshot(db, snapshot.id), expected);
    assert.deepEqual(snapshot.counts, countByKind(expected));
    assert.deepEqual(
      kinds.map((kind) => [kind.kind, kind.status]),
      BACKUP_KINDS.map((kind) => [kind, "complete"]),
    );

    const last = recorder.lastByKind(snapshot.id);
    for (const kind of BACKUP_KINDS) {
      assert.equal(last[kind]?.state, "complete", kind);
      assert.equal(last[kind]?.items, snapshot.counts[kind], kind);
    }
    db.close();
  });

  test("stores on the calling thread", async () => {
    const db = folder.openDb();
    const { snapshots } = await backupOrgs({ webex: admin, db, storeInWorker: false, pageSizes: SMALL_PAGES });
    assert.deepEqual(readSnapshot(db, snapshots[0]!.snapshot.id), expected);
    db.close();
  });

  test("in-memory database", async () => {
    const db = SnapshotDb.open(":memory:");
    const { snapshots, complete } = await backupOrgs({ webex: admin, db });
    assert.equal(complete, true);
    assert.deepEqual(readSnapshot(db, snapshots[0]!.snapshot.id), expected);
    db.close();
  });

  test("every kind has objects", () => {
    // Without seeded calling data the other tests would compare empty lists and prove little.
    for (const kind of BACKUP_KINDS) {
      assert.ok(Object.keys(expected[kind] ?? {}).length > 0, `the emulator lists no ${kind}`);
    }
  });

  test("queues and hunt groups carry agents", async () => {
    const db = folder.openDb();
    const { snapshots } = await backupOrgs({ webex: admin, db, kinds: ["callQueues", "huntGroups"] });
    const stored = readSnapshot(db, snapshots[0]!.snapshot.id);
    for (const kind of ["callQueues", "huntGroups"]) {
      for (const [id, value] of Object.entries(stored[kind] ?? {})) {
        const object = value as Record<string, unknown>;
        assert.ok(Array.isArray(object.agents), `${kind} ${id} has no agents array`);
        assert.equal(typeof object.locationId, "string", `${kind} ${id} has no locationId`);
      }
    }
    db.close();
  });

  test("small pages store the same objects", async () => {
    const db = folder.openDb();
    const { snapshots } = await backupOrgs({ webex: admin, db, pageSizes: SMALL_PAGES, concurrency: 3 });
    const { snapshot, kinds } = snapshots[0]!;
    assert.deepEqual(readSnapshot(db, snapshot.id), expected);
    const people = kinds.find((kind) => kind.kind === "people");
    assert.equal(people?.pages, Math.ceil(Object.keys(expected.people ?? {}).length / 9));
    db.close();
  });

  test("interrupted backup resumes to same objects", async () => {
    const db = folder.openDb();
    // The ninth people page hangs, so people is still running when the abort comes, however far
    // reading gets ahead of the writer.
    emulator.inject({ method: "GET", path: "/v1/people*", skip: 8, delayMs: HANG_MS });
    const controller = new AbortController();
    let storedPages = 0;
    const interrupted = backupOrgs({
      webex: admin,
      db,
      pageSizes: SMALL_PAGES,
      concurrency: 2,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.state === "running" && event.pages > 0) {
          storedPages += 1;
          if (storedPages === 6) {
            controller.abort(new Error("stopped by the test"));
          }
        }
      },
    });
    await assert.rejects(interrupted, /stopped by the test/);

    const [stopped] = db.listSnapshots();
    assert.ok(stopped !== undefined);
    assert.equal(stopped.status, "incomplete");
    assert.match(stopped.error ?? "", /^interrupted before .*people/);
    const kindsBefore = db.getKinds(stopped.id);
    const completeBefore = kindsBefore.filter((kind) => kind.status === "complete").map((kind) => kind.kind);
    const people = kindsBefore.find((kind) => kind.kind === "people");
    assert.ok(people?.nextUrl !== undefined, "people has no stored cursor");
    assert.ok(people.pages > 0);

    const logStart = emulator.requestLog.length;
    const recorder = new ProgressRecorder();
    const resumed = await backupOrgs({ webex: admin, db, resumeSnapshotIds: [stopped.id], onProgress: recorder.listener });

    assert.equal(resumed.complete, true);
    assert.equal(resumed.snapshots[0]?.snapshot.id, stopped.id);
    assert.deepEqual(readSnapshot(db, stopped.id), expected);
    const skipped = recorder.events.filter((event) => event.state === "skipped").map((event) => event.kind);
    assert.deepEqual(skipped, completeBefore);

    const peopleRequests = emulator.requestLog.slice(logStart).filter((entry) => entry.path.startsWith("/v1/people?"));
    assert.ok(peopleRequests.length > 0);
    assert.match(peopleRequests[0]!.path, /cursor=/, "the resumed backup read people from the start instead of its cursor");
    db.close();
  });

  test("failed kind leaves snapshot incomplete", async () => {
    const db = folder.openDb();
    emulator.inject({ method: "GET", path: "/v1/telephony/config/huntGroups*", status: 403 });
    const recorder = new ProgressRecorder();
    const result = await backupOrgs({ webex: admin, db, onProgress: recorder.listener });

    assert.equal(result.complete, false);
    const { snapshot, kinds } = result.snapshots[0]!;
    assert.equal(snapshot.status, "incomplete");
    assert.match(snapshot.error ?? "", /huntGroups failed: .*403/);
    const failed = kinds.filter((kind) => kind.status !== "complete");
    assert.deepEqual(failed.map((kind) => [kind.kind, kind.status]), [["huntGroups", "failed"]]);
    assert.equal(recorder.lastByKind(snapshot.id).huntGroups?.state, "failed");
    assert.match(recorder.lastByKind(snapshot.id).huntGroups?.error ?? "", /403/);
    assert.equal(snapshot.counts.huntGroups, undefined);

    const resumed = await backupOrgs({ webex: admin, db, resumeSnapshotIds: [snapshot.id] });
    assert.equal(resumed.complete, true);
    assert.deepEqual(readSnapshot(db, snapshot.id), expected);
    db.close();
  });

  test("failed detail stores no part of its page", async () => {
    const db = folder.openDb();
    // The second queue detail fails, so the first page of queues must not be stored at all.
    emulator.inject({ method: "GET", path: /^\/v1\/telephony\/config\/locations\/[^/]+\/queues\/[^/?]+/, skip: 1, status: 403 });
    const first = await backupOrgs({ webex: admin, db, kinds: ["callQueues"], pageSizes: { callQueues: 3 } });
    const { snapshot, kinds } = first.snapshots[0]!;
    assert.equal(kinds[0]?.status, "failed");
    assert.equal(kinds[0]?.pages, 0);
    assert.deepEqual(db.countObjects(snapshot.id), {});

    const resumed = await backupOrgs({ webex: admin, db, resumeSnapshotIds: [snapshot.id] });
    assert.equal(resumed.complete, true);
    assert.deepEqual(readSnapshot(db, snapshot.id), { callQueues: expected.callQueues });
    db.close();
  });

  test("500 continues from the cursor", async () => {
    const db = folder.openDb();
    emulator.inject({ method: "GET", path: "/v1/people*", skip: 2, status: 500 });
    const logStart = emulator.requestLog.length;
    const result = await backupOrgs({ webex: admin, db, kinds: ["people"], pageSizes: SMALL_PAGES, kindRetryDelayMs: 0 });

    assert.equal(result.complete, true);
    assert.deepEqual(readSnapshot(db, result.snapshots[0]!.snapshot.id), { people: expected.people });
    const requests = emulator.requestLog.slice(logStart).filter((entry) => entry.path.startsWith("/v1/people?"));
    assert.equal(requests[2]?.status, 500);
    assert.equal(requests[3]?.path, requests[2]?.path, "the retry did not continue with the failed page");
    assert.equal(requests.length, Math.ceil(Object.keys(expected.people ?? {}).length / 9) + 1);
    db.close();
  });

  test("500 fails the kind without retries", async () => {
    const db = folder.openDb();
    emulator.inject({ method: "GET", path: "/v1/people*", skip: 2, status: 500 });
    const result = await backupOrgs({ webex: admin, db, kinds: ["people"], pageSizes: SMALL_PAGES, kindRetries: 0 });

    assert.equal(result.complete, false);
    const people = result.snapshots[0]!.kinds[0]!;
    assert.equal(people.status, "failed");
    assert.equal(people.pages, 2);
    assert.match(people.error ?? "", /500/);
    db.close();
  });

  test("429 waits counted per kind", async () => {
    const db = folder.openDb();
    emulator.inject({ method: "GET", path: "/v1/telephony/config/numbers*", status: 429, retryAfter: "1", times: 2 });
    const recorder = new ProgressRecorder();
    const { snapshots } = await backupOrgs({ webex: admin, db, onProgress: recorder.listener });
    const { snapshot, kinds } = snapshots[0]!;

    const waits = Object.fromEntries(kinds.map((kind) => [kind.kind, kind.rateLimitWaits]));
    assert.equal(waits.numbers, 2);
    for (const kind of BACKUP_KINDS.filter((name) => name !== "numbers")) {
      assert.equal(waits[kind], 0, kind);
    }
    assert.equal(recorder.lastByKind(snapshot.id).numbers?.rateLimitWaits, 2);
    assert.deepEqual(readSnapshot(db, snapshot.id), expected);
    db.close();
  });

  test("concurrency bounds running kinds", async () => {
    const db = folder.openDb();
    const recorder = new ProgressRecorder();
    await backupOrgs({ webex: admin, db, concurrency: 2, pageSizes: SMALL_PAGES, onProgress: recorder.listener });
    assert.equal(recorder.maxRunning, 2);
    db.close();
  });

  test("rejects bad options before writing", async () => {
    const db = folder.openDb();
    await assert.rejects(backupOrgs({ webex: admin, db, concurrency: 0 }), InvalidInputError);
    await assert.rejects(backupOrgs({ webex: admin, db, kinds: ["people", "devices"] }), /Unknown backup kind "devices"/);
    await assert.rejects(backupOrgs({ webex: admin, db, pageSizes: { people: 0 } }), InvalidInputError);
    await assert.rejects(backupOrgs({ webex: admin, db, resumeSnapshotIds: [99] }), /Snapshot 99 is not in/);
    assert.deepEqual(db.listSnapshots(), []);
    db.close();
  });

  test("aborted signal starts nothing", async () => {
    const db = folder.openDb();
    const controller = new AbortController();
    controller.abort(new Error("cancelled early"));
    await assert.rejects(backupOrgs({ webex: admin, db, signal: controller.signal }), /cancelled early/);
    assert.deepEqual(db.listSnapshots(), []);
    db.close();
  });

  test("claims its snapshots while running", async () => {
    const db = folder.openDb();
    const claimsSeen = new Set<string>();
    const result = await backupOrgs({
      webex: admin,
      db,
      kinds: ["licenses", "locations"],
      onProgress: (event) => {
        const claim = db.getClaim(event.snapshotId);
        claimsSeen.add(claim === undefined ? "none" : `pid ${claim.pid}, own ${claim.isOwn}, stale ${claim.staleReason ?? "no"}`);
      },
    });
    assert.deepEqual([...claimsSeen], [`pid ${process.pid}, own true, stale no`]);
    assert.equal(db.getClaim(result.snapshots[0]!.snapshot.id), undefined, "the claim outlived the backup");
    db.close();
  });

  test("resume of a snapshot another process writes", async () => {
    const db = folder.openDb();
    const stopped = db.createSnapshot({ id: admin.org.id, displayName: admin.org.displayName }, { kinds: ["licenses"] });
    db.finishSnapshot(stopped.id, "incomplete", "Interrupted before licenses finished");
    const holder = fork(fileURLToPath(new URL("./helpers/snapshot-db-child.js", import.meta.url)), ["hold", db.path, String(stopped.id)]);
    try {
      assert.equal(await new Promise((resolve) => holder.once("message", resolve)), "holding");
      const logStart = emulator.requestLog.length;
      const error = await backupOrgs({ webex: admin, db, resumeSnapshotIds: [stopped.id] }).then(
        () => assert.fail("the resume was accepted"),
        (rejection: unknown) => rejection,
      );
      assert.ok(error instanceof SnapshotBusyError);
      assert.equal(error.claim.pid, holder.pid);
      assert.equal(db.getSnapshot(stopped.id)?.status, "incomplete");
      assert.equal(db.getKind(stopped.id, "licenses")?.status, "pending");
      assert.equal(emulator.requestLog.length, logStart, "the rejected resume sent requests");

      const ended = new Promise((resolve) => holder.once("exit", resolve));
      process.kill(holder.pid as number, "SIGKILL");
      await ended;
    } finally {
      holder.kill("SIGKILL");
    }

    const resumed = await backupOrgs({ webex: admin, db, resumeSnapshotIds: [stopped.id] });
    assert.equal(resumed.complete, true);
    assert.deepEqual(readSnapshot(db, stopped.id), { licenses: expected.licenses });
    assert.equal(db.getClaim(stopped.id), undefined);
    db.close();
  });

  test("resuming a complete snapshot changes nothing", async () => {
    const db = folder.openDb();
    const first = await backupOrgs({ webex: admin, db, kinds: ["licenses"] });
    const snapshot = first.snapshots[0]!.snapshot;
    const logStart = emulator.requestLog.length;
    const again = await backupOrgs({ webex: admin, db, resumeSnapshotIds: [snapshot.id] });
    assert.deepEqual(again.snapshots[0]?.snapshot, snapshot);
    assert.equal(emulator.requestLog.length, logStart);
    db.close();
  });
});

const QUEUE_DETAIL_PATH = /^\/v1\/telephony\/config\/locations\/[^/]+\/queues\/[^/?]+/;

/** Returns a `fetch` that reports when the first request to a URL matching `pattern` starts and when it ends. */
function watchRequest(pattern: RegExp): { fetch: typeof fetch; started: Promise<void>; ended: Promise<void> } {
  let markStarted = (): void => undefined;
  let markEnded = (): void => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });
  let isWatching = true;
  const watchingFetch: typeof fetch = (input, init) => {
    const pending = fetch(input, init);
    if (isWatching && pattern.test(String(input))) {
      isWatching = false;
      markStarted();
      pending.then(markEnded, markEnded);
    }
    return pending;
  };
  return { fetch: watchingFetch, started, ended };
}

/**
 * Returns a `SleepFunction` whose waits end only when their signal aborts, and which reports when
 * the first wait starts and when it ends.
 */
function watchSleep(): { sleep: SleepFunction; started: Promise<void>; ended: Promise<void> } {
  let markStarted = (): void => undefined;
  let markEnded = (): void => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });
  const sleep: SleepFunction = (_ms, signal) => {
    markStarted();
    return new Promise<void>((_resolve, reject) => {
      const onAbort = (): void => {
        markEnded();
        reject(signal?.reason);
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  };
  return { sleep, started, ended };
}

/** Fails unless `promise` settles within `ms` milliseconds. */
async function assertEndsWithin(promise: Promise<void>, ms: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"expired">((resolve) => {
    timer = setTimeout(resolve, ms, "expired");
  });
  const outcome = await Promise.race([promise.then(() => "ended" as const), expired]);
  clearTimeout(timer);
  assert.equal(outcome, "ended", message);
}

describe("backup cancellation", () => {
  let emulator: Emulator;
  let expected: ObjectsByKind;

  before(async () => {
    emulator = await startTestEmulator({ people: 40, randomSeed: RANDOM_SEED });
    expected = await readApiObjects((await connectTo(emulator, emulator.tokens.customerAdmin)).org);
  });

  afterEach(() => {
    emulator.clearFaults();
  });

  after(async () => {
    await emulator.stop();
  });

  /**
   * Aborts a backup of `kind` once `started` resolves, checks that the backup and then `ended`
   * settle promptly, and resumes the snapshot to the objects the API lists.
   */
  async function abortAndResume(webex: Webex, kind: BackupKind, started: Promise<void>, ended: Promise<void>, description: string): Promise<void> {
    const db = folder.openDb();
    const controller = new AbortController();
    const backup = backupOrgs({ webex, db, kinds: [kind], pageSizes: SMALL_PAGES, signal: controller.signal });
    await started;

    const abortedAt = performance.now();
    controller.abort(new Error("stopped by the test"));
    await assert.rejects(backup, /stopped by the test/);
    const stopMs = performance.now() - abortedAt;
    assert.ok(stopMs < PROMPT_MS, `the backup took ${Math.round(stopMs)} ms to stop`);
    await assertEndsWithin(ended, PROMPT_MS, `the ${description} did not end within ${PROMPT_MS} ms of the abort`);

    const [stopped] = db.listSnapshots();
    assert.ok(stopped !== undefined);
    assert.equal(stopped.status, "incomplete");
    assert.notEqual(db.getKind(stopped.id, kind)?.status, "complete");

    emulator.clearFaults();
    const admin = await connectTo(emulator, emulator.tokens.customerAdmin, FAST_RETRIES);
    const resumed = await backupOrgs({ webex: admin, db, resumeSnapshotIds: [stopped.id] });
    assert.equal(resumed.complete, true);
    assert.deepEqual(readSnapshot(db, stopped.id), { [kind]: expected[kind] });
    db.close();
  }

  test("abort cancels the page in flight", async () => {
    const watch = watchRequest(/\/v1\/people\?.*cursor=/);
    const webex = await connectTo(emulator, emulator.tokens.customerAdmin, { ...FAST_RETRIES, fetch: watch.fetch });
    emulator.inject({ method: "GET", path: /^\/v1\/people\?.*cursor=/, delayMs: HANG_MS });
    await abortAndResume(webex, "people", watch.started, watch.ended, "delayed people page");
  });

  test("abort cancels the detail in flight", async () => {
    const watch = watchRequest(/\/telephony\/config\/locations\/[^/]+\/queues\/[^/?]+/);
    const webex = await connectTo(emulator, emulator.tokens.customerAdmin, { ...FAST_RETRIES, fetch: watch.fetch });
    emulator.inject({ method: "GET", path: QUEUE_DETAIL_PATH, delayMs: HANG_MS });
    await abortAndResume(webex, "callQueues", watch.started, watch.ended, "delayed call queue detail");
  });

  test("abort ends the rate-limit pause", async () => {
    const watch = watchSleep();
    const webex = await connectTo(emulator, emulator.tokens.customerAdmin, { ...FAST_RETRIES, sleep: watch.sleep });
    emulator.inject({ method: "GET", path: /^\/v1\/people\?.*cursor=/, status: 429, retryAfter: "30" });
    await abortAndResume(webex, "people", watch.started, watch.ended, "rate-limit pause");
  });

  test("abort ends the backoff before a retry", async () => {
    const watch = watchSleep();
    const webex = await connectTo(emulator, emulator.tokens.customerAdmin, { ...FAST_RETRIES, sleep: watch.sleep });
    emulator.inject({ method: "GET", path: QUEUE_DETAIL_PATH, status: 503 });
    await abortAndResume(webex, "callQueues", watch.started, watch.ended, "backoff wait");
  });
});

describe("backup of many orgs", () => {
  const ORGS = 3;
  let emulator: Emulator;
  let partner: Webex;

  before(async () => {
    emulator = await startTestEmulator({ people: 40, orgs: ORGS, randomSeed: RANDOM_SEED });
    partner = await connectTo(emulator, emulator.tokens.partnerAdmin, FAST_RETRIES);
  });

  after(async () => {
    await emulator.stop();
  });

  test("one snapshot per org, one shared pool", async () => {
    const customerIds = new Set(emulator.orgs.customers.map((org) => org.id));
    const orgs = partner.orgs.filter((org) => customerIds.has(org.id));
    assert.equal(orgs.length, ORGS);

    const db = folder.openDb();
    const recorder = new ProgressRecorder();
    const result = await backupOrgs({ webex: partner, orgs, db, concurrency: 3, pageSizes: SMALL_PAGES, onProgress: recorder.listener });

    assert.equal(result.complete, true);
    assert.deepEqual(
      result.snapshots.map((entry) => entry.snapshot.orgId),
      orgs.map((org) => org.id),
    );
    for (const [index, org] of orgs.entries()) {
      const expected = await readApiObjects(org);
      assert.deepEqual(readSnapshot(db, result.snapshots[index]!.snapshot.id), expected, org.displayName);
    }
    assert.equal(recorder.maxRunning, 3);

    // Every telephony request names its org.
    const telephony = emulator.requestLog.filter((entry) => entry.path.startsWith("/v1/telephony/"));
    assert.ok(telephony.length > 0);
    for (const entry of telephony) {
      assert.match(entry.path, /[?&]orgId=/, entry.path);
    }
    db.close();
  });
});

describe("backup under faults", () => {
  let clean: Emulator;
  let faulty: Emulator;

  before(async () => {
    clean = await startTestEmulator({ people: PEOPLE, randomSeed: RANDOM_SEED });
    // About a third of requests fail or are slowed: 8% resets, 12% 5xx, and 17% of the rest delayed.
    faulty = await startTestEmulator({
      people: PEOPLE,
      randomSeed: RANDOM_SEED,
      faults: { resetRate: 0.08, errorRate: 0.12, delayRate: 0.17, delayMs: 15 },
    });
  });

  after(async () => {
    await clean.stop();
    await faulty.stop();
  });

  test("stores the same objects as a clean backup", async () => {
    const cleanAdmin = await connectTo(clean, clean.tokens.customerAdmin, FAST_RETRIES);
    const cleanDb = folder.openDb();
    const reference = await backupOrgs({ webex: cleanAdmin, db: cleanDb, pageSizes: SMALL_PAGES });
    assert.equal(reference.complete, true);

    const faultyAdmin = await connectTo(faulty, faulty.tokens.customerAdmin, FAST_RETRIES);
    faulty.inject({ method: "GET", path: "/v1/people*", skip: 2, times: 3, status: 429, retryAfter: "1" });
    faulty.inject({ method: "GET", path: "/v1/telephony/config/numbers*", skip: 1, times: 2, status: 429, retryAfter: "1" });
    const faultyDb = folder.openDb();
    const logStart = faulty.requestLog.length;
    const result = await backupOrgs({ webex: faultyAdmin, db: faultyDb, pageSizes: SMALL_PAGES, concurrency: 3, kindRetries: 5, kindRetryDelayMs: 0 });

    assert.equal(result.complete, true, result.snapshots[0]?.snapshot.error);
    assert.deepEqual(readSnapshot(faultyDb, result.snapshots[0]!.snapshot.id), readSnapshot(cleanDb, reference.snapshots[0]!.snapshot.id));

    // The faults really happened: resets (status 0), 5xx and 429s.
    const statuses = faulty.requestLog.slice(logStart).map((entry) => entry.status);
    const failedShare = statuses.filter((status) => status === 0 || status >= 500).length / statuses.length;
    assert.ok(failedShare > 0.1, `only ${(failedShare * 100).toFixed(0)}% of requests failed`);
    assert.ok(statuses.includes(429));
    const waits = Object.fromEntries(result.snapshots[0]!.kinds.map((kind) => [kind.kind, kind.rateLimitWaits]));
    assert.ok((waits.people ?? 0) >= 3, `people saw ${waits.people} rate-limit waits`);
    assert.ok((waits.numbers ?? 0) >= 2, `numbers saw ${waits.numbers} rate-limit waits`);
    cleanDb.close();
    faultyDb.close();
  });
});
