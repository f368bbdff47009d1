/**
 * A child process for the snapshot database tests, started with `child_process.fork`. It talks
 * to the parent over IPC.
 *
 * Modes (first argument, the database path second):
 * - `open`: sends `ready`, waits for `go`, opens the database (creating it when missing),
 *   closes it and sends `opened` or `failed: MESSAGE`.
 * - `hold SNAPSHOT_ID`: opens the database, claims the snapshot, sends `holding` and keeps the
 *   claim until it is killed.
 */
import { SnapshotDb } from "../../src/storage/snapshot-db.js";

const [mode, dbPath, snapshotId] = process.argv.slice(2);
// `node --test dist/test/` also runs the files under test/helpers; without IPC there is nothing to do.
if (process.send === undefined) {
  process.exit(0);
}
if (!mode || !dbPath) {
  throw new Error("usage: snapshot-db-child MODE DB_PATH [SNAPSHOT_ID]");
}

function send(message: string): void {
  process.send?.(message);
}

function openOnGo(path: string): void {
  process.once("message", (message) => {
    if (message !== "go") {
      return;
    }
    try {
      SnapshotDb.open(path).close();
      send("opened");
    } catch (error) {
      send(`failed: ${(error as Error).message}`);
    }
    process.disconnect();
  });
  send("ready");
}

function hold(path: string, id: number): void {
  const db = SnapshotDb.open(path);
  db.claimSnapshots([id]);
  send("holding");
  // Keeps the process alive until the parent kills it.
  setInterval(() => undefined, 60_000);
}

if (mode === "open") {
  openOnGo(dbPath);
} else if (mode === "hold") {
  hold(dbPath, Number(snapshotId));
} else {
  throw new Error(`Unknown mode ${mode}; expected open or hold.`);
}
