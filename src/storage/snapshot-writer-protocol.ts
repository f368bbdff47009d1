/** Messages between `WorkerSnapshotWriter` and its worker thread. */
import type { JsonPageInput } from "./snapshot-db.js";

/** A write for the worker; `id` pairs it with its reply. */
export type WriterRequest =
  | {
      id: number;
      op: "storePage";
      snapshotId: number;
      kind: string;
      page: JsonPageInput;
    }
  | { id: number; op: "markKindRunning"; snapshotId: number; kind: string }
  | { id: number; op: "markKindFailed"; snapshotId: number; kind: string; error: string }
  | { id: number; op: "updateKindProgress"; snapshotId: number; kind: string; rateLimitWaits: number | undefined }
  | { id: number; op: "close" };

/** Removes `id` from each member of a union, keeping the union. */
type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

/** A request without its `id`, which the writer assigns. */
export type WriterRequestBody = WithoutId<WriterRequest>;

/** The outcome of one request: no `error` when it was committed. */
export interface WriterReply {
  id: number;
  error?: string;
}
