import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { escapeFormula, exportSnapshot, exportSource, formatCsvRow, MANIFEST_FILE, type ExportManifest } from "../src/jobs/export.js";
import { SnapshotDb } from "../src/storage/snapshot-db.js";
import { InvalidInputError } from "../src/transport/errors.js";
import { parseCsv } from "./helpers/csv-parse.js";
import { location, memorySource, objectIdOf, ORG_ID, person } from "./helpers/snapshot-fixtures.js";

let folder: string;

before(async () => {
  folder = await mkdtemp(path.join(tmpdir(), "wxadmin-export-"));
});

after(async () => {
  await rm(folder, { recursive: true, force: true });
});

/**
 * People with values that need CSV quoting, nested fields, arrays, nulls, non-ASCII text, and
 * text that a spreadsheet could read as a formula, which the default export must keep as is.
 */
const awkwardPeople = [
  person("Alice Adams", {
    title: 'Head of "Ops", EMEA',
    department: "Line one\r\nline two\nline three",
    phoneNumbers: [{ type: "work", value: "+1 555 010 0101", primary: true }],
    licenses: ["lic-a", "lic-b"],
    manager: null,
    invitePending: "false",
    address: { city: "Zürich", geo: { lat: 47.37, lng: 8.54 } },
    settings: {},
  }),
  person("Björn Émile", { nickName: "😀 ,\"", extension: "1101", score: 0, isGuest: false }),
  person("Carol Chen", {
    licenses: [],
    title: '=HYPERLINK("https://example.com/","open")',
    department: "-Ops",
    nickName: "@carol",
    manager: "\tTeam lead",
    timezone: "\rUTC",
  }),
];

const numbers = [
  { phoneNumber: "+12175550100", mainNumber: true, location: { id: "loc-1", name: "Springfield, HQ" } },
  { phoneNumber: "", extension: "1102", location: { id: "loc-1", name: "Springfield, HQ" } },
];

function createDb(): { db: SnapshotDb; snapshotId: number } {
  const db = SnapshotDb.open(path.join(folder, `db-${Math.random().toString(36).slice(2)}.db`));
  const snapshot = db.createSnapshot({ id: ORG_ID, displayName: "Example Customer Inc." }, { kinds: ["people", "locations", "numbers"] });
  db.storePage(snapshot.id, "people", { objects: awkwardPeople.map((value) => ({ id: objectIdOf("people", value), value })), nextUrl: undefined });
  db.storePage(snapshot.id, "locations", { objects: [location("Springfield")].map((value) => ({ id: String(value.id), value })), nextUrl: undefined });
  db.storePage(snapshot.id, "numbers", { objects: numbers.map((value) => ({ id: objectIdOf("numbers", value), value })), nextUrl: undefined });
  db.finishSnapshot(snapshot.id);
  return { db, snapshotId: snapshot.id };
}

/** Returns the expected CSV cell of `dottedPath` in `value`, read without the exporter's flattening code. */
function expectedCell(value: Record<string, unknown>, dottedPath: string): string {
  let current: unknown = value;
  for (const key of dottedPath.split(".")) {
    if (current === null || typeof current !== "object" || !(key in current)) {
      return "";
    }
    current = (current as Record<string, unknown>)[key];
  }
  if (current === null || current === undefined) {
    return "";
  }
  return typeof current === "string" ? current : JSON.stringify(current);
}

describe("exportSnapshot json", () => {
  test("round-trips every object exactly", async () => {
    const { db, snapshotId } = createDb();
    const outDir = path.join(folder, "json");
    try {
      const result = await exportSnapshot(db, snapshotId, { format: "json", outDir });
      assert.deepEqual(
        result.files.map((file) => [file.kind, path.basename(file.path), file.count]),
        [
          ["people", "people.json", 3],
          ["locations", "locations.json", 1],
          ["numbers", "numbers.json", 2],
        ],
      );

      for (const kind of ["people", "locations", "numbers"]) {
        const parsed = JSON.parse(await readFile(path.join(outDir, `${kind}.json`), "utf8")) as unknown[];
        const storedValues = [...db.iterateObjects(snapshotId, kind)].map((row) => row.value);
        assert.deepEqual(parsed, storedValues, kind);
      }
    } finally {
      db.close();
    }
  });

  test("writes a manifest with the snapshot", async () => {
    const { db, snapshotId } = createDb();
    const outDir = path.join(folder, "manifest");
    try {
      await exportSnapshot(db, snapshotId, { format: "json", outDir });
      const manifest = JSON.parse(await readFile(path.join(outDir, MANIFEST_FILE), "utf8")) as ExportManifest;
      assert.equal((manifest.snapshot as { id: number }).id, snapshotId);
      assert.equal((manifest.snapshot as { orgId: string }).orgId, ORG_ID);
      assert.equal(manifest.format, "json");
      assert.deepEqual(manifest.files, [
        { kind: "people", file: "people.json", count: 3, complete: true },
        { kind: "locations", file: "locations.json", count: 1, complete: true },
        { kind: "numbers", file: "numbers.json", count: 2, complete: true },
      ]);
      assert.deepEqual((await readdir(outDir)).sort(), ["locations.json", "manifest.json", "numbers.json", "people.json"]);
    } finally {
      db.close();
    }
  });

  test("writes an empty kind as an empty array", async () => {
    const outDir = path.join(folder, "empty");
    await exportSource(memorySource({ callQueues: [] }), { id: 1 }, { format: "json", outDir });
    assert.deepEqual(JSON.parse(await readFile(path.join(outDir, "callQueues.json"), "utf8")), []);
  });

  test("keeps files private", async () => {
    const outDir = path.join(folder, "private");
    await exportSource(memorySource({ people: awkwardPeople }), { id: 1 }, { format: "json", outDir });
    assert.equal((await stat(path.join(outDir, "people.json"))).mode & 0o777, 0o600);
  });
});

