/** The snapshot database against real SQLite files in a temporary folder. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { SCHEMA_VERSION } from "../src/storage/schema.js";
import { CLAIM_STALE_MS } from "../src/storage/snapshot-claims.js";
import { SnapshotBusyError, SnapshotDb } from "../src/storage/snapshot-db.js";
import { openSnapshotWriter } from "../src/storage/snapshot-writer.js";
import { InvalidInputError } from "../src/transport/errors.js";

const CHILD_SCRIPT = fileURLToPath(new URL("./helpers/snapshot-db-child.js", import.meta.url));

const ORG = { id: "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9hY21l", displayName: "Acme" };
const OTHER_ORG = { id: "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9vdGhlcg", displayName: "Other" };

let root: string;
let fileCount = 0;

before(() => {
  root = mkdtempSync(path.join(tmpdir(), "wxadmin-storage-"));
});

after(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Returns a path for a new database file in a new subfolder. */
function freshPath(): string {
  fileCount += 1;
  return path.join(root, `case-${fileCount}`, "snapshots.db");
}

function openFresh(): SnapshotDb {
  return SnapshotDb.open(freshPath());
}

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to throw");
}

describe("SnapshotDb.open", () => {
  test("creates private file and folder", () => {
    const file = freshPath();
    const db = SnapshotDb.open(file);
    db.close();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
  });

  test("writes schema version", () => {
    const file = freshPath();
    SnapshotDb.open(file).close();
    const raw = new Database(file, { readonly: true });
    assert.equal(raw.pragma("user_version", { simple: true }), SCHEMA_VERSION);
    assert.equal(raw.pragma("journal_mode", { simple: true }), "wal");
    raw.close();
  });

  test("rejects newer schema version", () => {
    const file = freshPath();
    SnapshotDb.open(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();

    const error = catchError(() => SnapshotDb.open(file));
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, new RegExp(`schema version ${SCHEMA_VERSION + 1}`));
    assert.match(error.message, /Upgrade wxadmin/);
    assert.ok(error.message.includes(file));
  });

  test("rejects foreign SQLite file", () => {
    const file = freshPath();
    SnapshotDb.open(file).close();
    rmSync(file);
    const raw = new Database(file);
    raw.exec("CREATE TABLE notes (text TEXT)");
    raw.close();
    const before = hashFile(file);

    const error = catchError(() => SnapshotDb.open(file));
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /without a wxadmin schema version \(it already has 1 table\)/);
    assert.equal(hashFile(file), before, "the rejected file was changed");
    assert.equal(existsSync(`${file}-wal`), false);
  });

  test("rejects newer version unchanged", () => {
    const file = freshPath();
    SnapshotDb.open(file).close();
    rmSync(file);
    // A file in SQLite's default rollback journal mode, which opening for writing would switch to WAL.
    const raw = new Database(file);
    raw.exec("CREATE TABLE snapshots (id INTEGER PRIMARY KEY)");
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = hashFile(file);

    const error = catchError(() => SnapshotDb.open(file));
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /Upgrade wxadmin/);
    assert.equal(hashFile(file), before, "the rejected file was changed");
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma("journal_mode", { simple: true }), "delete");
    check.close();
  });

  test("rejects a file that is not SQLite", () => {
    const file = freshPath();
    SnapshotDb.open(file).close();
    rmSync(file);
    writeFileSync(file, "this is plain text, not a database\n".repeat(200));

    const error = catchError(() => SnapshotDb.open(file));
    assert.ok(error instanceof InvalidInputError);
    assert.ok(error.message.includes(file));
  });

  test("read-only needs an existing database", () => {
    const missing = catchError(() => SnapshotDb.open(freshPath(), { readonly: true }));
    assert.ok(missing instanceof InvalidInputError);
  });

  test("read-only reads what was written", () => {
    const file = freshPath();
    const writer = SnapshotDb.open(file);
    const snapshot = writer.createSnapshot(ORG, { kinds: ["people"] });
    writer.insertObjects(snapshot.id, "people", [{ id: "p1", value: { id: "p1" } }]);
    writer.close();

    const reader = SnapshotDb.open(file, { readonly: true });
    assert.deepEqual(reader.getObject(snapshot.id, "people", "p1"), { id: "p1" });
    assert.throws(() => reader.insertObjects(snapshot.id, "people", [{ id: "p2", value: {} }]), /readonly/);
    reader.close();
  });

  test("reopening keeps snapshots", () => {
    const file = freshPath();
    const first = SnapshotDb.open(file);
    const snapshot = first.createSnapshot(ORG, { kinds: ["people"] });
    first.close();

    const second = SnapshotDb.open(file);
    assert.equal(second.getSnapshot(snapshot.id)?.orgId, ORG.id);
    second.close();
  });

  test("rejects empty path", () => {
    assert.throws(() => SnapshotDb.open(" "), InvalidInputError);
  });

  test("rejects a folder", () => {
    const folder = path.dirname(freshPath());
    mkdirSync(folder, { recursive: true });
    for (const readonly of [false, true]) {
      const error = catchError(() => SnapshotDb.open(folder, { readonly }));
      assert.ok(error instanceof InvalidInputError);
      assert.equal(error.message, `The snapshot database path ${folder} is a folder; give a file path such as ${path.join(folder, "snapshots.db")}.`);
    }
  });

  test("upgrades a version 1 file", () => {
    const file = freshPath();
    const writer = SnapshotDb.open(file);
    const snapshot = writer.createSnapshot(ORG, { kinds: ["people"] });
    writer.close();
    const raw = new Database(file);
    raw.exec("DROP TABLE snapshot_writers; DROP TRIGGER snapshots_record_high_water; DROP TABLE snapshot_id_high_water");
    raw.pragma("user_version = 1");
    raw.close();

    const reader = SnapshotDb.open(file, { readonly: true });
    assert.equal(reader.hasClaimTable, false);
    assert.equal(reader.getClaim(snapshot.id), undefined);
    assert.equal(reader.getSnapshot(snapshot.id)?.orgId, ORG.id);
    reader.close();

    const upgraded = SnapshotDb.open(file);
    assert.equal(upgraded.hasClaimTable, true);
    assert.deepEqual(upgraded.claimSnapshots([snapshot.id]), []);
    assert.equal(upgraded.getClaim(snapshot.id)?.isOwn, true);
    assert.equal(upgraded.createSnapshot(ORG, { kinds: ["people"] }).id, snapshot.id + 1);
    upgraded.close();
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma("user_version", { simple: true }), SCHEMA_VERSION);
    check.close();
  });

  test("processes creating one file at once", async () => {
    // Each round starts several processes that open the same new file at the same moment. One
    // of them creates the tables, and the others must wait for it instead of failing.
    const processes = 4;
    for (let round = 1; round <= 5; round += 1) {
      const file = freshPath();
      const children = Array.from({ length: processes }, () => fork(CHILD_SCRIPT, ["open", file]));
      try {
        await Promise.all(children.map((child) => nextMessage(child)));
        const outcomes = children.map((child) => nextMessage(child));
        for (const child of children) {
          child.send("go");
        }
        assert.deepEqual(await Promise.all(outcomes), Array(processes).fill("opened"), `round ${round}`);
      } finally {
        for (const child of children) {
          child.kill();
        }
      }

      const db = SnapshotDb.open(file, { readonly: true });
      assert.equal(db.hasClaimTable, true);
      db.close();
    }
  });
});

