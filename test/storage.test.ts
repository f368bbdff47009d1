/** The snapshot database against real SQLite files in a temporary folder. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { SCHEMA_VERSION } from "../src/storage/schema.js";
import { SnapshotDb } from "../src/storage/snapshot-db.js";
import { openSnapshotWriter } from "../src/storage/snapshot-writer.js";
import { InvalidInputError } from "../src/transport/errors.js";

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

    const error = catchError(() => SnapshotDb.open(file));
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /without a wxadmin schema version/);
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
});

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
    assert.throws(() => db.createSnapshot(ORG, { kinds: [] }), InvalidInputError);
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
    assert.match(error.message, /has 1 stored pages, not 2/);
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
