/**
 * Fixtures for backup tests: temporary snapshot databases, snapshot contents as plain objects,
 * the same contents read straight from the API through the SDK resources, and a recorder of
 * progress events.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BackupProgressEvent } from "../../src/jobs/backup.js";
import { SnapshotDb } from "../../src/storage/snapshot-db.js";
import { NotFoundError } from "../../src/transport/errors.js";
import type { SleepFunction } from "../../src/transport/rate-limit.js";
import type { Org } from "../../src/webex.js";

/** Objects by kind, then by id. */
export type ObjectsByKind = Record<string, Record<string, unknown>>;

/** A temporary folder that receives database files; `remove()` deletes it. */
export class TempFolder {
  readonly path: string;
  #count = 0;

  constructor(prefix: string) {
    this.path = mkdtempSync(path.join(tmpdir(), prefix));
  }

  /** Opens a new snapshot database in the folder. */
  openDb(): SnapshotDb {
    this.#count += 1;
    return SnapshotDb.open(path.join(this.path, `snapshots-${this.#count}.db`));
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** Returns the stored objects of a snapshot by kind and id. */
export function readSnapshot(db: SnapshotDb, snapshotId: number): ObjectsByKind {
  const result: ObjectsByKind = {};
  for (const row of db.iterateObjects(snapshotId)) {
    (result[row.kind] ??= {})[row.id] = row.value;
  }
  return result;
}

/**
 * Reads every kind the backup stores straight through the SDK resources, with call queues,
 * hunt groups and auto attendants merged with their details, keyed as the backup keys them.
 * Kinds with no objects are left out, as in `readSnapshot`.
 */
export async function readApiObjects(org: Org): Promise<ObjectsByKind> {
  const result: ObjectsByKind = {};
  const put = (kind: string, id: string, value: unknown): void => {
    (result[kind] ??= {})[id] = value;
  };

  for await (const person of org.people.list({ callingData: true })) {
    put("people", person.id, person);
  }
  for await (const license of org.licenses.list()) {
    put("licenses", license.id, license);
  }
  for await (const location of org.locations.list()) {
    put("locations", location.id, location);
  }
  for await (const location of org.callingLocations.list()) {
    put("callingLocations", location.id, location);
  }
  for await (const number of org.numbers.list()) {
    const id = number.phoneNumber ? number.phoneNumber : `ext:${number.location?.id ?? ""}:${number.extension ?? ""}`;
    put("numbers", id, number);
  }
  for await (const queue of org.callQueues.list()) {
    const detail = await readDetail(() => org.callQueues.get(queue.locationId ?? "", queue.id, { hasCxEssentials: queue.hasCxEssentials === true ? true : undefined }));
    if (detail !== undefined) {
      put("callQueues", queue.id, { ...queue, ...detail });
    }
  }
  for await (const huntGroup of org.huntGroups.list()) {
    const detail = await readDetail(() => org.huntGroups.get(huntGroup.locationId ?? "", huntGroup.id));
    if (detail !== undefined) {
      put("huntGroups", huntGroup.id, { ...huntGroup, ...detail });
    }
  }
  for await (const autoAttendant of org.autoAttendants.list()) {
    const detail = await readDetail(() => org.autoAttendants.get(autoAttendant.locationId ?? "", autoAttendant.id));
    if (detail !== undefined) {
      put("autoAttendants", autoAttendant.id, { ...autoAttendant, ...detail });
    }
  }
  for await (const agent of org.callQueueAgents.list()) {
    put("callQueueAgents", agent.id, agent);
  }
  return result;
}

async function readDetail<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof NotFoundError) {
      return undefined;
    }
    throw error;
  }
}

/** Returns the number of objects per kind. */
export function countByKind(objects: ObjectsByKind): Record<string, number> {
  return Object.fromEntries(Object.entries(objects).map(([kind, byId]) => [kind, Object.keys(byId).length]));
}

/** A sleep that returns at once (or rejects when the signal aborts), so retries and 429 waits take no time. */
export const immediateSleep: SleepFunction = (_ms, signal) => (signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve());

/** Records progress events and the most units that were running at the same time. */
export class ProgressRecorder {
  readonly events: BackupProgressEvent[] = [];
  #running = new Set<string>();
  maxRunning = 0;

  /** The `onProgress` callback; bound, so it can be passed as is. */
  readonly listener = (event: BackupProgressEvent): void => {
    this.events.push(event);
    const key = `${event.snapshotId}/${event.kind}`;
    if (event.state === "running") {
      this.#running.add(key);
      this.maxRunning = Math.max(this.maxRunning, this.#running.size);
    } else {
      this.#running.delete(key);
    }
  };

  /** Returns the last event of each kind of a snapshot. */
  lastByKind(snapshotId: number): Record<string, BackupProgressEvent> {
    const result: Record<string, BackupProgressEvent> = {};
    for (const event of this.events) {
      if (event.snapshotId === snapshotId) {
        result[event.kind] = event;
      }
    }
    return result;
  }
}