/** Resolves with the next IPC message of `child`, or rejects when it exits first. */
function nextMessage(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`child ${child.pid} exited with ${code} before sending a message`));
    child.once("exit", onExit);
    child.once("message", (message) => {
      child.off("exit", onExit);
      resolve(String(message));
    });
  });
}

/** Resolves once `child` has exited. */
function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

describe("snapshots", () => {
  test("new snapshot is running with pending kinds", () => {
    const db = openFresh();
    const started = new Date("2026-03-01T10:00:00.000Z");
    const snapshot = db.createSnapshot(ORG, { kinds: ["people", "numbers", "people"], startedAt: started, toolVersion: "9.9.9" });

    assert.equal(snapshot.status, "running");
    assert.equal(snapshot.orgId, ORG.id);
    assert.equal(snapshot.orgName, "Acme");
    assert.equal(snapshot.startedAt, "2026-03-01T10:00:00.000Z");
    assert.equal(snapshot.finishedAt, undefined);
    assert.equal(snapshot.toolVersion, "9.9.9");
    assert.deepEqual(
      db.getKinds(snapshot.id).map((kind) => [kind.kind, kind.status, kind.pages, kind.items, kind.nextUrl]),
      [
        ["people", "pending", 0, 0, undefined],
        ["numbers", "pending", 0, 0, undefined],
      ],
    );
    db.close();
  });

  test("default tool version is the package version", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    assert.match(snapshot.toolVersion, /^\d+\.\d+\.\d+/);
    db.close();
  });

  test("needs at least one kind", () => {
    const db = openFresh();
    const error = catchError(() => db.createSnapshot(ORG, { kinds: [] }));
    assert.ok(error instanceof InvalidInputError);
    assert.equal(error.message, "Nothing to back up: the list of kinds is empty. Give at least one kind, such as people or numbers.");
    db.close();
  });

  test("list and latest", () => {
    const db = openFresh();
    const first = db.createSnapshot(ORG, { kinds: ["people"] });
    const other = db.createSnapshot(OTHER_ORG, { kinds: ["people"] });
    const second = db.createSnapshot(ORG, { kinds: ["people"] });
    const third = db.createSnapshot(ORG, { kinds: ["people"] });
    db.markKindComplete(first.id, "people");
    db.finishSnapshot(first.id);
    db.markKindComplete(third.id, "people");
    db.finishSnapshot(third.id);

    assert.deepEqual(db.listSnapshots().map((snapshot) => snapshot.id), [first.id, other.id, second.id, third.id]);
    assert.deepEqual(db.listSnapshots({ orgId: ORG.id }).map((snapshot) => snapshot.id), [first.id, second.id, third.id]);
    assert.deepEqual(db.latestSnapshots(ORG.id, 2).map((snapshot) => snapshot.id), [third.id, second.id]);
    assert.deepEqual(db.latestSnapshots(ORG.id, 2, { status: "complete" }).map((snapshot) => snapshot.id), [third.id, first.id]);
    db.close();
  });

  test("missing snapshot", () => {
    const db = openFresh();
    assert.equal(db.getSnapshot(42), undefined);
    const error = catchError(() => db.requireSnapshot(42));
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /Snapshot 42 is not in/);
    db.close();
  });

  test("finish derives complete with counts", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people", "numbers"] });
    db.storePage(snapshot.id, "people", { objects: [{ id: "p1", value: { id: "p1" } }, { id: "p2", value: { id: "p2" } }], nextUrl: undefined });
    db.storePage(snapshot.id, "numbers", { objects: [], nextUrl: undefined });

    const finished = db.finishSnapshot(snapshot.id, undefined, undefined, new Date("2026-03-01T11:00:00.000Z"));
    assert.equal(finished.status, "complete");
    assert.equal(finished.error, undefined);
    assert.equal(finished.finishedAt, "2026-03-01T11:00:00.000Z");
    assert.deepEqual(finished.counts, { people: 2 });
    db.close();
  });

  test("finish stores reason without final full stop", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people", "numbers"] });
    db.markKindFailed(snapshot.id, "people", "Page 3 was not stored.");
    db.markKindFailed(snapshot.id, "numbers", "403 Forbidden.");
    assert.equal(db.finishSnapshot(snapshot.id).error, "people failed: Page 3 was not stored; numbers failed: 403 Forbidden");

    db.reopenSnapshot(snapshot.id);
    assert.equal(db.finishSnapshot(snapshot.id, "incomplete", "Interrupted; resume to continue.").error, "Interrupted; resume to continue");
    db.close();
  });

  test("finish derives incomplete with reason", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people", "numbers", "licenses"] });
    db.storePage(snapshot.id, "people", { objects: [], nextUrl: undefined });
    db.markKindFailed(snapshot.id, "numbers", "GET /v1/telephony/config/numbers failed: 403");

    const finished = db.finishSnapshot(snapshot.id);
    assert.equal(finished.status, "incomplete");
    assert.match(finished.error ?? "", /numbers failed: GET \/v1\/telephony\/config\/numbers failed: 403/);
    assert.match(finished.error ?? "", /licenses is pending/);
    db.close();
  });

  test("complete refused while a kind is unfinished", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    const error = catchError(() => db.finishSnapshot(snapshot.id, "complete"));
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /people is pending/);
    assert.equal(db.getSnapshot(snapshot.id)?.status, "running");
    db.close();
  });

  test("reopen keeps cursor of failed kind", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people", "numbers"] });
    db.storePage(snapshot.id, "people", { objects: [{ id: "p1", value: {} }], nextUrl: "https://webexapis.com/v1/people?cursor=2" });
    db.markKindFailed(snapshot.id, "people", "server error");
    db.storePage(snapshot.id, "numbers", { objects: [], nextUrl: undefined });
    db.finishSnapshot(snapshot.id);

    const reopened = db.reopenSnapshot(snapshot.id);
    assert.equal(reopened.status, "running");
    assert.equal(reopened.finishedAt, undefined);
    assert.equal(reopened.error, undefined);
    const people = db.getKind(snapshot.id, "people");
    assert.equal(people?.status, "running");
    assert.equal(people?.nextUrl, "https://webexapis.com/v1/people?cursor=2");
    assert.equal(people?.error, undefined);
    assert.equal(db.getKind(snapshot.id, "numbers")?.status, "complete");
    db.close();
  });

  test("delete removes kinds and objects", () => {
    const db = openFresh();
    const remaining = db.createSnapshot(ORG, { kinds: ["people"] });
    const deleted = db.createSnapshot(ORG, { kinds: ["people"] });
    db.insertObjects(remaining.id, "people", [{ id: "p1", value: {} }]);
    db.insertObjects(deleted.id, "people", [{ id: "p1", value: {} }]);

    assert.equal(db.deleteSnapshot(deleted.id), true);
    assert.equal(db.deleteSnapshot(deleted.id), false);
    assert.equal(db.getSnapshot(deleted.id), undefined);
    assert.deepEqual(db.getKinds(deleted.id), []);
    assert.deepEqual(db.countObjects(deleted.id), {});
    assert.deepEqual(db.countObjects(remaining.id), { people: 1 });
    db.close();
  });

  test("never reuses a deleted id", () => {
    const db = openFresh();
    const first = db.createSnapshot(ORG, { kinds: ["people"] });
    const newest = db.createSnapshot(ORG, { kinds: ["people"] });
    db.deleteSnapshot(newest.id);

    const next = db.createSnapshot(ORG, { kinds: ["people"] });
    assert.equal(first.id, 1);
    assert.equal(next.id, newest.id + 1);
    db.close();
  });
});