describe("exportSnapshot csv", () => {
  test("re-parses to the stored values", async () => {
    const { db, snapshotId } = createDb();
    const outDir = path.join(folder, "csv");
    try {
      await exportSnapshot(db, snapshotId, { format: "csv", outDir });

      for (const kind of ["people", "numbers"]) {
        const text = await readFile(path.join(outDir, `${kind}.csv`), "utf8");
        const [headers, ...rows] = parseCsv(text);
        const storedValues = [...db.iterateObjects(snapshotId, kind)].map((row) => row.value);
        assert.ok(headers !== undefined);
        assert.equal(rows.length, storedValues.length, kind);
        for (const [index, row] of rows.entries()) {
          assert.equal(row.length, headers.length, `${kind} row ${index} width`);
          const value = storedValues[index] as Record<string, unknown>;
          assert.deepEqual(row, headers.map((header) => expectedCell(value, header)), `${kind} row ${index}`);
        }
      }
    } finally {
      db.close();
    }
  });

  test("flattens nested fields to dotted headers", async () => {
    const outDir = path.join(folder, "headers");
    await exportSource(memorySource({ people: awkwardPeople }), { id: 1 }, { format: "csv", outDir });
    const [headers] = parseCsv(await readFile(path.join(outDir, "people.csv"), "utf8"));
    assert.ok(headers?.includes("address.city"));
    assert.ok(headers?.includes("address.geo.lat"));
    assert.ok(headers?.includes("settings"));
    assert.equal(headers?.includes("address"), false);
    assert.equal(headers?.[0], "id");
  });

  test("uses CRLF and quotes only where needed", () => {
    assert.equal(formatCsvRow(["plain", "a,b", 'say "hi"', "two\nlines", ""]), 'plain,"a,b","say ""hi""","two\nlines",\r\n');
  });
});

describe("exportSnapshot csv excelSafe", () => {
  /** Values that start like a formula, and values that must stay as they are. */
  const risky = {
    id: "risky-1",
    formula: "=1+2",
    phone: "+12175550100",
    dash: "-Ops",
    at: "@SUM(A1)",
    tab: "\tx",
    carriageReturn: "\rx",
    nul: "\u0000x",
    plain: "Springfield",
    innerEquals: "a=b",
    negative: -5,
    list: ["=1+2"],
    nested: { formula: "=A1" },
    "=header": "value",
  };

  async function exportRisky(name: string, excelSafe: boolean | undefined): Promise<Map<string, string>> {
    const outDir = path.join(folder, name);
    await exportSource(memorySource({ people: [risky] }), { id: 1 }, { format: "csv", outDir, excelSafe });
    const [headers, row] = parseCsv(await readFile(path.join(outDir, "people.csv"), "utf8"));
    assert.ok(headers !== undefined);
    assert.ok(row !== undefined);
    return new Map(headers.map((header, index) => [header, row[index] ?? ""]));
  }

  test("quotes cells that start like a formula", async () => {
    const cells = await exportRisky("excel-safe", true);
    assert.equal(cells.get("formula"), "'=1+2");
    assert.equal(cells.get("phone"), "'+12175550100");
    assert.equal(cells.get("dash"), "'-Ops");
    assert.equal(cells.get("at"), "'@SUM(A1)");
    assert.equal(cells.get("tab"), "'\tx");
    assert.equal(cells.get("carriageReturn"), "'\rx");
    assert.equal(cells.get("nul"), "'\u0000x");
    assert.equal(cells.get("nested.formula"), "'=A1");
    assert.equal(cells.get("'=header"), "value");
  });

  test("leaves other cells as stored", async () => {
    const cells = await exportRisky("excel-safe-others", true);
    assert.equal(cells.get("id"), "risky-1");
    assert.equal(cells.get("plain"), "Springfield");
    assert.equal(cells.get("innerEquals"), "a=b");
    assert.equal(cells.get("negative"), "-5");
    assert.equal(cells.get("list"), '["=1+2"]');
  });

  test("default keeps every cell as stored", async () => {
    const cells = await exportRisky("not-excel-safe", undefined);
    assert.equal(cells.get("formula"), "=1+2");
    assert.equal(cells.get("phone"), "+12175550100");
    assert.equal(cells.get("tab"), "\tx");
    assert.equal(cells.get("=header"), "value");
  });

  test("records the choice in the manifest", async () => {
    for (const [name, format, excelSafe, recorded] of [
      ["manifest-safe", "csv", true, true],
      ["manifest-csv", "csv", undefined, false],
      ["manifest-json", "json", undefined, undefined],
    ] as const) {
      const outDir = path.join(folder, name);
      await exportSource(memorySource({ people: [risky] }), { id: 1 }, { format, outDir, excelSafe });
      const manifest = JSON.parse(await readFile(path.join(outDir, MANIFEST_FILE), "utf8")) as ExportManifest;
      assert.equal(manifest.excelSafe, recorded, name);
    }
  });

  test("escapeFormula quotes only formula starts", () => {
    const cases: Array<[string, string]> = [
      ["=A1", "'=A1"],
      ["+1", "'+1"],
      ["-1", "'-1"],
      ["@x", "'@x"],
      ["\tx", "'\tx"],
      ["\rx", "'\rx"],
      ["\u0000x", "'\u0000x"],
      ["", ""],
      [" =A1", " =A1"],
      ["'=A1", "'=A1"],
      ["A=1", "A=1"],
    ];
    for (const [cell, expected] of cases) {
      assert.equal(escapeFormula(cell), expected, JSON.stringify(cell));
    }
  });
});

