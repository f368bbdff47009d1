/**
 * The snapshot commands of the built CLI run as child processes: `snapshots`, `export`, `diff`
 * and `audit` on databases written by the tests, and `backup` against an emulator started in
 * this process, each with its own temporary database.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startEmulator, type DataChange, type Emulator } from "../src/emulator/index.js";
import Database from "better-sqlite3";
import { SnapshotDb } from "../src/storage/snapshot-db.js";
import { CliRecorder, type CliRun, describeRun, assertExit, parseJson } from "./helpers/cli-run.js";
import { parseCsv } from "./helpers/csv-parse.js";
import { craftedObjects, CRAFTED_EXPECTED, CRAFTED_ORG_NAME, writeCraftedSnapshot } from "./helpers/crafted-snapshot.js";
import { objectIdOf, ORG_ID, person, webexId } from "./helpers/snapshot-fixtures.js";

let dir: string;
let cli: CliRecorder;
let counter = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "wxadmin-cli-snapshots-"));
  // No default database: every run names its own, or proves that a missing one is reported.
  cli = new CliRecorder({ XDG_DATA_HOME: join(dir, "data-home"), HOME: dir });
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function freshDbPath(): string {
  counter += 1;
  return join(dir, `snapshots-${counter}.db`);
}

/** Returns ` --db FILE` with the characters of FILE escaped for a regular expression. */
function dbFlagPattern(dbPath: string): string {
  return ` --db ${dbPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
}

/** Returns the SHA-256 of a file's bytes. */
async function hashFile(file: string): Promise<string> {
  return createHash("sha256").update(await readFile(file)).digest("hex");
}

/** Writes two snapshots of the crafted org, the second with known changes, and returns their ids. */
function writeChangedPair(dbPath: string): { from: number; to: number } {
  const from = writeCraftedSnapshot(dbPath);
  const objects = craftedObjects();
  const people = objects.people ?? [];
  const bob = people.find((entry) => entry.displayName === "Bob Brown");
  assert.ok(bob);
  bob.title = "Team Lead";
  objects.people = people.filter((entry) => entry.displayName !== "Carol Chen");
  objects.people.push(person("Erin Evans", { licenses: [] }));
  const springfield = (objects.locations ?? [])[0] as { address: Record<string, unknown> };
  springfield.address = { ...springfield.address, city: "Capital City" };
  const to = writeCraftedSnapshot(dbPath, objects, new Date("2026-01-16T08:00:00.000Z"));
  return { from, to };
}

/**
 * Writes a crafted snapshot whose backup of `failedKind` stopped after its first two objects,
 * so the snapshot is incomplete, and returns its id.
 */
function writeIncompleteSnapshot(dbPath: string, failedKind: string, startedAt = new Date("2026-01-16T08:00:00.000Z")): number {
  const objects = craftedObjects();
  const db = SnapshotDb.open(dbPath);
  try {
    const snapshot = db.createSnapshot({ id: ORG_ID, displayName: CRAFTED_ORG_NAME }, { kinds: Object.keys(objects), startedAt });
    for (const [kind, values] of Object.entries(objects)) {
      const stored = kind === failedKind ? values.slice(0, 2) : values;
      db.insertObjects(snapshot.id, kind, stored.map((value) => ({ id: objectIdOf(kind, value), value })));
      if (kind === failedKind) {
        db.markKindFailed(snapshot.id, kind, "HTTP 503 on page 2");
      } else {
        db.markKindComplete(snapshot.id, kind);
      }
    }
    db.finishSnapshot(snapshot.id, "incomplete", `${failedKind} failed`, new Date(startedAt.getTime() + 90_000));
    return snapshot.id;
  } finally {
    db.close();
  }
}

/**
 * Writes a crafted complete snapshot, then a second one as a backup killed with `kill -9` leaves
 * it: stored as running, people with two stored objects and a cursor, licenses still pending,
 * and a claim of a process that no longer runs. Returns the second snapshot's id.
 */
function writeKilledSnapshot(dbPath: string): number {
  writeCraftedSnapshot(dbPath);
  const db = SnapshotDb.open(dbPath);
  let id: number;
  try {
    const snapshot = db.createSnapshot({ id: ORG_ID, displayName: CRAFTED_ORG_NAME }, { kinds: ["people", "licenses"], startedAt: new Date("2026-01-16T08:00:00.000Z") });
    const people = (craftedObjects().people ?? []).slice(0, 2);
    db.markKindRunning(snapshot.id, "people");
    db.storePage(snapshot.id, "people", { objects: people.map((value) => ({ id: objectIdOf("people", value), value })), nextUrl: "https://webexapis.com/v1/people?cursor=2" });
    id = snapshot.id;
  } finally {
    db.close();
  }
  const raw = new Database(dbPath);
  // A pid above Linux's pid_max (4,194,304) runs no process.
  raw
    .prepare("INSERT INTO snapshot_writers (snapshot_id, pid, host, process_token, claimed_at, renewed_at) VALUES (?, ?, ?, ?, ?, ?)")
    .run(id, 999_999_999, hostname(), "killed-backup", "2026-01-16T08:00:00.000Z", new Date().toISOString());
  raw.close();
  return id;
}

describe("snapshots list and show", () => {
  test("lists snapshots as a table", async () => {
    const db = freshDbPath();
    writeChangedPair(db);
    const run = await cli.run(["snapshots", "list", "--db", db]);
    assertExit(run, 0);
    const lines = run.stdout.trimEnd().split("\n");
    assert.match(lines[0] ?? "", /^SNAPSHOT\s+ORG\s+ORG ID\s+STARTED\s+TOOK\s+STATUS\s+OBJECTS$/);
    assert.match(
      lines[1] ?? "",
      /^ {7}1\s+Example Customer Inc\.\s+0f0f0f0f-0000-4000-8000-000000000001\s+2026-01-15 08:00 UTC\s+1 minute 30 seconds\s+complete\s+20$/,
    );
    assert.equal(lines.length, 3);
  });

  test("lists snapshots as JSON", async () => {
    const db = freshDbPath();
    writeChangedPair(db);
    const list = parseJson(await cli.run(["snapshots", "list", "--db", db, "--json"]));
    assert.deepEqual(list.map((snapshot: { id: number }) => snapshot.id), [1, 2]);
    assert.equal(list[0].orgId, ORG_ID);
    assert.equal(list[0].counts.people, 4);
  });

  test("shows the kinds of one snapshot", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const run = await cli.run(["snapshots", "show", "1", "--db", db]);
    assertExit(run, 0);
    assert.match(run.stdout, /Status:\s+complete/);
    assert.match(run.stdout, /^\s+people\s+complete\s+0\s+4\s+0\s*$/m);
  });

  test("interrupted kinds show as stopped", async () => {
    const db = freshDbPath();
    const writer = SnapshotDb.open(db);
    const snapshot = writer.createSnapshot({ id: ORG_ID, displayName: CRAFTED_ORG_NAME }, { kinds: ["people", "licenses"] });
    writer.markKindRunning(snapshot.id, "people");
    writer.finishSnapshot(snapshot.id, "incomplete", "interrupted before people, licenses finished");
    writer.close();

    const show = await cli.run(["snapshots", "show", String(snapshot.id), "--db", db]);
    assertExit(show, 0);
    assert.match(show.stdout, /^\s+people\s+stopped\s/m);
    assert.doesNotMatch(show.stdout, /running/);
    const showJson = parseJson(await cli.run(["snapshots", "show", String(snapshot.id), "--db", db, "--json"]));
    assert.equal(showJson.kinds[0].effectiveStatus, "stopped");
  });

  test("killed backup shows as incomplete", async () => {
    const db = freshDbPath();
    const id = writeKilledSnapshot(db);

    const list = await cli.run(["snapshots", "list", "--db", db]);
    assertExit(list, 0);
    assert.match(list.stdout, new RegExp(`^ {7}${id}\\s+Example Customer Inc\\.\\s+\\S+\\s+2026-01-16 08:00 UTC\\s+-\\s+incomplete\\s+2$`, "m"));

    const listJson = parseJson(await cli.run(["snapshots", "list", "--db", db, "--json"]));
    const killed = listJson.find((snapshot: { id: number }) => snapshot.id === id);
    assert.equal(killed.status, "running");
    assert.equal(killed.effectiveStatus, "incomplete");
    assert.deepEqual(killed.counts, { people: 2 });
    assert.equal(listJson[0].effectiveStatus, "complete");

    const show = await cli.run(["snapshots", "show", String(id), "--db", db]);
    assertExit(show, 0);
    assert.match(show.stdout, /^Status:\s+incomplete: its backup process stopped before it finished \(process 999999999 no longer runs\)$/m);
    assert.match(show.stdout, /^Objects:\s+2$/m);
    assert.match(show.stdout, /^\s+people\s+stopped\s+1\s+2\s+0\s*$/m);
    assert.match(show.stdout, /^\s+licenses\s+pending\s+0\s+0\s+0\s*$/m);
    assert.doesNotMatch(show.stdout, /running/);
    assert.match(show.stderr, new RegExp(`^Continue this backup with: wxadmin backup --resume ${id}${dbFlagPattern(db)}$`, "m"));

    const showJson = parseJson(await cli.run(["snapshots", "show", String(id), "--db", db, "--json"]));
    assert.equal(showJson.status, "running");
    assert.equal(showJson.effectiveStatus, "incomplete");
    assert.equal(showJson.kinds[0].status, "running");
    assert.equal(showJson.kinds[0].effectiveStatus, "stopped");

    const fromEnv = await cli.run(["snapshots", "show", String(id)], { env: { WXADMIN_DB: db } });
    assert.match(fromEnv.stderr, new RegExp(`^Continue this backup with: wxadmin backup --resume ${id}$`, "m"));

    const exported = await cli.run(["export", String(id), "--format", "json", "--out", join(dir, "export-killed"), "--db", db]);
    assertExit(exported, 0);
    assert.match(
      exported.stderr,
      new RegExp(
        `^wxadmin: warning: Snapshot ${id} is incomplete \\(its backup process stopped\\): the backup did not finish people, licenses, so their files contain only the objects read before it stopped\\. ` +
          `Resume the backup with "wxadmin backup --resume ${id}${dbFlagPattern(db)}", then export again\\.$`,
        "m",
      ),
    );
    const manifest = JSON.parse(await readFile(join(dir, "export-killed", "manifest.json"), "utf8"));
    assert.equal(manifest.snapshot.effectiveStatus, "incomplete");
    assert.deepEqual(manifest.snapshot.counts, { people: 2 });

    const diff = await cli.run(["diff", "1", String(id), "--db", db]);
    assertExit(diff, 0);
    assert.match(diff.stderr, new RegExp(`^wxadmin: warning: Snapshot ${id} is incomplete \\(its backup process stopped\\), so kinds its backup did not finish are not compared: people`, "m"));
    assert.doesNotMatch(diff.stderr, /running/);
  });

  test("reads the database from WXADMIN_DB", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const list = parseJson(await cli.run(["snapshots", "list", "--json"], { env: { WXADMIN_DB: db } }));
    assert.equal(list.length, 1);
  });

  test("reports a missing database", async () => {
    const run = await cli.run(["snapshots", "list"]);
    assertExit(run, 2);
    assert.match(run.stderr, /No snapshot database at .*data-home\/wxadmin\/snapshots\.db\. Run "wxadmin backup" to create one, or pass the file with --db FILE/);
  });

  test("reports an unknown snapshot id", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const run = await cli.run(["snapshots", "show", "42", "--db", db]);
    assertExit(run, 2);
    assert.match(run.stderr, new RegExp(`Snapshot 42 is not in .*; run "wxadmin snapshots list${dbFlagPattern(db)}" to see the stored snapshots\\.`));
  });

  test("rejects a malformed snapshot id", async () => {
    const run = await cli.run(["snapshots", "show", "latest", "--db", freshDbPath()]);
    assertExit(run, 2);
    assert.match(run.stderr, /Invalid snapshot id "latest": expected a number/);
  });

  test("rejects connection options", async () => {
    const run = await cli.run(["snapshots", "list", "--token", "abc", "--db", freshDbPath()]);
    assertExit(run, 2);
    assert.match(run.stderr, /does not take --token: it reads only the snapshot database/);
  });

  test("short backup took less than a second", async () => {
    const db = freshDbPath();
    const writer = SnapshotDb.open(db);
    const startedAt = new Date("2026-01-15T08:00:00.000Z");
    const snapshot = writer.createSnapshot({ id: ORG_ID, displayName: "Example Customer Inc." }, { kinds: ["licenses"], startedAt });
    writer.markKindComplete(snapshot.id, "licenses");
    writer.finishSnapshot(snapshot.id, "complete", undefined, new Date(startedAt.getTime() + 400));
    writer.close();

    const list = await cli.run(["snapshots", "list", "--db", db]);
    assertExit(list, 0);
    assert.match(list.stdout, /^ {7}1\s+Example Customer Inc\.\s+\S+\s+2026-01-15 08:00 UTC\s+less than a second\s+complete\s+0$/m);
    const show = await cli.run(["snapshots", "show", "1", "--db", db]);
    assertExit(show, 0);
    assert.match(show.stdout, /^Finished:\s+2026-01-15 08:00 UTC \(took less than a second from start to finish, pauses included\)$/m);
  });

  test("a folder as --db", async () => {
    const folder = join(dir, "a-folder");
    await mkdir(folder, { recursive: true });
    const expected = `wxadmin: error: The snapshot database path ${folder} is a folder; give a file path such as ${join(folder, "snapshots.db")}.\n`;
    for (const args of [["snapshots", "list"], ["snapshots", "show", "1"], ["snapshots", "delete", "1"], ["diff"], ["audit"], ["backup", "--token", "not-used"]]) {
      const run = await cli.run([...args, "--db", folder]);
      assertExit(run, 2);
      assert.equal(run.stderr, expected, args.join(" "));
    }
  });

  test("--org takes ids, not names", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const byName = await cli.run(["audit", "--db", db, "--org", "Northwind Dental Group"]);
    assertExit(byName, 2);
    assert.equal(
      byName.stderr,
      'wxadmin: error: Invalid --org "Northwind Dental Group": --org takes an org id (a base64 Webex org id or a bare UUID), not an org name. ' +
        'Find the id with "wxadmin orgs list", or for orgs with stored snapshots, "wxadmin snapshots list --json" (field orgId).\n',
    );

    const otherOrg = webexId("ORGANIZATION", "0f0f0f0f-0000-4000-8000-000000000002");
    const twoIds = await cli.run(["snapshots", "list", "--db", db, "--org", `${ORG_ID} ${otherOrg}`]);
    assertExit(twoIds, 2);
    assert.match(twoIds.stderr, /"wxadmin snapshots list" acts in one org, but --org named 2: /);

    const byUuid = await cli.run(["snapshots", "list", "--db", db, "--org", "0f0f0f0f-0000-4000-8000-000000000001", "--json"]);
    assert.equal(parseJson(byUuid).length, 1);
  });

  test("lists at most ten orgs in an error", async () => {
    const db = freshDbPath();
    const writer = SnapshotDb.open(db);
    for (let index = 1; index <= 12; index += 1) {
      const orgId = webexId("ORGANIZATION", `0f0f0f0f-0000-4000-8000-0000000001${String(index).padStart(2, "0")}`);
      writer.createSnapshot({ id: orgId, displayName: `Org ${index}` }, { kinds: ["people"] });
    }
    writer.close();

    const run = await cli.run(["diff", "--db", db]);
    assertExit(run, 2);
    assert.match(run.stderr, /contains snapshots of 12 orgs; pick one with --org ORG_ID, or give snapshot ids\. The orgs are Org 1 \(/);
    assert.match(run.stderr, new RegExp(`, Org 10 \\([^)]+\\) and 2 more; run "wxadmin snapshots list${dbFlagPattern(db)}" to see them all\\.$`, "m"));
    assert.equal(run.stderr.match(/Org \d+ \(/g)?.length, 10);

    const unknownOrg = webexId("ORGANIZATION", "0f0f0f0f-0000-4000-8000-000000000999");
    const missing = await cli.run(["audit", "--db", db, "--org", unknownOrg]);
    assertExit(missing, 2);
    assert.match(missing.stderr, /has no snapshot of org .*; run "wxadmin backup --org .* --db .*" first, or pick a stored org with --org ORG_ID\. The stored orgs are Org 1 /);
    assert.match(missing.stderr, new RegExp(` and 2 more; run "wxadmin snapshots list${dbFlagPattern(db)}" to see them all\\.$`, "m"));
  });
});

describe("snapshots delete", () => {
  /** Writes three crafted snapshots and returns the database path. */
  function writeThree(): string {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    writeCraftedSnapshot(db, craftedObjects(), new Date("2026-01-16T08:00:00.000Z"));
    writeCraftedSnapshot(db, { licenses: craftedObjects().licenses ?? [] }, new Date("2026-01-17T08:00:00.000Z"));
    return db;
  }

  function listIds(db: string): Promise<number[]> {
    return cli.run(["snapshots", "list", "--db", db, "--json"]).then((run) => parseJson(run).map((snapshot: { id: number }) => snapshot.id));
  }

  test("deletes and counts objects", async () => {
    const db = writeThree();
    const run = await cli.run(["snapshots", "delete", "1", "3", "--db", db]);
    assertExit(run, 0);
    assert.equal(
      run.stdout,
      "Deleted snapshot 1 (Example Customer Inc., started 2026-01-15 08:00 UTC, complete): 20 objects.\n" +
        "Deleted snapshot 3 (Example Customer Inc., started 2026-01-17 08:00 UTC, complete): 4 objects.\n",
    );
    assert.match(
      run.stderr,
      /^The file .*snapshots-\d+\.db keeps its size \(\d+\.\d kB\) until it is compacted; later backups reuse the freed space\. To shrink it now, run: wxadmin snapshots delete --vacuum --db .*snapshots-\d+\.db\n$/,
    );
    assert.deepEqual(await listIds(db), [2]);
  });

  test("unknown id deletes nothing", async () => {
    const db = writeThree();
    const run = await cli.run(["snapshots", "delete", "1", "9", "--db", db]);
    assertExit(run, 2);
    assert.match(run.stderr, new RegExp(`^wxadmin: error: Snapshot 9 is not in .*, so nothing was deleted; run "wxadmin snapshots list${dbFlagPattern(db)}" to see the stored snapshots\\.\\n$`));
    assert.equal(run.stdout, "");
    assert.deepEqual(await listIds(db), [1, 2, 3]);
  });

  test("--vacuum shrinks the file", async () => {
    const db = freshDbPath();
    const writer = SnapshotDb.open(db);
    const snapshot = writer.createSnapshot({ id: ORG_ID, displayName: "Example Customer Inc." }, { kinds: ["people"] });
    const filler = "x".repeat(2_000);
    writer.insertObjects(snapshot.id, "people", Array.from({ length: 2_000 }, (_, index) => ({ id: `p${index}`, value: { filler } })));
    writer.markKindComplete(snapshot.id, "people");
    writer.finishSnapshot(snapshot.id);
    writer.close();
    const before = statSync(db).size;

    const run = await cli.run(["snapshots", "delete", String(snapshot.id), "--vacuum", "--db", db]);
    assertExit(run, 0);
    assert.match(run.stdout, /: 2,000 objects\.$/m);
    assert.match(run.stderr, /^Compacting .* \(\d+\.\d MB\); this may take a while and needs free disk space of up to twice the file's size\.$/m);
    assert.match(run.stderr, /^Compacted .* to \d+\.\d kB\.$/m);
    assert.doesNotMatch(run.stderr, /keeps its size/);
    const sizeAfter = statSync(db).size + (existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0);
    assert.ok(sizeAfter < before / 10, `${sizeAfter} bytes after --vacuum, ${before} before`);
  });

  test("--vacuum alone only compacts", async () => {
    const db = writeThree();
    const run = await cli.run(["snapshots", "delete", "--vacuum", "--db", db]);
    assertExit(run, 0);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^Compacted /m);
    assert.deepEqual(await listIds(db), [1, 2, 3]);
  });

  test("leaves a foreign SQLite file unchanged", async () => {
    const file = join(dir, "foreign.db");
    const raw = new Database(file);
    raw.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('kept')");
    raw.close();
    const before = await hashFile(file);

    for (const args of [["snapshots", "delete", "--vacuum"], ["backup", "--token", "not-used"]]) {
      const run = await cli.run([...args, "--db", file]);
      assertExit(run, 2);
      assert.match(run.stderr, /is an SQLite database without a wxadmin schema version \(it already has 1 table\)\. Pass another file with --db\./, args.join(" "));
      assert.equal(await hashFile(file), before, `${args.join(" ")} changed the file`);
      assert.equal(existsSync(`${file}-wal`), false, args.join(" "));
    }
  });

  test("needs ids or --vacuum", async () => {
    const db = writeThree();
    const run = await cli.run(["snapshots", "delete", "--db", db]);
    assertExit(run, 2);
    const flag = dbFlagPattern(db);
    assert.match(run.stderr, new RegExp(`Give the ids of the snapshots to delete, such as "wxadmin snapshots delete 3 4${flag}" \\("wxadmin snapshots list${flag}" shows them\\)`));
  });

  test("prints JSON", async () => {
    const db = writeThree();
    const result = parseJson(await cli.run(["snapshots", "delete", "2", "--db", db, "--json"]));
    assert.deepEqual(
      result.deleted.map((entry: { id: number; objects: number; status: string }) => [entry.id, entry.objects, entry.status]),
      [[2, 20, "complete"]],
    );
    assert.equal(result.vacuumed, false);
    assert.ok(result.fileBytes > 0);
  });

  test("does not create a missing database", async () => {
    const db = freshDbPath();
    const run = await cli.run(["snapshots", "delete", "1", "--db", db]);
    assertExit(run, 2);
    assert.match(run.stderr, /No snapshot database at /);
    assert.equal(existsSync(db), false);
  });
});

describe("export command", () => {
  test("writes JSON that round-trips", async () => {
    const db = freshDbPath();
    const id = writeCraftedSnapshot(db);
    const out = join(dir, "export-json");
    const run = await cli.run(["export", String(id), "--format", "json", "--out", out, "--db", db]);
    assertExit(run, 0);
    assert.match(run.stdout, /^people\s+4\s+.*people\.json$/m);

    const reader = SnapshotDb.open(db, { readonly: true });
    try {
      for (const kind of Object.keys(craftedObjects())) {
        const stored = [...reader.iterateObjects(id, kind)].map((row) => row.value);
        assert.deepEqual(JSON.parse(await readFile(join(out, `${kind}.json`), "utf8")), stored, kind);
      }
    } finally {
      reader.close();
    }
  });

  test("writes CSV of chosen kinds", async () => {
    const db = freshDbPath();
    const id = writeCraftedSnapshot(db);
    const out = join(dir, "export-csv");
    const result = parseJson(await cli.run(["export", String(id), "--format", "csv", "--out", out, "--kinds", "people,licenses", "--db", db, "--json"]));
    assert.deepEqual(result.files.map((file: { kind: string }) => file.kind), ["people", "licenses"]);

    const [headers, ...rows] = parseCsv(await readFile(join(out, "licenses.csv"), "utf8"));
    assert.deepEqual(headers, ["id", "name", "totalUnits", "consumedUnits"]);
    assert.equal(rows.length, 4);
    assert.ok(rows.some((row) => row[1] === "Webex Calling - Professional" && row[2] === "10" && row[3] === "12"));
  });

  test("--excel-safe quotes formula-like cells", async () => {
    const db = freshDbPath();
    const id = writeCraftedSnapshot(db);
    const phoneColumn = async (out: string): Promise<string[]> => {
      const [headers, ...rows] = parseCsv(await readFile(join(out, "numbers.csv"), "utf8"));
      const column = headers?.indexOf("phoneNumber") ?? -1;
      assert.ok(column >= 0, "numbers.csv has no phoneNumber column");
      return rows.map((row) => row[column] ?? "");
    };

    const plainOut = join(dir, "export-plain");
    assertExit(await cli.run(["export", String(id), "--format", "csv", "--kinds", "numbers", "--out", plainOut, "--db", db]), 0);
    assert.ok((await phoneColumn(plainOut)).includes("+12175550100"));

    const safeOut = join(dir, "export-excel-safe");
    assertExit(await cli.run(["export", String(id), "--format", "csv", "--kinds", "numbers", "--excel-safe", "--out", safeOut, "--db", db]), 0);
    const safe = await phoneColumn(safeOut);
    assert.ok(safe.includes("'+12175550100"));
    assert.deepEqual(safe.filter((cell) => cell.startsWith("+")), []);
    assert.equal(JSON.parse(await readFile(join(safeOut, "manifest.json"), "utf8")).excelSafe, true);
  });

  test("--excel-safe rejects JSON", async () => {
    const db = freshDbPath();
    const id = writeCraftedSnapshot(db);
    const run = await cli.run(["export", String(id), "--format", "json", "--excel-safe", "--out", join(dir, "export-json-safe"), "--db", db]);
    assertExit(run, 2);
    assert.match(run.stderr, /--excel-safe applies to --format csv only/);
  });

  test("fails fast on a /proc path", { skip: process.platform !== "linux", timeout: 30_000 }, async () => {
    // Node 20's recursive mkdir never settles under /proc, so a regression hangs until the kill.
    const db = freshDbPath();
    const id = writeCraftedSnapshot(db);
    const run = await cli.run(["export", String(id), "--format", "json", "--out", "/proc/wxadmin-test-nope", "--db", db], { timeoutMs: 15_000 });
    assertExit(run, 2);
    assert.match(run.stderr, /Cannot create the export folder \/proc\/wxadmin-test-nope \(ENOENT: this file system does not allow a new folder there\)\. Pass a folder you can write to with --out\./);
  });

  test("rejects a file as --out", async () => {
    const db = freshDbPath();
    const id = writeCraftedSnapshot(db);
    const file = join(dir, "out-is-a-file.txt");
    await writeFile(file, "keep me");
    const run = await cli.run(["export", String(id), "--format", "json", "--out", file, "--db", db]);
    assertExit(run, 2);
    assert.match(run.stderr, /The export folder .*out-is-a-file\.txt is a file, not a folder\. Pass the path of a new or empty folder with --out\./);
    assert.doesNotMatch(run.stderr, /EEXIST/);
    assert.equal(await readFile(file, "utf8"), "keep me");
  });

  test("rejects a used folder without --force", async () => {
    const db = freshDbPath();
    const id = writeCraftedSnapshot(db);
    const out = join(dir, "export-reused");
    assertExit(await cli.run(["export", String(id), "--format", "json", "--out", out, "--db", db]), 0);

    const again = await cli.run(["export", String(id), "--format", "json", "--kinds", "licenses", "--out", out, "--db", db]);
    assertExit(again, 2);
    assert.match(again.stderr, /The export folder .*export-reused is not empty: it contains autoAttendants\.json, callQueues\.json, callingLocations\.json and 6 more\. Pass --force/);
    assert.equal((await readdir(out)).length, 9);
  });

  test("--force replaces the earlier export", async () => {
    const db = freshDbPath();
    const id = writeCraftedSnapshot(db);
    const out = join(dir, "export-forced");
    assertExit(await cli.run(["export", String(id), "--format", "json", "--out", out, "--db", db]), 0);
    await writeFile(join(out, "notes.txt"), "mine");

    const run = await cli.run(["export", String(id), "--format", "json", "--kinds", "licenses", "--out", out, "--force", "--db", db]);
    assertExit(run, 0);
    assert.deepEqual((await readdir(out)).sort(), ["licenses.json", "manifest.json", "notes.txt"]);
    assert.match(run.stderr, /^Deleted 7 files of the earlier export that this one does not rewrite: people\.json, locations\.json, /m);
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8"));
    assert.deepEqual(manifest.files.map((file: { file: string }) => file.file), ["licenses.json"]);
  });

  test("warns about unfinished kinds", async () => {
    const db = freshDbPath();
    const id = writeIncompleteSnapshot(db, "people");
    const out = join(dir, "export-incomplete");
    const run = await cli.run(["export", String(id), "--format", "json", "--out", out, "--db", db]);
    assertExit(run, 0);
    assert.match(
      run.stderr,
      new RegExp(
        `^wxadmin: warning: Snapshot 1 is incomplete: the backup did not finish people, so its file contains only the objects read before it stopped\\. Resume the backup with "wxadmin backup --resume 1${dbFlagPattern(db)}", then export again\\.$`,
        "m",
      ),
    );
    assert.equal(JSON.parse(await readFile(join(out, "people.json"), "utf8")).length, 2);

    const complete = await cli.run(["export", String(id), "--format", "json", "--kinds", "licenses", "--out", join(dir, "export-incomplete-licenses"), "--db", db]);
    assertExit(complete, 0);
    assert.doesNotMatch(complete.stderr, /warning/);
  });

  test("names the snapshot of an unknown kind", async () => {
    const db = freshDbPath();
    writeChangedPair(db);
    const run = await cli.run(["export", "2", "--format", "json", "--kinds", "bogus", "--out", join(dir, "export-bogus"), "--db", db]);
    assertExit(run, 2);
    assert.match(
      run.stderr,
      /^wxadmin: error: Snapshot 2 has no kind bogus; its kinds are people, licenses, locations, callingLocations, numbers, callQueues, huntGroups, autoAttendants\. Pass some of those with --kinds\.\n$/,
    );
  });

  test("help marks required options", async () => {
    const run = await cli.run(["export", "--help"]);
    assertExit(run, 0);
    assert.match(run.stdout, /--format <format>\s+Required\. File format/);
    assert.match(run.stdout, /--out <dir>\s+Required\. Folder for the files/);
  });

  test("requires --format", async () => {
    const run = await cli.run(["export", "1", "--out", dir, "--db", freshDbPath()]);
    assertExit(run, 2);
    assert.match(run.stderr, /--format <format>' not specified/);
  });
});

describe("diff command", () => {
  test("defaults to the two newest snapshots", async () => {
    const db = freshDbPath();
    writeChangedPair(db);
    const diff = parseJson(await cli.run(["diff", "--db", db, "--json"]));
    assert.equal(diff.from.id, 1);
    assert.equal(diff.to.id, 2);

    const people = diff.byKind.people;
    assert.deepEqual(people.added.map((object: { name: string }) => object.name), ["Erin Evans"]);
    assert.deepEqual(people.removed.map((object: { name: string }) => object.name), ["Carol Chen"]);
    assert.deepEqual(people.changed, [{ id: webexId("PEOPLE", "bob-brown"), name: "Bob Brown", fields: [{ path: "title", after: "Team Lead" }] }]);
    assert.deepEqual(diff.byKind.locations.changed[0].fields, [{ path: "address.city", before: "Springfield", after: "Capital City" }]);
    for (const kind of ["licenses", "numbers", "callQueues", "huntGroups", "autoAttendants", "callingLocations"]) {
      const entry = diff.byKind[kind];
      assert.equal(entry.added.length + entry.removed.length + entry.changed.length, 0, kind);
    }
  });

  test("prints changes as text", async () => {
    const db = freshDbPath();
    const { from, to } = writeChangedPair(db);
    const run = await cli.run(["diff", String(from), String(to), "--db", db]);
    assertExit(run, 0);
    assert.match(run.stdout, /^people: 1 added, 1 removed, 1 changed, 2 unchanged$/m);
    assert.match(run.stdout, /^ {2}\+ Erin Evans \(/m);
    assert.match(run.stdout, /^ {2}- Carol Chen \(/m);
    assert.match(run.stdout, /^ {6}title: \(absent\) -> "Team Lead"$/m);
    assert.match(run.stdout, /^ {6}address\.city: "Springfield" -> "Capital City"$/m);
  });

  test("compares only kinds of both snapshots", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const licenses = craftedObjects().licenses ?? [];
    const professional = licenses[0];
    assert.ok(professional);
    professional.totalUnits = 20;
    writeCraftedSnapshot(db, { licenses }, new Date("2026-01-16T08:00:00.000Z"));

    const diff = parseJson(await cli.run(["diff", "--db", db, "--json"]));
    assert.equal(diff.from.id, 1);
    assert.equal(diff.to.id, 2);
    assert.deepEqual(Object.keys(diff.byKind), ["licenses"]);
    assert.deepEqual(diff.byKind.licenses.changed[0].fields, [{ path: "totalUnits", before: 10, after: 20 }]);
    assert.deepEqual(
      diff.notCompared.map((skipped: { kind: string }) => skipped.kind),
      ["people", "locations", "callingLocations", "numbers", "callQueues", "huntGroups", "autoAttendants"],
    );
    assert.deepEqual(diff.notCompared[0], { kind: "people", from: "complete", to: "missing", reason: "not in snapshot 2 (backed up with --kinds)" });

    const text = await cli.run(["diff", "--db", db]);
    assertExit(text, 0);
    assert.match(text.stdout, /^Compared 1 kind: licenses\nNot compared:\n {2}people: not in snapshot 2 \(backed up with --kinds\)\n/m);
    assert.match(text.stdout, /^ {2}numbers: not in snapshot 2 \(backed up with --kinds\)$/m);
    assert.match(text.stdout, /^licenses: 0 added, 0 removed, 1 changed, 3 unchanged$/m);
    assert.doesNotMatch(text.stdout, /^people: /m);
  });

  test("leaves out unfinished kinds", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const to = writeIncompleteSnapshot(db, "people");
    const run = await cli.run(["diff", "1", String(to), "--db", db]);
    assertExit(run, 0);
    assert.match(run.stdout, /^ {2}people: incomplete in snapshot 2 \(its backup of the kind did not finish\)$/m);
    assert.doesNotMatch(run.stdout, /^people: /m);
    assert.match(run.stderr, /^wxadmin: warning: Snapshot 2 is incomplete, so kinds its backup did not finish are not compared: people\.$/m);
  });

  test("warns when nothing is compared", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db, { licenses: craftedObjects().licenses ?? [] });
    writeCraftedSnapshot(db, { numbers: craftedObjects().numbers ?? [] }, new Date("2026-01-16T08:00:00.000Z"));
    const run = await cli.run(["diff", "--db", db]);
    assertExit(run, 0);
    assert.match(run.stdout, /^Compared no kinds$/m);
    assert.doesNotMatch(run.stdout, /No differences/);
    assert.match(run.stderr, /Snapshots 1 and 2 have no kind that both read completely, so nothing was compared\./);
  });

  test("scopes no differences to compared kinds", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    writeCraftedSnapshot(db, { licenses: craftedObjects().licenses ?? [] }, new Date("2026-01-16T08:00:00.000Z"));
    const run = await cli.run(["diff", "--db", db]);
    assertExit(run, 0);
    assert.match(run.stdout, /^Compared 1 kind: licenses$/m);
    assert.match(run.stdout, /^No differences in the compared kind; \d+ kinds were not compared \(see above\)\.$/m);
  });

  test("warns when the newer snapshot is first", async () => {
    const db = freshDbPath();
    const { from, to } = writeChangedPair(db);
    const run = await cli.run(["diff", String(to), String(from), "--db", db]);
    assertExit(run, 0);
    assert.match(
      run.stderr,
      new RegExp(
        `^wxadmin: warning: Snapshot 2 \\(2026-01-16 08:00 UTC\\) is newer than snapshot 1 \\(2026-01-15 08:00 UTC\\), so this diff runs from newer to older: .* run "wxadmin diff 1 2${dbFlagPattern(db)}"\\.$`,
        "m",
      ),
    );
    assert.match(run.stdout, /^people: 1 added, 1 removed, 1 changed, 2 unchanged$/m);

    const inOrder = await cli.run(["diff", String(from), String(to), "--db", db]);
    assertExit(inOrder, 0);
    assert.equal(inOrder.stderr, "");
  });

  test("rejects an unknown ignored kind", async () => {
    const db = freshDbPath();
    writeChangedPair(db);
    const run = await cli.run(["diff", "--db", db, "--ignore", "bogus:x"]);
    assertExit(run, 2);
    assert.match(
      run.stderr,
      /Invalid ignored field "bogus:x": bogus is not a kind\. The kinds are people, licenses, locations, callingLocations, numbers, callQueues, huntGroups, autoAttendants, callQueueAgents\./,
    );
  });

  test("prints counts with thousands separators", async () => {
    const db = freshDbPath();
    const people = Array.from({ length: 1_200 }, (_, index) => person(`Person Number${index}`));
    writeCraftedSnapshot(db, { people });
    writeCraftedSnapshot(db, { people }, new Date("2026-01-16T08:00:00.000Z"));
    const run = await cli.run(["diff", "--db", db]);
    assertExit(run, 0);
    assert.match(run.stdout, /^people: 0 added, 0 removed, 0 changed, 1,200 unchanged$/m);
  });

  test("leaves out ignored fields", async () => {
    const db = freshDbPath();
    writeChangedPair(db);
    const diff = parseJson(await cli.run(["diff", "--db", db, "--json", "--ignore", "people:title,locations:address"]));
    assert.equal(diff.byKind.people.changed.length, 0);
    assert.equal(diff.byKind.locations.changed.length, 0);
  });

  test("says there is nothing to diff yet", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const run = await cli.run(["diff", "--db", db]);
    assertExit(run, 2);
    const flag = dbFlagPattern(db);
    assert.match(
      run.stderr,
      new RegExp(
        `Nothing to diff yet: org Example Customer Inc\\. \\(${ORG_ID}\\) has 1 complete snapshot and diff needs two\\. Run "wxadmin backup${flag}" again later, then "wxadmin diff${flag}"\\.`,
      ),
    );
  });

  test("rejects a single snapshot id", async () => {
    const db = freshDbPath();
    writeChangedPair(db);
    const run = await cli.run(["diff", "1", "--db", db]);
    assertExit(run, 2);
    assert.match(run.stderr, /Give two snapshot ids \(older first\), or none/);
  });

  test("rejects the same snapshot twice", async () => {
    const db = freshDbPath();
    writeChangedPair(db);
    const run = await cli.run(["diff", "1", "1", "--db", db]);
    assertExit(run, 2);
    assert.equal(
      run.stderr,
      `wxadmin: error: Give two different snapshots to compare; both ids are 1. Run "wxadmin snapshots list --db ${db}" to see the stored snapshots.\n`,
    );
    assert.equal(run.stdout, "");
  });

  test("asks for --org with several orgs", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const other = SnapshotDb.open(db);
    const otherOrg = webexId("ORGANIZATION", "0f0f0f0f-0000-4000-8000-000000000002");
    const snapshot = other.createSnapshot({ id: otherOrg, displayName: "Other Org" }, { kinds: ["people"] });
    other.markKindComplete(snapshot.id, "people");
    other.finishSnapshot(snapshot.id);
    other.close();

    const run = await cli.run(["diff", "--db", db]);
    assertExit(run, 2);
    assert.match(run.stderr, /contains snapshots of 2 orgs; pick one with --org ORG_ID, or give snapshot ids\. The orgs are Example Customer Inc\. \(.*\), Other Org \(.*\)\.$/m);

    const picked = await cli.run(["diff", "--db", db, "--org", otherOrg]);
    assertExit(picked, 2);
    assert.match(picked.stderr, /org .* has 1 complete snapshot/);
  });
});

describe("audit command", () => {
  test("prints findings as a table", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const run = await cli.run(["audit", "--db", db]);
    assertExit(run, 0);
    assert.match(run.stdout, /^Audit of Example Customer Inc\. \(.*\), snapshot 1: 9 findings \(5 high, 2 medium, 2 low\)$/m);
    assert.match(run.stdout, /^SEVERITY  RULE {26}OBJECT {24}FIX$/m);
    assert.match(run.stdout, /^high {6}license-over-consumed {9}Webex Calling - Professional  Buy at least 2 more units of Webex Calling - Prof…$/m);
    assert.match(run.stdout, /^medium {4}person-without-license {8}Carol Chen {20}Assign licenses to Carol Chen, or deactivate or d…$/m);
    assert.equal(run.stdout.split("\n").filter((line) => /^(high|medium|low) /.test(line)).length, 9);
    // The hint about cut texts is for a terminal; this stdout is a pipe.
    assert.doesNotMatch(run.stderr, /did not fit/);
  });

  test("table fits 120 columns", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const run = await cli.run(["audit", "--db", db]);
    assertExit(run, 0);
    const rows = run.stdout.split("\n").filter((line) => /^(SEVERITY|high|medium|low) /.test(line));
    assert.equal(rows.length, 10);
    for (const row of rows) {
      assert.ok([...row].length <= 120, `${[...row].length} characters: ${row}`);
    }
    // The problem text repeats the object's name; it is in --wide, --json and --html only.
    assert.doesNotMatch(run.stdout, /has 12 units consumed|cannot use any Webex service/);
    assert.doesNotMatch(run.stdout, /@example\.test/);
  });

  test("--wide prints every text in full", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const run = await cli.run(["audit", "--db", db, "--wide"]);
    assertExit(run, 0);
    assert.match(run.stdout, /^SEVERITY\s+RULE\s+OBJECT\s+PROBLEM\s+FIX$/m);
    assert.match(
      run.stdout,
      /^medium\s+person-without-license\s+Carol Chen <carol\.chen@example\.test>\s+Carol Chen <carol\.chen@example\.test> has no license, so they cannot use any Webex service\.\s+Assign licenses to Carol Chen <carol\.chen@example\.test>, or deactivate or delete the account if it is no longer used\.$/m,
    );
    assert.doesNotMatch(run.stdout, /…/);
    assert.doesNotMatch(run.stderr, /did not fit/);
  });

  test("prints findings as JSON", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const audit = parseJson(await cli.run(["audit", "1", "--db", db, "--json"]));
    assert.deepEqual(audit.counts, CRAFTED_EXPECTED.counts);
    const perRule: Record<string, number> = {};
    for (const finding of audit.findings) {
      perRule[finding.rule] = (perRule[finding.rule] ?? 0) + 1;
      assert.ok(finding.fix.length > 0);
      assert.ok(finding.objectId.length > 0);
    }
    assert.deepEqual(perRule, CRAFTED_EXPECTED.rules);
    assert.equal(audit.snapshot.id, 1);
  });

  test("writes the HTML report", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const file = join(dir, "reports", "audit.html");
    const run = await cli.run(["audit", "--db", db, "--html", file]);
    assertExit(run, 0);
    assert.match(run.stderr, /Wrote the HTML report to .*audit\.html/);
    const html = await readFile(file, "utf8");
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /data-severity="high" data-count="5"/);
    assert.ok(html.includes(`<code>wxadmin audit 1 --db ${db} --json</code> lists them all`), "the footer names the --db file");
    assert.doesNotMatch(html, /rules-not-checked/);
  });

  test("--html rejects a folder", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const folder = join(dir, "report-folder");
    await mkdir(folder, { recursive: true });
    for (const extra of [[], ["--force"]]) {
      const run = await cli.run(["audit", "--db", db, "--html", folder, ...extra]);
      assertExit(run, 2);
      assert.equal(run.stderr, `wxadmin: error: --html ${folder} is a folder; give a file path such as ${join(folder, "audit.html")}.\n`, extra.join(" "));
      assert.equal(run.stdout, "");
    }
    assert.deepEqual(await readdir(folder), []);
  });

  test("--html errors name no temporary file", { skip: process.platform !== "linux" }, async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const run = await cli.run(["audit", "--db", db, "--html", "/proc/wxadmin-nope.html"], { timeoutMs: 15_000 });
    assertExit(run, 2);
    assert.match(run.stderr, /^wxadmin: error: Cannot write the HTML report to \/proc\/wxadmin-nope\.html \(E[A-Z]+: [^)]+\)\. Pass a writable path with --html\.$/m);
    assert.doesNotMatch(run.stderr, /\.tmp|wxadmin-nope\.html\.\d/);
  });

  test("--html keeps an existing file", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const file = join(dir, "kept-report.html");
    await writeFile(file, "an earlier report\n");

    const run = await cli.run(["audit", "--db", db, "--html", file]);
    assertExit(run, 2);
    assert.match(run.stderr, /^wxadmin: error: --html file \S+kept-report\.html already exists; pass --force to replace it, or choose another path\.$/m);
    assert.equal(run.stdout, "");
    assert.equal(await readFile(file, "utf8"), "an earlier report\n");

    const forced = await cli.run(["audit", "--db", db, "--html", file, "--force"]);
    assertExit(forced, 0);
    assert.match(await readFile(file, "utf8"), /^<!doctype html>/);
  });

  test("--html names a file in its path", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const blocker = join(dir, "not-a-folder");
    await writeFile(blocker, "");
    const run = await cli.run(["audit", "--db", db, "--html", join(blocker, "reports", "audit.html")]);
    assertExit(run, 2);
    assert.match(run.stderr, /Cannot create the folder \S+not-a-folder\/reports: \S+not-a-folder is a file, not a folder\./);
  });

  test("--html below /proc fails at once", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    // Node 20's recursive mkdir never returns for such a path; the run must end with an error.
    const run = await cli.run(["audit", "--db", db, "--html", "/proc/wxadmin-no-such-folder/audit.html"], { timeoutMs: 15_000 });
    assertExit(run, 2);
    assert.match(run.stderr, /Cannot create the folder \/proc\/wxadmin-no-such-folder \(ENOENT: this file system does not allow a new folder there\)\. Pass a folder you can write to with --html\./);
  });

  test("warns about rules it could not check", async () => {
    const db = freshDbPath();
    const objects = craftedObjects();
    delete objects.numbers;
    writeCraftedSnapshot(db, objects);
    const run = await cli.run(["audit", "--db", db]);
    assertExit(run, 0);
    assert.match(run.stderr, /Rule number-unassigned was not fully checked\. The snapshot has no complete backup of numbers/);
    assert.doesNotMatch(run.stderr, /checked: [A-Z]/);
    assert.match(run.stdout, /^Audit of .*, snapshot 1: \d+ findings \(.*\); 3 of 10 rules not checked \(missing kinds: numbers\)$/m);
  });

  test("skips a newer partial backup", async () => {
    const db = freshDbPath();
    const full = writeCraftedSnapshot(db);
    const partial = writeCraftedSnapshot(db, { licenses: craftedObjects().licenses ?? [] }, new Date("2026-01-16T08:00:00.000Z"));
    const run = await cli.run(["audit", "--db", db, "--fail-on", "low"]);
    assertExit(run, 5);
    assert.match(run.stdout, new RegExp(`^Audit of .*, snapshot ${full}: 9 findings \\(5 high, 2 medium, 2 low\\)$`, "m"));
    assert.match(
      run.stderr,
      new RegExp(`^Snapshot ${partial} backed up only licenses; auditing snapshot ${full}, the newest with a complete backup of every kind the rules read\\.`, "m"),
    );
    assert.doesNotMatch(run.stderr, /not fully checked/);
  });

  test("partial snapshot says rules not checked", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    // Licenses within their totals, so no rule that ran finds anything.
    const licenses = (craftedObjects().licenses ?? []).filter((entry) => entry.name !== "Webex Calling - Professional");
    const partial = writeCraftedSnapshot(db, { licenses }, new Date("2026-01-16T08:00:00.000Z"));

    const run = await cli.run(["audit", String(partial), "--db", db, "--fail-on", "low"]);
    assertExit(run, 4);
    assert.match(
      run.stdout,
      /^Audit of .*, snapshot 2: 0 findings \(0 high, 0 medium, 0 low\); 9 of 10 rules not checked \(missing kinds: people, callingLocations, numbers, callQueues, huntGroups, autoAttendants\)$/m,
    );
    assert.match(run.stdout, /^No findings from the rules that ran, but 9 of 10 rules were not checked, so problems may be missing\./m);
    assert.doesNotMatch(run.stdout, /every rule that ran found nothing/);
    assert.match(run.stderr, /^wxadmin: audit of snapshot 2 is incomplete: 9 rules at or above severity low were not checked \(calling-user-without-number, .*\); exit code 4 because of --fail-on low\./m);

    const json = await cli.run(["audit", String(partial), "--db", db, "--json"]);
    assertExit(json, 0);
    const audit = JSON.parse(json.stdout);
    assert.equal(audit.skippedRules.length, 9);
    assert.deepEqual(audit.skippedRules.find((rule: { rule: string }) => rule.rule === "number-unassigned").missingKinds, ["numbers"]);
    assert.deepEqual(audit.rulesRun, ["license-over-consumed"]);
  });

  test("no full snapshot audits the newest", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db, { licenses: craftedObjects().licenses ?? [] });
    const run = await cli.run(["audit", "--db", db]);
    assertExit(run, 0);
    assert.match(run.stdout, /; 9 of 10 rules not checked \(missing kinds: /);
    assert.match(run.stderr, /has a complete backup of every kind the rules read \(licenses, people, callingLocations, numbers, callQueues, huntGroups, autoAttendants\); auditing the newest, snapshot 1, so some rules are not checked\./);
  });

  test("rejects a snapshot of another org", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const otherOrg = webexId("ORGANIZATION", "0f0f0f0f-0000-4000-8000-000000000002");
    const run = await cli.run(["audit", "1", "--db", db, "--org", otherOrg]);
    assertExit(run, 2);
    assert.equal(
      run.stderr,
      `wxadmin: error: Snapshot 1 belongs to org ${CRAFTED_ORG_NAME} (${ORG_ID}), not to --org ${otherOrg}; remove --org, or give a snapshot of that org ("wxadmin snapshots list --org ${otherOrg} --db ${db}" lists them).\n`,
    );
    assert.equal(run.stdout, "");

    const sameOrg = await cli.run(["audit", "1", "--db", db, "--org", ORG_ID, "--quiet"]);
    assertExit(sameOrg, 0);
  });

  test("several orgs need --org or an id", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const handle = SnapshotDb.open(db);
    try {
      const other = handle.createSnapshot({ id: webexId("ORGANIZATION", "0f0f0f0f-0000-4000-8000-000000000002"), displayName: "Other Org" }, { kinds: ["licenses"] });
      handle.markKindComplete(other.id, "licenses");
      handle.finishSnapshot(other.id, "complete");
    } finally {
      handle.close();
    }
    const run = await cli.run(["audit", "--db", db]);
    assertExit(run, 2);
    assert.match(run.stderr, /contains snapshots of 2 orgs; pick one with --org ORG_ID, or give a snapshot id\. The orgs are Example Customer Inc\. \(.*\), Other Org \(.*\)\.$/m);
  });

  test("--fail-on exits 5 after printing", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const run = await cli.run(["audit", "--db", db, "--fail-on", "medium"]);
    assertExit(run, 5);
    assert.match(run.stdout, /^Audit of .*: 9 findings \(5 high, 2 medium, 2 low\)$/m);
    assert.equal(run.stdout.split("\n").filter((line) => /^(high|medium|low) /.test(line)).length, 9);
    assert.match(run.stderr, /^wxadmin: audit of snapshot 1 has 7 findings at or above severity medium \(5 high, 2 medium\); exit code 5 because of --fail-on medium\.$/m);
  });

  test("--fail-on keeps JSON output", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const run = await cli.run(["audit", "1", "--db", db, "--json", "--fail-on", "high"]);
    assertExit(run, 5);
    assert.deepEqual(JSON.parse(run.stdout).counts, CRAFTED_EXPECTED.counts);
    assert.match(run.stderr, /has 5 findings at or above severity high \(5 high\)/);
  });

  test("--fail-on counts only that severity and higher", async () => {
    const db = freshDbPath();
    // Only numbers: the two unassigned numbers are low findings, and no rule finds more. The
    // high and medium rules that need other kinds were not checked, which makes exit code 4.
    writeCraftedSnapshot(db, { numbers: craftedObjects().numbers ?? [] });
    for (const severity of ["high", "medium"]) {
      const run = await cli.run(["audit", "--db", db, "--quiet", "--fail-on", severity]);
      assertExit(run, 4);
      assert.match(run.stdout, /: 2 findings \(0 high, 0 medium, 2 low\); 9 of 10 rules not checked \(missing kinds: /m, severity);
      assert.match(run.stderr, new RegExp(`is incomplete: \\d+ rules at or above severity ${severity} were not checked`), severity);
    }
    const low = await cli.run(["audit", "--db", db, "--quiet", "--fail-on", "low"]);
    assertExit(low, 5);
    assert.match(low.stderr, /has 2 findings at or above severity low \(2 low\)/);
  });

  test("--fail-on rejects an unknown severity", async () => {
    const db = freshDbPath();
    writeCraftedSnapshot(db);
    const run = await cli.run(["audit", "--db", db, "--fail-on", "critical"]);
    assertExit(run, 2);
    assert.match(run.stderr, /argument 'critical' is invalid\. Allowed choices are high, medium, low/);
  });
});

describe("backup command against the emulator", () => {
  let emulator: Emulator;
  let dbPath: string;
  let online: CliRecorder;

  before(async () => {
    emulator = await startEmulator({ port: 0, host: "127.0.0.1", people: 150, randomSeed: 11 });
    dbPath = freshDbPath();
    online = new CliRecorder({ WEBEX_BASE_URL: emulator.url, WEBEX_ACCESS_TOKEN: emulator.tokens.customerAdmin, WXADMIN_DB: dbPath, HOME: dir });
  });

  after(async () => {
    await emulator?.stop();
  });

  /** Turns diff JSON into sorted lines `kind id change fields`, the shape of the emulator's change list. */
  function linesOfDiff(diff: any): string[] {
    const lines: string[] = [];
    for (const [kind, entry] of Object.entries<any>(diff.byKind)) {
      for (const object of entry.added) lines.push(`${kind} ${object.id} added`);
      for (const object of entry.removed) lines.push(`${kind} ${object.id} removed`);
      for (const object of entry.changed) {
        const paths = object.fields.map((field: { path: string }) => field.path).sort();
        lines.push(`${kind} ${object.id} changed ${paths.join(",")}`);
      }
    }
    return lines.sort();
  }

  /** Merges the change records of each object (two changes of one license are one change of their fields) into diff lines. */
  function linesOfChanges(changes: DataChange[]): string[] {
    const merged = new Map<string, { change: DataChange["change"]; fields: Set<string> }>();
    for (const change of changes) {
      const key = `${change.kind} ${change.id}`;
      const earlier = merged.get(key);
      if (earlier === undefined) {
        merged.set(key, { change: change.change, fields: new Set(change.fields ?? []) });
      } else if (earlier.change === "changed" && change.change === "changed") {
        for (const field of change.fields ?? []) earlier.fields.add(field);
      } else {
        assert.fail(`${key} is ${earlier.change} and then ${change.change}; the test expects one of them`);
      }
    }
    return [...merged]
      .map(([key, entry]) => `${key} ${entry.change}${entry.change === "changed" ? ` ${[...entry.fields].sort().join(",")}` : ""}`)
      .sort();
  }

  function readLicenseId(snapshotId: number, name: string): string {
    const db = SnapshotDb.open(dbPath, { readonly: true });
    try {
      const found = [...db.iterateObjects(snapshotId, "licenses")].find((row) => row.value.name === name);
      assert.ok(found, `license ${name} in snapshot ${snapshotId}`);
      return found.id;
    } finally {
      db.close();
    }
  }

  test("backup then diff shows exactly the changes", async () => {
    const first = await online.run(["backup", "--progress", "lines"]);
    assertExit(first, 0);
    assert.match(first.stdout, /^\s+1\s+Example Customer Inc\.\s+complete\s+/m);
    assert.match(first.stderr, /^backup: snapshot 1 Example Customer Inc\. people: complete\s+2 pages, 150 items, 0 rate-limit waits$/m);

    const changes = emulator.mutate({ changes: 8 });
    assert.ok(changes.length >= 8, JSON.stringify(changes));
    const licenseId = readLicenseId(1, "Webex Calling - Professional");
    changes.push(...emulator.data.setLicense(licenseId, { totalUnits: 1 }));

    assertExit(await online.run(["backup", "--progress", "off"]), 0);
    const diff = parseJson(await online.run(["diff", "--json"]));
    assert.equal(diff.from.id, 1);
    assert.equal(diff.to.id, 2);
    assert.deepEqual(linesOfDiff(diff), linesOfChanges(changes));
  });

  test("audit finds the seeded problems", async () => {
    const audit = parseJson(await online.run(["audit", "--json"]));
    assert.equal(audit.snapshot.id, 2);
    assert.deepEqual(audit.skippedRules, []);
    const rules = new Set(audit.findings.map((finding: { rule: string }) => finding.rule));
    for (const rule of [
      "license-over-consumed",
      "calling-user-without-number",
      "location-without-main-number",
      "duplicate-extension",
      "call-queue-without-agents",
      "person-without-license",
      "hunt-group-disabled",
      "number-unassigned",
    ]) {
      assert.ok(rules.has(rule), `${rule} in ${[...rules].join(", ")}`);
    }
  });

  test("backup exits 4 when a kind fails", async () => {
    emulator.inject({ path: "/telephony/config/numbers", status: 403 });
    const run = await online.run(["backup", "--progress", "off"]);
    assertExit(run, 4);
    assert.doesNotMatch(run.stderr, /\.\./, "doubled full stop");
    assert.match(run.stdout, /^\s+3\s+Example Customer Inc\.\s+incomplete\s+/m);
    assert.match(run.stdout, /^ {2}snapshot 3 numbers: failed: .*403/m);
    assert.match(run.stderr, /Snapshot 3 is incomplete; the failed kinds are listed above\. .*continue with: wxadmin backup --resume 3$/m);

    const audit = await online.run(["audit", "3"]);
    assertExit(audit, 0);
    assert.match(audit.stderr, /Rule number-unassigned was not fully checked/);

    const resumed = await online.run(["backup", "--resume", "3", "--progress", "lines"]);
    assertExit(resumed, 0);
    assert.match(resumed.stderr, /^backup: snapshot 3 Example Customer Inc\. people: complete {4}2 pages, \d+ items, 0 rate-limit waits \(stored before the resume\)$/m);
    const list = parseJson(await online.run(["snapshots", "list", "--json"]));
    assert.equal(list.find((snapshot: { id: number }) => snapshot.id === 3)?.status, "complete");
    assert.deepEqual(linesOfDiff(parseJson(await online.run(["diff", "2", "3", "--json"]))), []);
  });

  test("interrupted backup resumes to the same objects", async () => {
    // The second page of people hangs for 30 s, so the backup is still running when the signal
    // comes. The signal cancels that request, so the CLI exits without waiting for it.
    emulator.inject({ path: "/people", skip: 1, delayMs: 30_000 });
    const running = online.start(["backup", "--progress", "lines", "--concurrency", "2"]);
    await running.waitForOutput(/callQueueAgents: complete/, "stderr", 30_000);
    const signalledAt = performance.now();
    const stopped = await running.stop("SIGINT");
    const exitMs = performance.now() - signalledAt;
    emulator.clearFaults();
    assertExit(stopped, 4);
    assert.ok(exitMs < 5_000, `the CLI took ${Math.round(exitMs)} ms to exit after SIGINT`);
    assert.match(stopped.stderr, /Backup stopped by SIGINT; snapshot 4 kept as incomplete\. Continue with: wxadmin backup --resume 4$/m);
    assert.match(stopped.stderr, /is incomplete: interrupted before people finished; resume the backup of snapshot 4 to continue\.$/m);
    assert.doesNotMatch(stopped.stderr, /\.\./, "doubled full stop");
    assert.match(stopped.stdout, /^\s+4\s+Example Customer Inc\.\s+incomplete\s/m);
    assert.match(stopped.stdout, /^ {2}snapshot 4 people: stopped$/m);

    const shown = parseJson(await online.run(["snapshots", "show", "4", "--json"]));
    assert.equal(shown.status, "incomplete");
    assert.equal(shown.kinds.find((kind: { kind: string }) => kind.kind === "people")?.pages, 1);

    assertExit(await online.run(["backup", "--resume", "4", "--progress", "off"]), 0);
    assert.deepEqual(linesOfDiff(parseJson(await online.run(["diff", "3", "4", "--json"]))), []);
  });

  test("live progress redraws in place", async () => {
    const run = await online.run(["backup", "--progress", "live"]);
    assertExit(run, 0);
    assert.match(run.stderr, /\u001b\[\d+F\u001b\[0J/);
    assert.match(run.stderr, /Snapshot 5: Example Customer Inc\.\n {2}people\s+complete\s+2 pages, 14\d items, 0 rate-limit waits/);
    assert.match(run.stderr, /9 of 9 lists done in 1 snapshot, 0 rate-limit waits\nBacked up 1 org in /);
  });

  test("backs up every org of a partner", async () => {
    const partnerDb = freshDbPath();
    const run = await online.run(["backup", "--all-orgs", "--progress", "off", "--json"], {
      env: { WEBEX_ACCESS_TOKEN: emulator.tokens.partnerAdmin, WXADMIN_DB: partnerDb },
    });
    const result = parseJson(run);
    const names = result.snapshots.map((entry: { snapshot: { orgName: string } }) => entry.snapshot.orgName);
    assert.deepEqual(names, [emulator.orgs.partner.displayName, ...emulator.orgs.customers.map((org) => org.displayName)]);
    assert.equal(result.complete, true);
  });

  test("rejects --all-orgs with --org", async () => {
    const run = await online.run(["backup", "--all-orgs", "--org", emulator.orgs.customer.id]);
    assertExit(run, 2);
    assert.match(run.stderr, /Give either --all-orgs or --org, not both/);
  });
});

describe("backup claims and resume", () => {
  let emulator: Emulator;
  let dbPath: string;
  let online: CliRecorder;

  before(async () => {
    emulator = await startEmulator({ port: 0, host: "127.0.0.1", people: 150, randomSeed: 12 });
    dbPath = freshDbPath();
    online = new CliRecorder({ WEBEX_BASE_URL: emulator.url, WEBEX_ACCESS_TOKEN: emulator.tokens.customerAdmin, WXADMIN_DB: dbPath, HOME: dir });
  });

  after(async () => {
    await emulator?.stop();
  });

  function readStatus(snapshotId: number, table: string): string | undefined {
    const row = table.split("\n").find((line) => new RegExp(`^\\s+${snapshotId}\\s`).test(line));
    return row?.trim().split(/\s{2,}/)[5];
  }

  test("bad --kinds creates no database", async () => {
    const fresh = freshDbPath();
    const run = await online.run(["backup", "--kinds", "bogus", "--db", fresh]);
    assertExit(run, 2);
    assert.match(run.stderr, /^wxadmin: error: Unknown backup kind "bogus"; the kinds are people, .*\.\n$/);
    assert.equal(run.stdout, "");
    assert.equal(existsSync(fresh), false);
  });

  test("empty --kinds creates no database", async () => {
    const fresh = freshDbPath();
    const run = await online.run(["backup", "--kinds", "", "--db", fresh]);
    assertExit(run, 2);
    assert.match(run.stderr, /^wxadmin: error: The list of kinds to back up is empty; give at least one of people, .*\.\n$/);
    assert.equal(existsSync(fresh), false);
  });

  test("--resume needs an existing database", async () => {
    const fresh = freshDbPath();
    const run = await online.run(["backup", "--resume", "1", "--db", fresh]);
    assertExit(run, 2);
    assert.match(run.stderr, /No snapshot database at /);
    assert.equal(existsSync(fresh), false);
  });

  test("--resume of a complete snapshot", async () => {
    const first = await online.run(["backup", "--progress", "off", "--json"]);
    assert.equal(parseJson(first).snapshots[0].snapshot.id, 1);

    const logStart = emulator.requestLog.length;
    const run = await online.run(["backup", "--resume", "1"]);
    assertExit(run, 0);
    assert.equal(run.stderr, "Snapshot 1 is already complete; nothing to resume.\n");
    assert.equal(run.stdout, "");
    assert.equal(emulator.requestLog.length, logStart, "requests were sent");

    const json = parseJson(await online.run(["backup", "--resume", "1", "--json"]));
    assert.equal(json.complete, true);
    assert.deepEqual(json.snapshots.map((entry: { snapshot: { id: number } }) => entry.snapshot.id), [1]);
  });

  test("claim blocks resume until kill -9", async () => {
    // The second page of people hangs, so the backup is still writing snapshot 2 while the
    // other commands run.
    emulator.inject({ path: "/people", skip: 1, delayMs: 30_000 });
    const running = online.start(["backup", "--progress", "lines", "--concurrency", "2"]);
    let killed: CliRun;
    try {
      await running.waitForOutput(/callQueueAgents: complete/, "stderr", 30_000);
      assert.match(running.stderr, /^backup: snapshot 2 /m);

      const resume = await online.run(["backup", "--resume", "2"]);
      assertExit(resume, 2);
      assert.match(
        resume.stderr,
        new RegExp(
          `^wxadmin: error: Snapshot 2 is being written by another backup: process ${running.pid} on host \\S+ since \\S+\\. ` +
            `Wait for that backup to finish, or stop it \\(Ctrl\\+C in its terminal, or kill ${running.pid}\\); then run: wxadmin backup --resume 2\\n$`,
        ),
      );

      const deletion = await online.run(["snapshots", "delete", "1", "2"]);
      assertExit(deletion, 2);
      assert.match(deletion.stderr, new RegExp(`Snapshot 2 is being written by process ${running.pid} on host .* Nothing was deleted\\.\\n$`));
      const listed = await online.run(["snapshots", "list"]);
      assert.equal(readStatus(1, listed.stdout), "complete");
      assert.equal(readStatus(2, listed.stdout), "running");
      const shown = await online.run(["snapshots", "show", "2"]);
      assert.match(shown.stdout, new RegExp(`^Backup:\\s+process ${running.pid} on host \\S+ since `, "m"));

      process.kill(running.pid, "SIGKILL");
      killed = await running.ended();
    } finally {
      emulator.clearFaults();
      await running.stop("SIGKILL");
    }
    assert.equal(killed.code, null, "the backup was not ended by SIGKILL");

    const afterKill = await online.run(["snapshots", "list"]);
    assert.equal(readStatus(2, afterKill.stdout), "incomplete");
    const killedRow = afterKill.stdout.split("\n").find((line) => /^\s+2\s/.test(line));
    assert.doesNotMatch(killedRow ?? "", /\s0$/, "the killed snapshot's objects were not counted");
    const stored = parseJson(await online.run(["snapshots", "show", "2", "--json"]));
    assert.equal(stored.status, "running");
    assert.equal(stored.effectiveStatus, "incomplete");
    assert.ok(stored.counts.people > 0);
    const shownAfterKill = await online.run(["snapshots", "show", "2"]);
    assert.match(shownAfterKill.stdout, /^\s+people\s+stopped\s/m);
    assert.doesNotMatch(shownAfterKill.stdout, /running/);

    const resumed = await online.run(["backup", "--resume", "2", "--progress", "off"]);
    assertExit(resumed, 0);
    assert.match(resumed.stdout, /^\s+2\s+Example Customer Inc\.\s+complete\s+/m);
    const diff = parseJson(await online.run(["diff", "1", "2", "--json"]));
    for (const [kind, entry] of Object.entries<any>(diff.byKind)) {
      assert.equal(entry.added.length + entry.removed.length + entry.changed.length, 0, kind);
    }
  });
});