describe("deleting snapshots", () => {
  test("deletes several and counts objects", () => {
    const db = openFresh();
    const first = db.createSnapshot(ORG, { kinds: ["people"] });
    const second = db.createSnapshot(OTHER_ORG, { kinds: ["people", "licenses"] });
    const kept = db.createSnapshot(ORG, { kinds: ["people"] });
    db.insertObjects(first.id, "people", [{ id: "p1", value: {} }]);
    db.insertObjects(second.id, "people", [{ id: "p1", value: {} }, { id: "p2", value: {} }]);
    db.insertObjects(second.id, "licenses", [{ id: "l1", value: {} }]);
    db.insertObjects(kept.id, "people", [{ id: "p1", value: {} }]);

    const deleted = db.deleteSnapshots([second.id, first.id, second.id]);
    assert.deepEqual(
      deleted.map((entry) => [entry.snapshot.id, entry.snapshot.orgId, entry.objects]),
      [
        [second.id, OTHER_ORG.id, 3],
        [first.id, ORG.id, 1],
      ],
    );
    assert.deepEqual(db.listSnapshots().map((snapshot) => snapshot.id), [kept.id]);
    assert.deepEqual(db.countObjects(kept.id), { people: 1 });
    db.close();
  });

  test("unknown id deletes nothing", () => {
    const db = openFresh();
    const known = db.createSnapshot(ORG, { kinds: ["people"] });
    db.insertObjects(known.id, "people", [{ id: "p1", value: {} }]);

    const error = catchError(() => db.deleteSnapshots([known.id, 41, 42]));
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /^Snapshots 41, 42 are not in .*, so nothing was deleted; run "wxadmin snapshots list"/);
    assert.deepEqual(db.countObjects(known.id), { people: 1 });
    db.close();
  });

  test("vacuum shrinks the file", () => {
    const file = freshPath();
    const db = SnapshotDb.open(file);
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    const filler = "x".repeat(2_000);
    db.insertObjects(snapshot.id, "people", Array.from({ length: 2_000 }, (_, index) => ({ id: `p${index}`, value: { filler } })));
    db.deleteSnapshots([snapshot.id]);
    const sizeOf = (name: string): number => (existsSync(name) ? statSync(name).size : 0);
    const before = sizeOf(file) + sizeOf(`${file}-wal`);

    db.vacuum();
    const afterVacuum = sizeOf(file) + sizeOf(`${file}-wal`);
    assert.ok(afterVacuum < before / 10, `${afterVacuum} bytes after VACUUM, ${before} before`);
    db.close();
  });
});

