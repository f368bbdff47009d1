/**
 * A read-only view of one snapshot's objects, shared by diff, audit and export. The jobs work on
 * this view rather than on the database, so their rules can be tested on plain arrays.
 */
import type { SnapshotDb } from "../storage/snapshot-db.js";
import { BACKUP_KINDS } from "./backup-kinds.js";

/** A stored object: its id within its kind and its JSON value as Webex returned it. */
export interface StoredObject {
  id: string;
  value: Record<string, unknown>;
}

/** The objects of one snapshot, kind by kind. */
export interface SnapshotSource {
  /** Kinds that have stored objects or were backed up, in display order. */
  kinds(): string[];
  /** True when the backup of `kind` finished, so an empty list means "none" rather than "not read". */
  isKindComplete(kind: string): boolean;
  /** The objects of `kind`, ordered by id in code point order (see `compareObjectIds`). */
  objects(kind: string): Iterable<StoredObject> | AsyncIterable<StoredObject>;
}

/** Kinds in the order reports list them: the backup's order. Kinds not named here follow in alphabetical order. */
const KIND_ORDER: readonly string[] = BACKUP_KINDS;

/** Sorts kinds by `KIND_ORDER`, then by name. */
export function sortKinds(kinds: Iterable<string>): string[] {
  const rank = (kind: string): number => {
    const index = KIND_ORDER.indexOf(kind);
    return index === -1 ? KIND_ORDER.length : index;
  };
  return [...new Set(kinds)].sort((a, b) => rank(a) - rank(b) || compareObjectIds(a, b));
}

/**
 * Compares two ids by Unicode code point, which is the order of their UTF-8 bytes and so the
 * order SQLite's default BINARY collation gives. Plain `<` compares UTF-16 code units and differs
 * from it for characters above U+FFFF.
 */
export function compareObjectIds(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const left = a.charCodeAt(index);
    const right = b.charCodeAt(index);
    if (left === right) {
      continue;
    }
    // A surrogate (U+D800..U+DFFF) starts a code point above U+FFFF, which sorts after every
    // BMP character, including U+E000..U+FFFF that have larger code units.
    const isLeftSurrogate = left >= 0xd800 && left <= 0xdfff;
    const isRightSurrogate = right >= 0xd800 && right <= 0xdfff;
    if (isLeftSurrogate !== isRightSurrogate) {
      return isLeftSurrogate ? 1 : -1;
    }
    return left - right;
  }
  return a.length - b.length;
}

/**
 * Returns a readable name for an object: a person's display name, a number, or the `name` most
 * other kinds have. Undefined when the object has none of these.
 */
export function describeObject(kind: string, value: Record<string, unknown>): string | undefined {
  const text = (field: string): string | undefined => {
    const found = value[field];
    return typeof found === "string" && found.trim() !== "" ? found : undefined;
  };

  if (kind === "numbers") {
    return text("phoneNumber") ?? (text("extension") === undefined ? undefined : `extension ${text("extension")}`);
  }
  const fullName = [text("firstName"), text("lastName")].filter((part) => part !== undefined).join(" ");
  return text("displayName") ?? text("name") ?? (fullName === "" ? undefined : fullName);
}

/** Reads a string field, or undefined when it is missing, empty or not a string. */
export function readText(value: Record<string, unknown> | undefined, field: string): string | undefined {
  const found = value?.[field];
  return typeof found === "string" && found !== "" ? found : undefined;
}

/** Reads a nested object field, or undefined when it is missing or not an object. */
export function readRecord(value: Record<string, unknown> | undefined, field: string): Record<string, unknown> | undefined {
  const found = value?.[field];
  return isPlainRecord(found) ? found : undefined;
}

/** True for a JSON object (not an array, not null). */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Returns the objects of snapshot `snapshotId` in `db` as a source. Kinds are those the backup
 * planned plus any with stored objects.
 *
 * @throws InvalidInputError when the snapshot does not exist
 */
export function snapshotSource(db: SnapshotDb, snapshotId: number): SnapshotSource {
  db.requireSnapshot(snapshotId);
  const kindStates = new Map(db.getKinds(snapshotId).map((kind) => [kind.kind, kind.status]));
  const kinds = sortKinds([...kindStates.keys(), ...Object.keys(db.countObjects(snapshotId))]);
  return {
    kinds: () => kinds,
    isKindComplete: (kind) => kindStates.get(kind) === "complete",
    objects: (kind) => iterateStored(db, snapshotId, kind),
  };
}

function* iterateStored(db: SnapshotDb, snapshotId: number, kind: string): Generator<StoredObject> {
  for (const row of db.iterateObjects(snapshotId, kind)) {
    yield { id: row.id, value: row.value };
  }
}
