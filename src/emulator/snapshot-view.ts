/**
 * Captures what the list endpoints of an org show to an admin, and compares two captures. The
 * data changes of tests and `mutate` report their effect this way, so what they return is what
 * a backup before and after would see, cascades included.
 *
 * People and numbers can reach 100,000 objects each, so they are captured as copies of their
 * facts and rendered only when they differ. The other kinds are captured as JSON text.
 */
import { encodeId } from "../ids.js";
import { resolveNumber, type ResolvedNumber } from "./calling.js";
import {
  toAutoAttendantDetailView,
  toAutoAttendantView,
  toCallingLocationView,
  toCallQueueDetailView,
  toCallQueueView,
  toHuntGroupDetailView,
  toHuntGroupView,
  toNumberView,
  toQueueAgentView,
} from "./calling-views.js";
import type { OrgRecord, PersonRecord } from "./model.js";
import { collectAgentRows } from "./routes/queue-agents.js";
import type { EmulatorState } from "./state.js";
import type { DataChange, DataKind } from "./types.js";
import { toLicenseView, toLocationView, toPersonView } from "./views.js";

type View = Record<string, unknown>;

/** Capture of the list endpoints of one org at one moment. */
export interface OrgSnapshot {
  people: Map<string, PersonRecord>;
  numbers: Map<string, ResolvedNumber>;
  /** The smaller kinds: kind, then object id, then the object's JSON text. */
  texts: Map<DataKind, Map<string, string>>;
}

/** Kinds captured as JSON text, in report order. */
const TEXT_KINDS: readonly DataKind[] = ["licenses", "locations", "callingLocations", "callQueues", "huntGroups", "autoAttendants", "callQueueAgents"];

/**
 * Captures the objects of every kind of `org`. With `live`, people are the records themselves
 * rather than copies, which is enough for the capture after an edit that is compared at once.
 */
export function captureOrg(org: OrgRecord, state: EmulatorState, live = false): OrgSnapshot {
  const people = new Map<string, PersonRecord>();
  for (const person of org.people) {
    people.set(person.id, live ? person : copyPerson(person));
  }
  const numbers = new Map<string, ResolvedNumber>();
  for (const entry of org.numbers) {
    const number = resolveNumber(entry, state);
    if (number) {
      numbers.set(numberId(number), live ? number : copyNumber(number));
    }
  }

  const texts = new Map<DataKind, Map<string, string>>(TEXT_KINDS.map((kind) => [kind, new Map<string, string>()]));
  const add = (kind: DataKind, id: string, view: View): void => {
    texts.get(kind)?.set(id, JSON.stringify(view));
  };
  for (const license of org.licenses) {
    add("licenses", license.id, toLicenseView(license));
  }
  for (const location of org.locations) {
    add("locations", location.id, toLocationView(location));
    if (location.calling) {
      add("callingLocations", location.id, toCallingLocationView(location));
    }
  }
  // Features are stored as their list item merged with their details, which add the agents.
  for (const queue of org.callQueues) {
    add("callQueues", queue.id, { ...toCallQueueView(queue), ...toCallQueueDetailView(queue) });
  }
  for (const group of org.huntGroups) {
    add("huntGroups", group.id, { ...toHuntGroupView(group), ...toHuntGroupDetailView(group) });
  }
  for (const attendant of org.autoAttendants) {
    add("autoAttendants", attendant.id, { ...toAutoAttendantView(attendant), ...toAutoAttendantDetailView(attendant) });
  }
  for (const row of collectAgentRows(org, state)) {
    add("callQueueAgents", row.agent.id, toQueueAgentView(row));
  }
  return { people, numbers, texts };
}

/** Returns the id a backup gives a numbers-list row: its number, or `ext:<locationId>:<extension>` without one. */
export function numberId(number: ResolvedNumber): string {
  return number.phoneNumber ?? `ext:${number.location.id}:${number.extension ?? ""}`;
}