describe("snapshot claims", () => {
  /** Writes a claim row as another process would, bypassing the checks of `claimSnapshots`. */
  function writeClaim(file: string, snapshotId: number, claim: { pid: number; host?: string; token?: string; renewedAt: Date }): void {
    const raw = new Database(file);
    raw
      .prepare("INSERT OR REPLACE INTO snapshot_writers (snapshot_id, pid, host, process_token, claimed_at, renewed_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(snapshotId, claim.pid, claim.host ?? hostname(), claim.token ?? "another-process", claim.renewedAt.toISOString(), claim.renewedAt.toISOString());
    raw.close();
  }

  test("describeStatus of stopped backups", () => {
    const db = openFresh();
    const live = db.createSnapshot(ORG, { kinds: ["people"], claim: true });
    const unclaimed = db.createSnapshot(ORG, { kinds: ["people"] });
    const killed = db.createSnapshot(ORG, { kinds: ["people"] });
    const finished = db.createSnapshot(ORG, { kinds: ["people"] });
    db.storePage(killed.id, "people", { objects: [{ id: "p1", value: { id: "p1" } }, { id: "p2", value: { id: "p2" } }], nextUrl: "https://webexapis.com/v1/people?page=2" });
    db.finishSnapshot(finished.id);
    // A pid above Linux's pid_max (4,194,304) runs no process.
    writeClaim(db.path, killed.id, { pid: 999_999_999, renewedAt: new Date() });

    const liveStatus = db.describeStatus(live.id);
    assert.equal(liveStatus.effectiveStatus, "running");
    assert.equal(liveStatus.writer?.pid, process.pid);
    assert.equal(liveStatus.stoppedReason, undefined);

    const unclaimedStatus = db.describeStatus(unclaimed.id);
    assert.equal(unclaimedStatus.storedStatus, "running");
    assert.equal(unclaimedStatus.effectiveStatus, "incomplete");
    assert.equal(unclaimedStatus.stoppedReason, "no backup process claims it");

    const killedStatus = db.describeStatus(db.requireSnapshot(killed.id));
    assert.equal(killedStatus.effectiveStatus, "incomplete");
    assert.equal(killedStatus.stoppedReason, "process 999999999 no longer runs");
    assert.equal(killedStatus.writer, undefined);
    assert.deepEqual(db.currentCounts(db.requireSnapshot(killed.id)), { people: 2 });

    const finishedStatus = db.describeStatus(finished.id);
    assert.equal(finishedStatus.effectiveStatus, "incomplete");
    assert.equal(finishedStatus.storedStatus, "incomplete");
    assert.equal(finishedStatus.stoppedReason, undefined);
    assert.throws(() => db.describeStatus(99), InvalidInputError);
    db.close();
  });

  test("new snapshot can be claimed at creation", () => {
    const db = openFresh();
    const claimed = db.createSnapshot(ORG, { kinds: ["people"], claim: true });
    const unclaimed = db.createSnapshot(ORG, { kinds: ["people"] });
    const claim = db.getClaim(claimed.id);
    assert.equal(claim?.pid, process.pid);
    assert.equal(claim?.isOwn, true);
    assert.equal(claim?.staleReason, undefined);
    assert.equal(db.getClaim(unclaimed.id), undefined);

    db.releaseClaims([claimed.id]);
    assert.equal(db.getClaim(claimed.id), undefined);
    db.close();
  });

  test("own claim blocks a second claim", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"], claim: true });
    const error = catchError(() => db.claimSnapshots([snapshot.id]));
    assert.ok(error instanceof SnapshotBusyError);
    assert.match(error.message, new RegExp(`^Snapshot ${snapshot.id} is being written by this process \\(${process.pid}\\) on host `));
    db.close();
  });

  test("live process blocks claim and delete until killed", async () => {
    const file = freshPath();
    const db = SnapshotDb.open(file);
    const held = db.createSnapshot(ORG, { kinds: ["people"] });
    const free = db.createSnapshot(ORG, { kinds: ["people"] });
    db.insertObjects(held.id, "people", [{ id: "p1", value: {} }]);

    const child = fork(CHILD_SCRIPT, ["hold", file, String(held.id)]);
    try {
      assert.equal(await nextMessage(child), "holding");
      const pid = child.pid as number;

      const claimError = catchError(() => db.claimSnapshots([free.id, held.id]));
      assert.ok(claimError instanceof SnapshotBusyError);
      assert.equal(claimError.claim.pid, pid);
      assert.equal(claimError.claim.snapshotId, held.id);
      assert.match(claimError.message, new RegExp(`Snapshot ${held.id} is being written by process ${pid} on host .* since .*\\. Wait for that backup to finish, or stop it \\(Ctrl\\+C in its terminal, or kill ${pid}\\), and try again\\.$`));
      assert.equal(db.getClaim(free.id), undefined, "a claim was taken although one snapshot is held");

      assert.ok(catchError(() => db.deleteSnapshots([free.id, held.id])) instanceof SnapshotBusyError);
      assert.ok(catchError(() => db.deleteSnapshot(held.id)) instanceof SnapshotBusyError);
      assert.deepEqual(db.listSnapshots().map((snapshot) => snapshot.id), [held.id, free.id]);

      process.kill(pid, "SIGKILL");
      await waitForExit(child);
    } finally {
      child.kill("SIGKILL");
    }

    const replaced = db.claimSnapshots([held.id]);
    assert.equal(replaced.length, 1);
    assert.match(replaced[0]?.staleReason ?? "", /^process \d+ no longer runs$/);
    assert.equal(db.getClaim(held.id)?.isOwn, true);
    db.releaseClaims([held.id]);
    assert.equal(db.deleteSnapshot(held.id), true);
    db.close();
  });

  test("claim not renewed in time is stale", () => {
    const file = freshPath();
    const db = SnapshotDb.open(file);
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    const now = new Date("2026-03-01T12:00:00.000Z");
    // The parent of this test process runs, so only the age of the claim can make it stale.
    writeClaim(file, snapshot.id, { pid: process.ppid, renewedAt: new Date(now.getTime() - CLAIM_STALE_MS + 1_000) });
    assert.ok(catchError(() => db.claimSnapshots([snapshot.id], now)) instanceof SnapshotBusyError);

    writeClaim(file, snapshot.id, { pid: process.ppid, renewedAt: new Date(now.getTime() - CLAIM_STALE_MS - 1_000) });
    const [replaced] = db.claimSnapshots([snapshot.id], now);
    assert.match(replaced?.staleReason ?? "", /^it was last renewed at 2026-03-01T11:49:59\.000Z, more than 10 minutes ago$/);
    db.close();
  });

  test("claim from another host expires", () => {
    const file = freshPath();
    const db = SnapshotDb.open(file);
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    const now = new Date("2026-03-01T12:00:00.000Z");
    // A pid that exists nowhere on this host: the claim's host decides, not the pid.
    writeClaim(file, snapshot.id, { pid: 2 ** 22 + 7, host: "another-host.example", renewedAt: now });
    const error = catchError(() => db.claimSnapshots([snapshot.id], now));
    assert.ok(error instanceof SnapshotBusyError);
    assert.match(error.message, /on host another-host\.example since/);

    const later = new Date(now.getTime() + CLAIM_STALE_MS + 1_000);
    assert.equal(db.claimSnapshots([snapshot.id], later).length, 1);
    db.close();
  });

  test("earlier process with the same pid", () => {
    const file = freshPath();
    const db = SnapshotDb.open(file);
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    writeClaim(file, snapshot.id, { pid: process.pid, token: "token-of-an-earlier-process", renewedAt: new Date() });
    const [replaced] = db.claimSnapshots([snapshot.id]);
    assert.equal(replaced?.staleReason, `it was left by an earlier process with pid ${process.pid}`);
    db.close();
  });

  test("renew and release touch only own claims", () => {
    const file = freshPath();
    const db = SnapshotDb.open(file);
    const own = db.createSnapshot(ORG, { kinds: ["people"] });
    const foreign = db.createSnapshot(ORG, { kinds: ["people"] });
    const start = new Date("2026-03-01T12:00:00.000Z");
    db.claimSnapshots([own.id], start);
    writeClaim(file, foreign.id, { pid: process.ppid, renewedAt: start });

    const later = new Date(start.getTime() + 60_000);
    assert.equal(db.renewClaims([own.id, foreign.id], later), 1);
    assert.equal(db.getClaim(own.id)?.renewedAt, later.toISOString());
    assert.equal(db.getClaim(foreign.id)?.renewedAt, start.toISOString());

    db.releaseClaims([own.id, foreign.id]);
    assert.equal(db.getClaim(own.id), undefined);
    assert.equal(db.getClaim(foreign.id)?.pid, process.ppid);
    db.close();
  });

  test("deleting a snapshot with a stale claim", () => {
    const file = freshPath();
    const db = SnapshotDb.open(file);
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    writeClaim(file, snapshot.id, { pid: process.pid, token: "token-of-an-earlier-process", renewedAt: new Date() });
    assert.equal(db.deleteSnapshots([snapshot.id]).length, 1);
    assert.equal(db.getClaim(snapshot.id), undefined);
    db.close();
  });
});

