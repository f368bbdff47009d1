/**
 * In-memory snapshot sources for the diff, audit and export tests, and builders of Webex-shaped
 * calling objects with readable ids.
 */
import { encodeId } from "../../src/ids.js";
import { compareObjectIds, sortKinds, type SnapshotSource, type StoredObject } from "../../src/jobs/snapshot-source.js";

/** Objects per kind; each object's id is its `id` field, or `phoneNumber` for numbers. */
export type KindObjects = Record<string, Array<Record<string, unknown>>>;

/** Builds a source from plain objects; kinds in `incomplete` report an unfinished backup. */
export function memorySource(objects: KindObjects, incomplete: string[] = []): SnapshotSource {
  const byKind = new Map<string, StoredObject[]>();
  for (const [kind, values] of Object.entries(objects)) {
    const stored = values.map((value) => ({ id: objectIdOf(kind, value), value }));
    byKind.set(kind, stored.sort((a, b) => compareObjectIds(a.id, b.id)));
  }
  return {
    kinds: () => sortKinds(byKind.keys()),
    isKindComplete: (kind) => byKind.has(kind) && !incomplete.includes(kind),
    objects: (kind) => byKind.get(kind) ?? [],
  };
}

/** Returns the id a backup stores an object under: `id`, else a number's `phoneNumber`, else its extension. */
export function objectIdOf(kind: string, value: Record<string, unknown>): string {
  if (typeof value.id === "string") {
    return value.id;
  }
  if (kind === "numbers" && typeof value.phoneNumber === "string" && value.phoneNumber !== "") {
    return value.phoneNumber;
  }
  const location = value.location as { id?: string } | undefined;
  return `ext:${location?.id ?? ""}:${String(value.extension)}`;
}

export const ORG_ID = encodeId("ORGANIZATION", "0f0f0f0f-0000-4000-8000-000000000001");

/** Encodes a Webex id of `kind` whose raw part is `name`, such as `PEOPLE/alice`. */
export function webexId(kind: string, name: string): string {
  return encodeId(kind, name);
}

export function license(name: string, totalUnits: number, consumedUnits: number): Record<string, unknown> {
  return { id: webexId("LICENSE", name.toLowerCase().replace(/\W+/g, "-")), name, totalUnits, consumedUnits };
}

export function location(name: string): Record<string, unknown> {
  return { id: webexId("LOCATION", name.toLowerCase()), name, orgId: ORG_ID, address: { city: name, country: "US" } };
}

export function person(name: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  const [firstName, lastName] = name.split(" ");
  return {
    id: webexId("PEOPLE", name.toLowerCase().replace(/\W+/g, "-")),
    displayName: name,
    firstName,
    lastName,
    emails: [`${name.toLowerCase().replace(/\W+/g, ".")}@example.test`],
    orgId: ORG_ID,
    type: "person",
    licenses: [],
    ...fields,
  };
}

export function number(phoneNumber: string, locationValue: Record<string, unknown>, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    phoneNumber,
    state: "ACTIVE",
    phoneNumberType: "PRIMARY",
    mainNumber: false,
    location: { id: locationValue.id, name: locationValue.name },
    ...fields,
  };
}

export function ownerOf(personValue: Record<string, unknown>): Record<string, unknown> {
  return { id: personValue.id, type: "PEOPLE", firstName: personValue.firstName, lastName: personValue.lastName };
}

export function callFeature(kind: "CALL_QUEUE" | "HUNT_GROUP" | "AUTO_ATTENDANT", name: string, locationValue: Record<string, unknown>, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: webexId(kind, name.toLowerCase().replace(/\W+/g, "-")),
    name,
    locationName: locationValue.name,
    locationId: locationValue.id,
    enabled: true,
    ...fields,
  };
}
