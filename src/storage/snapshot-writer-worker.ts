/**
 * Worker thread of `WorkerSnapshotWriter`: opens its own connection to the snapshot database
 * and applies writes in the order they arrive. Writes are queued and committed together in one
 * transaction (group commit), and each page still commits together with its cursor. Each write
 * gets its reply once its transaction is committed.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from "node:worker_threads";
import { SnapshotDb } from "./snapshot-db.js";
import type { WriterReply, WriterRequest } from "./snapshot-writer-protocol.js";

/** WAL size between checkpoints: 64 MiB instead of SQLite's 1000 pages, so a large backup waits for the disk less often. */
const WAL_AUTOCHECKPOINT_BYTES = 64 * 1024 * 1024;

if (parentPort === null) {
  throw new Error("snapshot-writer-worker.js runs only as a worker thread of the snapshot writer.");
}
const port: MessagePort = parentPort;

const db = SnapshotDb.open((workerData as { path: string }).path, { walAutocheckpointBytes: WAL_AUTOCHECKPOINT_BYTES });

/**
 * A commit waits until the queued pages hold this many characters of JSON (about 4,000
 * people), or until the oldest queued write has waited `GROUP_MAX_WAIT_MS`. Each commit
 * rewrites every index page its rows touched, and a backup's pages arrive about one at a time,
 * so committing each arrival at once gave about 300 rows per commit. A close, or a write that
 * is not a page, is committed at once with everything queued before it.
 */
const GROUP_MIN_CHARACTERS = 4_000_000;
const GROUP_MAX_WAIT_MS = 50;

const queue: WriterRequest[] = [];
let queuedCharacters = 0;
let commitTimer: NodeJS.Timeout | undefined;

port.on("message", (first: WriterRequest) => {
  enqueue(first);
  for (let next = receiveMessageOnPort(port); next !== undefined; next = receiveMessageOnPort(port)) {
    enqueue(next.message as WriterRequest);
  }

  const urgent = queue.some((request) => request.op !== "storePage");
  if (urgent || queuedCharacters >= GROUP_MIN_CHARACTERS) {
    commitQueue();
  } else {
    commitTimer ??= setTimeout(commitQueue, GROUP_MAX_WAIT_MS);
  }
});

function enqueue(request: WriterRequest): void {
  queue.push(request);
  if (request.op === "storePage") {
    for (const row of request.page.rows) {
      queuedCharacters += row.json.length;
    }
  }
}

function commitQueue(): void {
  clearTimeout(commitTimer);
  commitTimer = undefined;
  const batch = queue.splice(0);
  queuedCharacters = 0;

  const writes = batch.filter((request) => request.op !== "close");
  const replies = applyInOneTransaction(writes);
  for (const reply of replies) {
    port.postMessage(reply);
  }

  const close = batch.find((request) => request.op === "close");
  if (close !== undefined) {
    db.close();
    port.postMessage({ id: close.id } satisfies WriterReply);
    port.close();
  }
}

/**
 * Applies the writes in one transaction. A write that fails rolls back alone and gets its
 * error in its reply. When the commit itself fails, every write of the batch gets that error.
 */
function applyInOneTransaction(writes: WriterRequest[]): WriterReply[] {
  const replies: WriterReply[] = writes.map((request) => ({ id: request.id }));
  try {
    db.runInTransaction(() => {
      writes.forEach((request, index) => {
        try {
          apply(request);
        } catch (error) {
          (replies[index] as WriterReply).error = describeError(error);
        }
      });
    });
  } catch (error) {
    const message = `The transaction of ${writes.length} writes failed: ${describeError(error)}`;
    for (const reply of replies) {
      reply.error ??= message;
    }
  }
  return replies;
}

function apply(request: WriterRequest): void {
  switch (request.op) {
    case "storePage":
      db.storePageJson(request.snapshotId, request.kind, request.page);
      return;
    case "markKindRunning":
      db.markKindRunning(request.snapshotId, request.kind);
      return;
    case "markKindFailed":
      db.markKindFailed(request.snapshotId, request.kind, request.error);
      return;
    case "updateKindProgress":
      db.updateKindProgress(request.snapshotId, request.kind, { rateLimitWaits: request.rateLimitWaits });
      return;
    case "close":
      return;
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