describe("pages and objects", () => {
  test("page stores objects and cursor", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    db.markKindRunning(snapshot.id, "people");
    db.storePage(snapshot.id, "people", {
      objects: [
        { id: "p1", value: { id: "p1", displayName: "Ada" } },
        { id: "p2", value: { id: "p2", displayName: "Bo" } },
      ],
      nextUrl: "https://webexapis.com/v1/people?cursor=abc",
      rateLimitWaits: 3,
    });

    const kind = db.getKind(snapshot.id, "people");
    assert.equal(kind?.status, "running");
    assert.equal(kind?.pages, 1);
    assert.equal(kind?.items, 2);
    assert.equal(kind?.rateLimitWaits, 3);
    assert.equal(kind?.nextUrl, "https://webexapis.com/v1/people?cursor=abc");
    assert.deepEqual(db.getObject(snapshot.id, "people", "p2"), { id: "p2", displayName: "Bo" });
    db.close();
  });

  test("last page completes the kind", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    db.storePage(snapshot.id, "people", { objects: [{ id: "p1", value: {} }], nextUrl: "https://webexapis.com/v1/people?cursor=abc" });
    db.storePage(snapshot.id, "people", { objects: [{ id: "p2", value: {} }], nextUrl: undefined });

    const kind = db.getKind(snapshot.id, "people");
    assert.equal(kind?.status, "complete");
    assert.equal(kind?.pages, 2);
    assert.equal(kind?.items, 2);
    assert.equal(kind?.nextUrl, undefined);
    db.close();
  });

  test("failed page stores nothing", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    db.storePage(snapshot.id, "people", { objects: [{ id: "p1", value: {} }], nextUrl: "https://webexapis.com/v1/people?cursor=1" });

    // JSON.stringify throws on a BigInt, after the first object of the page was inserted.
    const error = catchError(() =>
      db.storePage(snapshot.id, "people", {
        objects: [
          { id: "p2", value: { id: "p2" } },
          { id: "p3", value: { id: "p3", size: 10n } },
        ],
        nextUrl: "https://webexapis.com/v1/people?cursor=2",
      }),
    );
    assert.ok(error instanceof TypeError);

    assert.deepEqual(db.countObjects(snapshot.id), { people: 1 });
    const kind = db.getKind(snapshot.id, "people");
    assert.equal(kind?.pages, 1);
    assert.equal(kind?.nextUrl, "https://webexapis.com/v1/people?cursor=1");
    db.close();
  });

  test("page for unknown kind rejected", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    const error = catchError(() => db.storePage(snapshot.id, "numbers", { objects: [{ id: "n1", value: {} }], nextUrl: undefined }));
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /has no kind "numbers"/);
    assert.deepEqual(db.countObjects(snapshot.id), {});
    db.close();
  });

  test("same id replaces the object", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    db.insertObjects(snapshot.id, "people", [{ id: "p1", value: { version: 1 } }]);
    db.insertObjects(snapshot.id, "people", [{ id: "p1", value: { version: 2 } }]);
    assert.deepEqual(db.getObject(snapshot.id, "people", "p1"), { version: 2 });
    assert.deepEqual(db.countObjects(snapshot.id), { people: 1 });
    db.close();
  });

  test("iteration in byte order", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people", "licenses"] });
    const ids = ["b", "\u{1F600}", "a", "\uFFFD", "B", "é"];
    db.insertObjects(snapshot.id, "people", ids.map((id) => ({ id, value: { id } })));
    db.insertObjects(snapshot.id, "licenses", [{ id: "l1", value: { id: "l1" } }]);

    const people = [...db.iterateObjects(snapshot.id, "people")].map((row) => row.id);
    assert.deepEqual(people, ["B", "a", "b", "é", "\uFFFD", "\u{1F600}"]);
    const all = [...db.iterateObjects(snapshot.id)].map((row) => `${row.kind}/${row.id}`);
    assert.deepEqual(all, ["licenses/l1", ...people.map((id) => `people/${id}`)]);
    db.close();
  });

  test("two iterations side by side", () => {
    const db = openFresh();
    const first = db.createSnapshot(ORG, { kinds: ["people"] });
    const second = db.createSnapshot(ORG, { kinds: ["people"] });
    db.insertObjects(first.id, "people", [{ id: "a", value: { n: 1 } }, { id: "b", value: { n: 2 } }]);
    db.insertObjects(second.id, "people", [{ id: "a", value: { n: 3 } }, { id: "c", value: { n: 4 } }]);

    const left = db.iterateObjects(first.id, "people");
    const right = db.iterateObjects(second.id, "people");
    const pairs: string[] = [];
    for (let index = 0; index < 2; index += 1) {
      pairs.push(`${left.next().value?.id}:${right.next().value?.id}`);
    }
    assert.deepEqual(pairs, ["a:a", "b:c"]);
    left.return?.();
    right.return?.();
    db.close();
  });

  test("JSON text is stored as given", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    const value = { id: "p1", nested: { list: [1, "two", null, { deep: true }] }, text: "quote \" and \u2028" };
    db.insertObjects(snapshot.id, "people", [{ id: "p1", value }]);

    const [row] = [...db.iterateObjectJson(snapshot.id, "people")];
    assert.equal(row?.json, JSON.stringify(value));
    assert.deepEqual(db.getObject(snapshot.id, "people", "p1"), value);
    db.close();
  });

  test("progress update keeps other fields", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    db.storePage(snapshot.id, "people", { objects: [], nextUrl: "https://webexapis.com/v1/people?cursor=1" });
    db.updateKindProgress(snapshot.id, "people", { rateLimitWaits: 5 });
    assert.equal(db.getKind(snapshot.id, "people")?.nextUrl, "https://webexapis.com/v1/people?cursor=1");
    assert.equal(db.getKind(snapshot.id, "people")?.rateLimitWaits, 5);

    db.updateKindProgress(snapshot.id, "people", { nextUrl: null });
    assert.equal(db.getKind(snapshot.id, "people")?.nextUrl, undefined);
    assert.equal(db.getKind(snapshot.id, "people")?.rateLimitWaits, 5);
    db.close();
  });
});