/** Lists the objects added, removed and changed from `before` to `after`, by kind in report order and by id. */
export function compareSnapshots(orgUuid: string, before: OrgSnapshot, after: OrgSnapshot): DataChange[] {
  const orgId = encodeId("ORGANIZATION", orgUuid);
  const changes: DataChange[] = [];
  const compare = <T>(kind: DataKind, old: Map<string, T>, current: Map<string, T>, isSame: (left: T, right: T) => boolean, render: (item: T) => unknown): void => {
    const found: DataChange[] = [];
    for (const [id, previous] of old) {
      const next = current.get(id);
      if (next === undefined) {
        found.push({ orgId, kind, id, change: "removed" });
      } else if (!isSame(previous, next)) {
        // Objects whose facts differ only in ways the API does not show (array order) are no change.
        const fields = diffFields(render(previous), render(next));
        if (fields.length > 0) {
          found.push({ orgId, kind, id, change: "changed", fields });
        }
      }
    }
    for (const id of current.keys()) {
      if (!old.has(id)) {
        found.push({ orgId, kind, id, change: "added" });
      }
    }
    found.sort((left, right) => compareText(left.id, right.id));
    changes.push(...found);
  };

  const text = (kind: DataKind): Map<string, string> => before.texts.get(kind) ?? new Map<string, string>();
  const parse = (value: string): unknown => JSON.parse(value);
  const same = (left: string, right: string): boolean => left === right;
  compare("people", before.people, after.people, isSamePerson, renderPerson);
  for (const kind of ["licenses", "locations", "callingLocations"] as const) {
    compare(kind, text(kind), after.texts.get(kind) ?? new Map<string, string>(), same, parse);
  }
  compare("numbers", before.numbers, after.numbers, isSameNumber, toNumberView);
  for (const kind of ["callQueues", "huntGroups", "autoAttendants", "callQueueAgents"] as const) {
    compare(kind, text(kind), after.texts.get(kind) ?? new Map<string, string>(), same, parse);
  }
  return changes;
}

/**
 * Dotted paths of the leaves that differ. An array is one leaf compared as a multiset, because
 * Webex promises no order for lists such as `licenses`; an object present on one side only is one leaf too.
 */
export function diffFields(before: unknown, after: unknown, prefix = ""): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffFields(before[key], after[key], prefix === "" ? key : `${prefix}.${key}`));
  }
  return canonicalJson(before) === canonicalJson(after) ? [] : [prefix];
}

/** JSON text with object keys sorted and array elements sorted by their own text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).sort().join(",")}]`;
  }
  if (isPlainObject(value)) {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

/** Orders strings by code unit, as `Array.prototype.sort` does by default. */
function compareText(left: string, right: string): number {
  if (left === right) {
    return 0;
  }
  return left < right ? -1 : 1;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Copies the facts `toPersonView` reads. Arrays are shared, because edits replace them rather than change them. */
function copyPerson(person: PersonRecord): PersonRecord {
  return person.calling ? { ...person, calling: { ...person.calling } } : { ...person };
}

function renderPerson(person: PersonRecord): View {
  return toPersonView(person, { callingData: true, adminFields: true, presence: true });
}

/** True when two person copies have the same facts, field by field (arrays by reference). */
function isSamePerson(left: PersonRecord, right: PersonRecord): boolean {
  return isShallowEqual(left, right, (key, a, b) => key === "calling" && isShallowEqual(a as object | undefined, b as object | undefined));
}

function copyNumber(number: ResolvedNumber): ResolvedNumber {
  const copy: ResolvedNumber = { ...number, location: { id: number.location.id, name: number.location.name, routingPrefix: number.location.routingPrefix } };
  if (number.owner) {
    copy.owner = { ...number.owner };
  }
  return copy;
}

/** True when two rows show the same. A live row refers to the whole location record, but a copy has only the fields shown. */
function isSameNumber(left: ResolvedNumber, right: ResolvedNumber): boolean {
  const isSameLocation = left.location.id === right.location.id && left.location.name === right.location.name && left.location.routingPrefix === right.location.routingPrefix;
  return isSameLocation && isShallowEqual(left, right, (key, a, b) => key === "location" || (key === "owner" && isShallowEqual(a as object | undefined, b as object | undefined)));
}

/**
 * True when both objects have the same own keys with identical values. For values that differ
 * by identity, `nested` decides, for example by comparing nested objects one level down.
 */
function isShallowEqual(left: object | undefined, right: object | undefined, nested?: (key: string, a: unknown, b: unknown) => boolean): boolean {
  if (left === right) {
    return true;
  }
  if (left === undefined || right === undefined) {
    return false;
  }
  const a = left as Record<string, unknown>;
  const b = right as Record<string, unknown>;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) {
    return false;
  }
  return keys.every((key) => a[key] === b[key] || (nested?.(key, a[key], b[key]) ?? false));
}
