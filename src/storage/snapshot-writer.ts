/**
 * The writes of a running backup, applied in the order they are made. `openSnapshotWriter`
 * runs them on a worker thread with its own connection to the database file, so SQLite's work
 * (inserts, commits, WAL checkpoints) does not hold up the thread that reads pages from Webex.
 * An in-memory database cannot be shared with a thread, so its writes run on the calling thread.
 */
import { Worker } from "node:worker_threads";
import type { JsonPageInput, SnapshotDb } from "./snapshot-db.js";
import type { WriterReply, WriterRequest, WriterRequestBody } from "./snapshot-writer-protocol.js";

/** Writes of one backup. Each promise settles once its write is committed, or rejects with its error. */
export interface SnapshotWriter {
  storePage(snapshotId: number, kind: string, page: JsonPageInput): Promise<void>;
  markKindRunning(snapshotId: number, kind: string): Promise<void>;
  markKindFailed(snapshotId: number, kind: string, error: string): Promise<void>;
  updateKindProgress(snapshotId: number, kind: string, progress: { rateLimitWaits?: number }): Promise<void>;
  /** Waits for every write made so far, then releases the thread or connection. */
  close(): Promise<void>;
}

/** Options of `openSnapshotWriter`. */
export interface SnapshotWriterOptions {
  /** Write on a worker thread. Default true; an in-memory database is always written on the calling thread. */
  useWorker?: boolean;
}

/** Opens a writer for `db`: on a worker thread for a file, on the calling thread otherwise. */
export function openSnapshotWriter(db: SnapshotDb, options: SnapshotWriterOptions = {}): SnapshotWriter {
  if ((options.useWorker ?? true) && db.path !== ":memory:") {
    return new WorkerSnapshotWriter(db.path);
  }
  return new InlineSnapshotWriter(db);
}

/** Writes through the caller's own connection, one call at a time. */
class InlineSnapshotWriter implements SnapshotWriter {
  readonly #db: SnapshotDb;

  constructor(db: SnapshotDb) {
    this.#db = db;
  }

  storePage(snapshotId: number, kind: string, page: JsonPageInput): Promise<void> {
    return run(() => this.#db.storePageJson(snapshotId, kind, page));
  }

  markKindRunning(snapshotId: number, kind: string): Promise<void> {
    return run(() => this.#db.markKindRunning(snapshotId, kind));
  }

  markKindFailed(snapshotId: number, kind: string, error: string): Promise<void> {
    return run(() => this.#db.markKindFailed(snapshotId, kind, error));
  }

  updateKindProgress(snapshotId: number, kind: string, progress: { rateLimitWaits?: number }): Promise<void> {
    return run(() => this.#db.updateKindProgress(snapshotId, kind, progress));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function run(write: () => void): Promise<void> {
  try {
    write();
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Sends each write to a worker thread that owns a second connection to the same file. */
class WorkerSnapshotWriter implements SnapshotWriter {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  #nextId = 1;
  /** Set once the worker has stopped; later writes reject with it. */
  #stopped: Error | undefined;
  readonly #exited: Promise<void>;

  constructor(path: string) {
    // The worker holds only the pages waiting to be written, so a small heap suffices and
    // keeps garbage from raising the process's peak memory.
    this.#worker = new Worker(new URL("./snapshot-writer-worker.js", import.meta.url), {
      workerData: { path },
      resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 },
    });
    this.#worker.on("message", (reply: WriterReply) => this.#settle(reply));
    this.#worker.on("error", (error) => this.#stop(new Error(`The snapshot writer thread failed: ${error.message}`, { cause: error })));
    this.#exited = new Promise((resolve) => {
      this.#worker.once("exit", (code) => {
        this.#stop(new Error(`The snapshot writer thread stopped (exit code ${code}) before it finished its writes.`));
        resolve();
      });
    });
  }

  storePage(snapshotId: number, kind: string, page: JsonPageInput): Promise<void> {
    return this.#send({ op: "storePage", snapshotId, kind, page });
  }

  markKindRunning(snapshotId: number, kind: string): Promise<void> {
    return this.#send({ op: "markKindRunning", snapshotId, kind });
  }

  markKindFailed(snapshotId: number, kind: string, error: string): Promise<void> {
    return this.#send({ op: "markKindFailed", snapshotId, kind, error });
  }

  updateKindProgress(snapshotId: number, kind: string, progress: { rateLimitWaits?: number }): Promise<void> {
    return this.#send({ op: "updateKindProgress", snapshotId, kind, rateLimitWaits: progress.rateLimitWaits });
  }

  async close(): Promise<void> {
    if (this.#stopped === undefined) {
      // The worker handles messages in order, so it replies to "close" after every earlier write.
      await this.#send({ op: "close" }).catch(() => undefined);
    }
    await this.#exited;
  }

  #send(request: WriterRequestBody): Promise<void> {
    if (this.#stopped !== undefined) {
      return Promise.reject(this.#stopped);
    }
    const id = this.#nextId;
    this.#nextId += 1;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id } as WriterRequest);
    });
  }

  #settle(reply: WriterReply): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) {
      return;
    }
    this.#pending.delete(reply.id);
    if (reply.error === undefined) {
      pending.resolve();
    } else {
      pending.reject(new Error(reply.error));
    }
  }

  #stop(error: Error): void {
    this.#stopped ??= error;
    for (const pending of this.#pending.values()) {
      pending.reject(this.#stopped);
    }
    this.#pending.clear();
  }
}