describe("page order check", () => {
  test("page with expected count stored", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    db.storePageJson(snapshot.id, "people", { rows: [{ id: "p1", json: '{"id":"p1"}' }], nextUrl: "https://webexapis.com/v1/people?cursor=1", expectedPages: 0 });
    db.storePageJson(snapshot.id, "people", { rows: [{ id: "p2", json: '{"id":"p2"}' }], nextUrl: undefined, expectedPages: 1 });
    assert.equal(db.getKind(snapshot.id, "people")?.status, "complete");
    assert.deepEqual(db.getObject(snapshot.id, "people", "p2"), { id: "p2" });
    db.close();
  });

  test("page after a missing one rejected", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    db.storePageJson(snapshot.id, "people", { rows: [{ id: "p1", json: "{}" }], nextUrl: "https://webexapis.com/v1/people?cursor=1", expectedPages: 0 });

    const error = catchError(() =>
      db.storePageJson(snapshot.id, "people", { rows: [{ id: "p3", json: "{}" }], nextUrl: "https://webexapis.com/v1/people?cursor=3", expectedPages: 2 }),
    );
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /has 1 stored page, not 2, because an earlier page failed\.$/);
    assert.equal(db.getObject(snapshot.id, "people", "p3"), undefined);
    assert.equal(db.getKind(snapshot.id, "people")?.nextUrl, "https://webexapis.com/v1/people?cursor=1");
    db.close();
  });

  test("failed write inside a transaction rolls back alone", () => {
    const db = openFresh();
    const snapshot = db.createSnapshot(ORG, { kinds: ["people", "numbers"] });
    let caught: unknown;
    db.runInTransaction(() => {
      db.storePageJson(snapshot.id, "people", { rows: [{ id: "p1", json: "{}" }], nextUrl: undefined });
      try {
        db.storePageJson(snapshot.id, "numbers", { rows: [{ id: "n1", json: "{}" }], nextUrl: undefined, expectedPages: 5 });
      } catch (error) {
        caught = error;
      }
    });
    assert.ok(caught instanceof InvalidInputError);
    assert.deepEqual(db.countObjects(snapshot.id), { people: 1 });
    assert.equal(db.getKind(snapshot.id, "numbers")?.pages, 0);
    db.close();
  });
});