describe("exportSource errors", () => {
  test("rejects excelSafe with JSON", async () => {
    await assert.rejects(exportSource(memorySource({ people: [] }), { id: 1 }, { format: "json", outDir: folder, excelSafe: true }), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /excelSafe option applies to CSV exports only, but the format is json/);
      return true;
    });
  });

  test("rejects an unknown kind", async () => {
    await assert.rejects(exportSource(memorySource({ people: [] }), { id: 1 }, { format: "json", outDir: folder, kinds: ["devices"] }), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /no kind devices; its kinds are people/);
      return true;
    });
  });

  test("rejects an unknown format", async () => {
    await assert.rejects(exportSource(memorySource({}), { id: 1 }, { format: "xml" as "json", outDir: folder }), /Invalid export format "xml"/);
  });

  test("names a folder it cannot create", async () => {
    const blocker = path.join(folder, "a-file");
    await writeFile(blocker, "x");
    await assert.rejects(exportSource(memorySource({ people: [] }), { id: 1 }, { format: "json", outDir: path.join(blocker, "out", "deeper") }), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /^Cannot create the export folder .*a-file\/out\/deeper: .*a-file is a file, not a folder\. Pass the path of a new or empty folder with --out\.$/);
      return true;
    });
  });

  test("rejects a file as the folder", async () => {
    const file = path.join(folder, "plain-file");
    await writeFile(file, "keep me");
    await assert.rejects(exportSource(memorySource({ people: [] }), { id: 1 }, { format: "json", outDir: file }), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /^The export folder .*plain-file is a file, not a folder\./);
      return true;
    });
    assert.equal(await readFile(file, "utf8"), "keep me");
  });

  test("rejects an unknown snapshot", async () => {
    const { db } = createDb();
    try {
      await assert.rejects(exportSnapshot(db, 999, { format: "json", outDir: folder }), /Snapshot 999 is not in/);
    } finally {
      db.close();
    }
  });
});

