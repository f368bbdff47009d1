/**
 * The SQLite schema of the snapshot database and its version check. The version is stored in
 * `PRAGMA user_version`, where 0 means a new, empty database. A version above `SCHEMA_VERSION`
 * was written by a newer wxadmin, so it is rejected rather than changed. Version 1 files are
 * upgraded in place when opened for writing.
 */
import type Database from "better-sqlite3";
import { InvalidInputError } from "../transport/errors.js";

/** Version of the schema this code reads and writes. */
export const SCHEMA_VERSION = 2;

/**
 * Tables of version 1. `objects` keeps a rowid with a separate primary-key index because its
 * rows hold whole JSON objects, often above a kilobyte, and SQLite recommends WITHOUT ROWID only
 * for small rows. The rowid of `snapshot_kinds` keeps the order in which kinds were added.
 * `objects` has no foreign key because checking it on every insert cost 10 to 40% of the
 * insert time in a test of 100,000 rows, so `SnapshotDb.deleteSnapshot` deletes the objects itself.
 */
const SCHEMA_V1 = `
CREATE TABLE snapshots (
  id INTEGER PRIMARY KEY,
  org_id TEXT NOT NULL,
  org_name TEXT NOT NULL DEFAULT '',
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'incomplete')),
  counts TEXT NOT NULL DEFAULT '{}',
  error TEXT,
  tool_version TEXT NOT NULL
);
CREATE INDEX snapshots_by_org ON snapshots (org_id, id);

CREATE TABLE snapshot_kinds (
  snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'complete', 'failed')),
  pages INTEGER NOT NULL DEFAULT 0,
  items INTEGER NOT NULL DEFAULT 0,
  rate_limit_waits INTEGER NOT NULL DEFAULT 0,
  next_url TEXT,
  error TEXT,
  PRIMARY KEY (snapshot_id, kind)
);

CREATE TABLE objects (
  snapshot_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  object_id TEXT NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (snapshot_id, kind, object_id)
);
`;

/**
 * Version 2 adds the claim of the process that writes a snapshot, so that two backups cannot
 * write one snapshot at the same time. A snapshot has at most one claim (see `snapshot-claims.ts`).
 * It also keeps the highest snapshot id ever given out. SQLite gives a new row the highest id
 * plus one, so without it, deleting the newest snapshot would hand its id to the next backup,
 * and a script that names snapshots by id would read the wrong one.
 */
const SCHEMA_V2_CHANGES = `
CREATE TABLE snapshot_id_high_water (id INTEGER NOT NULL);
INSERT INTO snapshot_id_high_water (id) SELECT coalesce(max(id), 0) FROM snapshots;
CREATE TRIGGER snapshots_record_high_water AFTER INSERT ON snapshots
BEGIN
  UPDATE snapshot_id_high_water SET id = max(id, NEW.id);
END;

CREATE TABLE snapshot_writers (
  snapshot_id INTEGER PRIMARY KEY REFERENCES snapshots (id) ON DELETE CASCADE,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  process_token TEXT NOT NULL,
  claimed_at TEXT NOT NULL,
  renewed_at TEXT NOT NULL
);
`;

/**
 * Creates the tables in a new database, upgrades a version 1 database, or checks the version
 * of a current one. The work runs in one `BEGIN IMMEDIATE` transaction that reads the version
 * again. When several processes open the same new file at once, one of them creates the
 * tables, and the others wait for it up to the connection's busy timeout and then find them.
 *
 * @throws InvalidInputError when the file was written by a newer schema version, or contains
 *   tables but no schema version (not a wxadmin snapshot database)
 */
export function migrate(db: Database.Database, path: string): void {
  if (readVersion(db, path) === SCHEMA_VERSION) {
    return;
  }

  db.transaction(() => {
    const version = readVersion(db, path);
    if (version === SCHEMA_VERSION) {
      return;
    }
    if (version === 0) {
      rejectForeignTables(db, path);
      db.exec(SCHEMA_V1);
    }
    db.exec(SCHEMA_V2_CHANGES);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/**
 * Checks that a database opened read-only has a schema this code reads, without changing it.
 * Returns the version, which is older than `SCHEMA_VERSION` for a file no backup of this
 * wxadmin has written to yet.
 *
 * @throws InvalidInputError when the file has no schema version or a newer one
 */
export function checkReadableVersion(db: Database.Database, path: string): number {
  const version = readVersion(db, path);
  if (version === 0) {
    throw new InvalidInputError(`The file ${path} is not a wxadmin snapshot database (it has no schema version); run a backup first or pass another file with --db.`);
  }
  return version;
}

/**
 * Checks, without writing, that a file opened for writing is new, empty, or a snapshot database
 * of this or an older schema version, so that `migrate` and the pragmas that switch the journal
 * mode may change it.
 *
 * @throws InvalidInputError when the file has a newer schema version, or tables but no schema
 *   version (an SQLite database of another program)
 */
export function checkWritableFile(db: Database.Database, path: string): void {
  // One read transaction, so that the version and the tables come from the same state of the
  // file while another process creates the schema of a new file. A deferred transaction that
  // only reads writes nothing to the file.
  db.transaction(() => {
    if (readVersion(db, path) === 0) {
      rejectForeignTables(db, path);
    }
  }).deferred();
}

/** @throws InvalidInputError when the version is newer than `SCHEMA_VERSION` */
function readVersion(db: Database.Database, path: string): number {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new InvalidInputError(
      `The snapshot database ${path} has schema version ${version}, but this wxadmin reads version ${SCHEMA_VERSION} and older. Upgrade wxadmin, or pass another file with --db.`,
    );
  }
  return version;
}

function rejectForeignTables(db: Database.Database, path: string): void {
  const tables = db.prepare("SELECT count(*) AS count FROM sqlite_schema WHERE type = 'table'").get() as { count: number };
  if (tables.count > 0) {
    throw new InvalidInputError(
      `The file ${path} is an SQLite database without a wxadmin schema version (it already has ${tables.count} table${tables.count === 1 ? "" : "s"}). Pass another file with --db.`,
    );
  }
}