describe("snapshot writer", () => {
  for (const useWorker of [true, false]) {
    const where = useWorker ? "worker" : "inline";

    test(`${where}: writes in order`, async () => {
      const file = freshPath();
      const db = SnapshotDb.open(file);
      const snapshot = db.createSnapshot(ORG, { kinds: ["people", "numbers"] });
      const writer = openSnapshotWriter(db, { useWorker });

      // Queued without waiting, so the worker commits several of them together.
      const writes = [
        writer.markKindRunning(snapshot.id, "people"),
        writer.storePage(snapshot.id, "people", { rows: [{ id: "p1", json: '{"n":1}' }], nextUrl: "https://webexapis.com/v1/people?cursor=1", expectedPages: 0 }),
        writer.storePage(snapshot.id, "people", { rows: [{ id: "p2", json: '{"n":2}' }], nextUrl: undefined, expectedPages: 1 }),
        writer.markKindFailed(snapshot.id, "numbers", "403 Forbidden"),
        writer.updateKindProgress(snapshot.id, "numbers", { rateLimitWaits: 4 }),
      ];
      await Promise.all(writes);
      await writer.close();

      assert.deepEqual(db.countObjects(snapshot.id), { people: 2 });
      const people = db.getKind(snapshot.id, "people");
      assert.equal(people?.status, "complete");
      assert.equal(people?.pages, 2);
      const numbers = db.getKind(snapshot.id, "numbers");
      assert.equal(numbers?.status, "failed");
      assert.equal(numbers?.error, "403 Forbidden");
      assert.equal(numbers?.rateLimitWaits, 4);
      db.close();
    });

    test(`${where}: failed write rejects alone`, async () => {
      const db = SnapshotDb.open(freshPath());
      const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
      const writer = openSnapshotWriter(db, { useWorker });

      const good = writer.storePage(snapshot.id, "people", { rows: [{ id: "p1", json: "{}" }], nextUrl: "https://webexapis.com/v1/people?cursor=1", expectedPages: 0 });
      const outOfOrder = writer.storePage(snapshot.id, "people", { rows: [{ id: "p9", json: "{}" }], nextUrl: undefined, expectedPages: 7 });
      const unknownKind = writer.storePage(snapshot.id, "devices", { rows: [{ id: "d1", json: "{}" }], nextUrl: undefined });
      await good;
      await assert.rejects(outOfOrder, /not 7/);
      await assert.rejects(unknownKind, /has no kind "devices"/);
      await writer.close();

      assert.deepEqual(db.countObjects(snapshot.id), { people: 1 });
      assert.equal(db.getKind(snapshot.id, "people")?.pages, 1);
      db.close();
    });
  }

  test("write after close rejects", async () => {
    const db = SnapshotDb.open(freshPath());
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    const writer = openSnapshotWriter(db);
    await writer.close();
    await assert.rejects(writer.markKindRunning(snapshot.id, "people"), /stopped/);
    db.close();
  });

  test("in-memory database writes inline", async () => {
    const db = SnapshotDb.open(":memory:");
    const snapshot = db.createSnapshot(ORG, { kinds: ["people"] });
    const writer = openSnapshotWriter(db);
    await writer.storePage(snapshot.id, "people", { rows: [{ id: "p1", json: '{"id":"p1"}' }], nextUrl: undefined });
    await writer.close();
    assert.deepEqual(db.getObject(snapshot.id, "people", "p1"), { id: "p1" });
    db.close();
  });
});

function hashFile(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}
