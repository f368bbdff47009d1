/**
 * What changed between two snapshots: per kind, the objects added and removed and, for objects
 * in both, the changed fields. Both sides are read as id-ordered streams and merged, so only the
 * differences are held in memory, never a whole snapshot. Only kinds that both snapshots read
 * completely are compared, and the others are listed as not compared, with the reason.
 */
import type { Snapshot, SnapshotDb } from "../storage/snapshot-db.js";
import { InvalidInputError } from "../transport/errors.js";
import { BACKUP_KINDS } from "./backup-kinds.js";
import {
  compareObjectIds,
  describeObject,
  isPlainRecord,
  snapshotSource,
  sortKinds,
  type SnapshotSource,
  type StoredObject,
} from "./snapshot-source.js";

/**
 * One changed field. `path` names nested fields with dots (`address.city`). A side without the
 * field has no `before` or `after` property; an array is one value (see `diffFields`).
 */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** An object that exists only in one of the two snapshots. */
export interface DiffObject {
  id: string;
  name?: string;
  object: Record<string, unknown>;
}

/** An object in both snapshots whose fields differ. */
export interface ChangedObject {
  id: string;
  /** The name in the newer snapshot. */
  name?: string;
  fields: FieldChange[];
}

/** The differences within one kind. */
export interface KindDiff {
  added: DiffObject[];
  removed: DiffObject[];
  changed: ChangedObject[];
  /** Objects present and equal in both snapshots. */
  unchanged: number;
}

/** Options of the diff functions. */
export interface DiffOptions {
  /**
   * Fields left out of the comparison, as `KIND:PATH` (`people:lastActivity`). A path also
   * covers the fields nested under it. Default: none, every field counts.
   */
  ignoreFields?: string[];
}

/** How much of a kind a snapshot contains: the whole list, part of it, or nothing because the backup did not read it. */
export type KindCoverage = "complete" | "incomplete" | "missing";

/** A kind left out of the comparison because one of the snapshots lacks it or contains only part of it. */
export interface SkippedKind {
  kind: string;
  /** The kind's coverage in the older snapshot. */
  from: KindCoverage;
  /** The kind's coverage in the newer snapshot. */
  to: KindCoverage;
  /** The reason the kind was not compared, such as `not in snapshot 5 (backed up with --kinds)`. */
  reason: string;
}

/** The differences between two snapshot sources. */
export interface SourceDiff {
  /** The compared kinds, in `sortKinds` order: those that both sources read completely. */
  byKind: Record<string, KindDiff>;
  /** The kinds of either source that were not compared, in `sortKinds` order. */
  notCompared: SkippedKind[];
}

/** Names of the two sides in the reasons of `SkippedKind`, such as "snapshot 4". */
export interface DiffSideNames {
  from: string;
  to: string;
}

/** The differences between two snapshots of one org. */
export interface SnapshotDiff extends SourceDiff {
  from: Snapshot;
  to: Snapshot;
}

/**
 * Compares snapshot `fromId` (older) with snapshot `toId` (newer) of `db`.
 *
 * @throws InvalidInputError when a snapshot does not exist, the two belong to different orgs,
 *   or an ignore rule is malformed
 */
export async function diffSnapshots(db: SnapshotDb, fromId: number, toId: number, options: DiffOptions = {}): Promise<SnapshotDiff> {
  const from = db.requireSnapshot(fromId);
  const to = db.requireSnapshot(toId);
  if (from.orgId !== to.orgId) {
    throw new InvalidInputError(
      `Snapshots ${fromId} and ${toId} belong to different orgs (${from.orgId} and ${to.orgId}); diff compares two snapshots of one org.`,
    );
  }
  const names = { from: `snapshot ${fromId}`, to: `snapshot ${toId}` };
  const diff = await diffSources(snapshotSource(db, fromId), snapshotSource(db, toId), options, names);
  return { from, to, ...diff };
}

/**
 * Compares the objects of `before` and `after`, kind by kind, over the kinds that both read
 * completely. A kind that one side lacks or contains only in part goes to `notCompared` instead,
 * because comparing it would report every object the backup did not read as added or removed.
 * `names` name the two sides in the reasons.
 *
 * @throws InvalidInputError when an ignore rule is malformed or names an unknown kind, or a
 *   source yields ids out of order
 */
