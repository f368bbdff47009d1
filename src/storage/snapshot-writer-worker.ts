/**
 * Worker thread of `WorkerSnapshotWriter`: opens its own connection to the snapshot database
 * and applies writes in the order they arrive, replying to each once it is committed. Writes
 * that queued up while the previous commit ran are committed together in one transaction
 * (group commit), and each page still commits together with its cursor. One commit of several
 * pages costs much less than one commit per page, because each commit rewrites every index
 * page its rows touched.
 */
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { SnapshotDb } from "./snapshot-db.js";
import type { WriterReply, WriterRequest } from "./snapshot-writer-protocol.js";

/** WAL size between checkpoints: 64 MiB instead of SQLite's 1000 pages, so a large backup waits for the disk less often. */
const WAL_AUTOCHECKPOINT_BYTES = 64 * 1024 * 1024;

const port = parentPort;
if (port === null) {
  throw new Error("snapshot-writer-worker.js runs only as a worker thread of the snapshot writer.");
}

const db = SnapshotDb.open((workerData as { path: string }).path, { walAutocheckpointBytes: WAL_AUTOCHECKPOINT_BYTES });

port.on("message", (first: WriterRequest) => {
  const batch = [first];
  for (let queued = receiveMessageOnPort(port); queued !== undefined; queued = receiveMessageOnPort(port)) {
    batch.push(queued.message as WriterRequest);
  }

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
});

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