describe("exportSource folders", () => {
  test("creates missing parent folders", async () => {
    const outDir = path.join(folder, "new-parent", "child", "out");
    await exportSource(memorySource({ people: [] }), { id: 1 }, { format: "json", outDir });
    assert.deepEqual((await readdir(outDir)).sort(), ["manifest.json", "people.json"]);
  });

  test("writes into an empty folder", async () => {
    const outDir = path.join(folder, "empty-existing");
    await mkdir(outDir);
    await exportSource(memorySource({ people: [] }), { id: 1 }, { format: "json", outDir });
    assert.deepEqual((await readdir(outDir)).sort(), ["manifest.json", "people.json"]);
  });

  test("rejects a folder that is not empty", async () => {
    const outDir = path.join(folder, "not-empty");
    await mkdir(outDir);
    await writeFile(path.join(outDir, "people.json"), "not an export");
    await assert.rejects(exportSource(memorySource({ people: [] }), { id: 1 }, { format: "json", outDir }), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /^The export folder .*not-empty is not empty: it contains people\.json\. Pass --force to replace an earlier export there/);
      return true;
    });
    assert.equal(await readFile(path.join(outDir, "people.json"), "utf8"), "not an export");
  });

  test("overwrite deletes only files of the earlier export", async () => {
    const outDir = path.join(folder, "reused");
    await exportSource(memorySource({ people: awkwardPeople, locations: [location("Springfield")] }), { id: 1 }, { format: "json", outDir });
    await writeFile(path.join(outDir, "notes.txt"), "mine");
    await writeFile(path.join(outDir, "numbers.json"), "mine too");

    const result = await exportSource(memorySource({ locations: [location("Springfield")] }), { id: 2 }, { format: "csv", outDir, overwrite: true });
    assert.deepEqual((await readdir(outDir)).sort(), ["locations.csv", "manifest.json", "notes.txt", "numbers.json"]);
    assert.deepEqual(result.removedFiles.map((file) => path.basename(file)).sort(), ["locations.json", "people.json"]);
    assert.equal(await readFile(path.join(outDir, "notes.txt"), "utf8"), "mine");
    assert.equal(await readFile(path.join(outDir, "numbers.json"), "utf8"), "mine too");
    const manifest = JSON.parse(await readFile(path.join(outDir, MANIFEST_FILE), "utf8")) as ExportManifest;
    assert.deepEqual(manifest.files.map((file) => file.file), ["locations.csv"]);
  });

  test("overwrite replaces files of the same names", async () => {
    const outDir = path.join(folder, "same-names");
    await exportSource(memorySource({ people: awkwardPeople }), { id: 1 }, { format: "json", outDir });
    const result = await exportSource(memorySource({ people: [person("Dan Diaz")] }), { id: 2 }, { format: "json", outDir, overwrite: true });
    assert.deepEqual(result.removedFiles, []);
    const people = JSON.parse(await readFile(path.join(outDir, "people.json"), "utf8")) as Array<{ displayName: string }>;
    assert.deepEqual(people.map((entry) => entry.displayName), ["Dan Diaz"]);
  });

  test("overwrite keeps a folder without a manifest", async () => {
    const outDir = path.join(folder, "foreign-files");
    await mkdir(outDir);
    await writeFile(path.join(outDir, "readme.txt"), "mine");
    await exportSource(memorySource({ people: [] }), { id: 1 }, { format: "json", outDir, overwrite: true });
    assert.deepEqual((await readdir(outDir)).sort(), ["manifest.json", "people.json", "readme.txt"]);
  });

  test("overwrite rejects a manifest naming other paths", async () => {
    const parent = path.join(folder, "escape");
    const outDir = path.join(parent, "out");
    await mkdir(outDir, { recursive: true });
    await writeFile(path.join(parent, "victim.txt"), "keep me");
    await writeFile(path.join(outDir, MANIFEST_FILE), JSON.stringify({ files: [{ kind: "people", file: "../victim.txt", count: 1 }] }));

    await assert.rejects(exportSource(memorySource({ people: [] }), { id: 1 }, { format: "json", outDir, overwrite: true }), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /manifest\.json is not the manifest of a wxadmin export \(the file entry "\.\.\/victim\.txt" is not a plain file name\)/);
      return true;
    });
    assert.equal(await readFile(path.join(parent, "victim.txt"), "utf8"), "keep me");
    assert.deepEqual(await readdir(outDir), [MANIFEST_FILE]);
  });

  test("overwrite rejects a manifest that is not JSON", async () => {
    const outDir = path.join(folder, "broken-manifest");
    await mkdir(outDir);
    await writeFile(path.join(outDir, MANIFEST_FILE), "{ not json");
    await assert.rejects(exportSource(memorySource({ people: [] }), { id: 1 }, { format: "json", outDir, overwrite: true }), /is not the manifest of a wxadmin export \(invalid JSON: /);
    assert.equal(await readFile(path.join(outDir, MANIFEST_FILE), "utf8"), "{ not json");
  });

  test("marks files of unfinished kinds", async () => {
    const outDir = path.join(folder, "unfinished");
    const result = await exportSource(memorySource({ people: awkwardPeople, locations: [] }, ["people"]), { id: 1 }, { format: "json", outDir });
    assert.deepEqual(
      result.files.map((file) => [file.kind, file.complete]),
      [
        ["people", false],
        ["locations", true],
      ],
    );
    const manifest = JSON.parse(await readFile(path.join(outDir, MANIFEST_FILE), "utf8")) as ExportManifest;
    assert.deepEqual(manifest.files.map((file) => [file.file, file.complete]), [
      ["people.json", false],
      ["locations.json", true],
    ]);
    assert.equal(JSON.parse(await readFile(path.join(outDir, "people.json"), "utf8")).length, 3);
  });
});