export async function diffSources(
  before: SnapshotSource,
  after: SnapshotSource,
  options: DiffOptions = {},
  names: DiffSideNames = { from: "the older snapshot", to: "the newer snapshot" },
): Promise<SourceDiff> {
  const kinds = sortKinds([...before.kinds(), ...after.kinds()]);
  const ignored = parseIgnoreFields(options.ignoreFields ?? [], sortKinds([...BACKUP_KINDS, ...kinds]));
  const byKind: Record<string, KindDiff> = {};
  const notCompared: SkippedKind[] = [];
  for (const kind of kinds) {
    const from = readCoverage(before, kind);
    const to = readCoverage(after, kind);
    if (from !== "complete" || to !== "complete") {
      notCompared.push({ kind, from, to, reason: describeSkipReason(from, to, names) });
      continue;
    }
    byKind[kind] = await diffObjectStreams(kind, before.objects(kind), after.objects(kind), ignored.get(kind) ?? []);
  }
  return { byKind, notCompared };
}

function readCoverage(source: SnapshotSource, kind: string): KindCoverage {
  if (!source.kinds().includes(kind)) {
    return "missing";
  }
  return source.isKindComplete(kind) ? "complete" : "incomplete";
}

/** Joins the reasons of both sides, such as `not in snapshot 5 (backed up with --kinds)`. */
function describeSkipReason(from: KindCoverage, to: KindCoverage, names: DiffSideNames): string {
  const reasons: string[] = [];
  for (const [coverage, name] of [
    [from, names.from],
    [to, names.to],
  ] as const) {
    if (coverage === "missing") {
      // Every backup reads all kinds unless --kinds (or the SDK's `kinds` option) names fewer.
      reasons.push(`not in ${name} (backed up with --kinds)`);
    } else if (coverage === "incomplete") {
      reasons.push(`incomplete in ${name} (its backup of the kind did not finish)`);
    }
  }
  return reasons.join(" and ");
}

/**
 * Merges two id-ordered streams of one kind into added, removed and changed objects.
 * `ignoredPaths` are field paths left out of the comparison.
 *
 * @throws InvalidInputError when a stream yields ids out of order or twice
 */
export async function diffObjectStreams(
  kind: string,
  before: Iterable<StoredObject> | AsyncIterable<StoredObject>,
  after: Iterable<StoredObject> | AsyncIterable<StoredObject>,
  ignoredPaths: string[] = [],
): Promise<KindDiff> {
  const result: KindDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  const left = new OrderedCursor(kind, "older", before);
  const right = new OrderedCursor(kind, "newer", after);
  let older = await left.next();
  let newer = await right.next();

  while (older !== undefined || newer !== undefined) {
    const order = older === undefined ? 1 : newer === undefined ? -1 : compareObjectIds(older.id, newer.id);
    if (order < 0 && older !== undefined) {
      result.removed.push(toDiffObject(kind, older));
      older = await left.next();
      continue;
    }
    if (order > 0 && newer !== undefined) {
      result.added.push(toDiffObject(kind, newer));
      newer = await right.next();
      continue;
    }

    if (older !== undefined && newer !== undefined) {
      const fields = diffFields(older.value, newer.value, ignoredPaths);
      if (fields.length === 0) {
        result.unchanged += 1;
      } else {
        result.changed.push(withName<ChangedObject>({ id: newer.id, fields }, describeObject(kind, newer.value)));
      }
    }
    older = await left.next();
    newer = await right.next();
  }
  return result;
}

/**
 * Lists the fields that differ between two objects, in path order. Nested objects are compared
 * field by field. An array is compared as one value and as a multiset: reordering alone is no
 * change, because Webex does not promise an order for lists such as `licenses` or `emails`.
 * A path in `ignoredPaths` and everything under it is skipped.
 */
export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>, ignoredPaths: string[] = []): FieldChange[] {
  const changes: FieldChange[] = [];
  collectFieldChanges(before, after, "", new Set(ignoredPaths), changes);
  return changes;
}

function collectFieldChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  prefix: string,
  ignored: Set<string>,
  changes: FieldChange[],
): void {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareObjectIds);
  for (const key of keys) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (ignored.has(path)) {
      continue;
    }

    const isInBefore = Object.hasOwn(before, key);
    const isInAfter = Object.hasOwn(after, key);
    const left = before[key];
    const right = after[key];
    if (isInBefore && isInAfter && isPlainRecord(left) && isPlainRecord(right)) {
      collectFieldChanges(left, right, path, ignored, changes);
      continue;
    }
    if (isInBefore && isInAfter && areEqualValues(left, right)) {
      continue;
    }

    const change: FieldChange = { path };
    if (isInBefore) {
      change.before = left;
    }
    if (isInAfter) {
      change.after = right;
    }
    changes.push(change);
  }
}

/** Compares JSON values: objects by their fields in any key order, arrays as multisets. */
export function areEqualValues(left: unknown, right: unknown): boolean {
  if (Object.is(left, right)) {
    return true;
  }
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null) {
    return false;
  }
  return canonicalJson(left) === canonicalJson(right);
}

/** JSON text with object keys sorted and array elements sorted by their own canonical text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).sort().join(",")}]`;
  }
  if (isPlainRecord(value)) {
    const fields = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * Groups `KIND:PATH` rules by kind. With `knownKinds`, a rule for any other kind is rejected,
 * so a misspelt kind fails instead of silently ignoring nothing.
 *
 * @throws InvalidInputError for a rule without a kind or a path, or of an unknown kind
 */
export function parseIgnoreFields(rules: string[], knownKinds?: readonly string[]): Map<string, string[]> {
  const byKind = new Map<string, string[]>();
  for (const rule of rules) {
    const separator = rule.indexOf(":");
    const kind = rule.slice(0, separator).trim();
    const path = rule.slice(separator + 1).trim();
    if (separator <= 0 || kind === "" || path === "") {
      throw new InvalidInputError(`Invalid ignored field "${rule}": expected KIND:PATH, such as people:lastActivity or locations:address.city.`);
    }
    if (knownKinds !== undefined && !knownKinds.includes(kind)) {
      throw new InvalidInputError(`Invalid ignored field "${rule}": ${kind} is not a kind. The kinds are ${knownKinds.join(", ")}.`);
    }
    byKind.set(kind, [...(byKind.get(kind) ?? []), path]);
  }
  return byKind;
}

/** Counts of a kind's differences, for summaries. */
export function countKindDiff(diff: KindDiff): { added: number; removed: number; changed: number; unchanged: number } {
  return { added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length, unchanged: diff.unchanged };
}

/** True when no compared kind has an added, removed or changed object. */
export function isEmptyDiff(diff: SourceDiff): boolean {
  return Object.values(diff.byKind).every((kind) => kind.added.length === 0 && kind.removed.length === 0 && kind.changed.length === 0);
}

function toDiffObject(kind: string, stored: StoredObject): DiffObject {
  return withName<DiffObject>({ id: stored.id, object: stored.value }, describeObject(kind, stored.value));
}

function withName<T extends { name?: string }>(target: T, name: string | undefined): T {
  if (name !== undefined) {
    target.name = name;
  }
  return target;
}

/** Reads a stream one object at a time and checks that ids strictly increase. */
class OrderedCursor {
  readonly #kind: string;
  readonly #side: string;
  readonly #iterator: Iterator<StoredObject> | AsyncIterator<StoredObject>;
  #previousId: string | undefined;

  constructor(kind: string, side: string, source: Iterable<StoredObject> | AsyncIterable<StoredObject>) {
    this.#kind = kind;
    this.#side = side;
    this.#iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  }

  async next(): Promise<StoredObject | undefined> {
    const step = await this.#iterator.next();
    if (step.done) {
      return undefined;
    }

    const id = step.value.id;
    if (this.#previousId !== undefined && compareObjectIds(this.#previousId, id) >= 0) {
      throw new InvalidInputError(
        `The ${this.#side} snapshot lists ${this.#kind} out of id order ("${this.#previousId}" before "${id}"); the diff needs objects sorted by id.`,
      );
    }
    this.#previousId = id;
    return step.value;
  }
}
