/**
 * A snapshot database with a hand-made org whose audit findings are known in advance: every
 * rule fires at least once except the hunt-group ones, so tests can check exact counts.
 */
import { SnapshotDb } from "../../src/storage/snapshot-db.js";
import { callFeature, license, location, number, objectIdOf, ORG_ID, ownerOf, person, type KindObjects } from "./snapshot-fixtures.js";

/** Name of the crafted org. */
export const CRAFTED_ORG_NAME = "Example Customer Inc.";

/** Findings the crafted snapshot must produce, per severity and per rule. */
export const CRAFTED_EXPECTED = {
  counts: { high: 5, medium: 2, low: 2 },
  rules: {
    "license-over-consumed": 1,
    "calling-user-without-number": 1,
    "location-without-main-number": 1,
    "duplicate-extension": 1,
    "call-queue-without-agents": 1,
    "person-without-license": 1,
    "call-queue-disabled": 1,
    "number-unassigned": 2,
  },
  /** License usage as the chart must show it: [name, consumed, total, state]. */
  licenses: [
    ["Webex Calling - Professional", 12, 10, "over"],
    ["Webex Calling - Basic", 40, 50, "normal"],
    ["Messaging", 190, 200, "near"],
    ["Meeting - Webex Meeting Center", 20, 100, "normal"],
  ] as Array<[string, number, number, string]>,
};

/** Builds the crafted org's objects per kind. */
export function craftedObjects(): KindObjects {
  const springfield = location("Springfield");
  const shelbyville = location("Shelbyville");
  const callingPro = license("Webex Calling - Professional", 10, 12);
  const callingBasic = license("Webex Calling - Basic", 50, 40);
  const messaging = license("Messaging", 200, 190);
  const meeting = license("Meeting - Webex Meeting Center", 100, 20);

  const alice = person("Alice Adams", { licenses: [callingPro.id, messaging.id], extension: "1101", locationId: springfield.id });
  const bob = person("Bob Brown", { licenses: [callingPro.id, messaging.id] });
  const carol = person("Carol Chen", { licenses: [] });
  const dan = person("Dan Diaz", { licenses: [callingBasic.id], extension: "1101", locationId: springfield.id });

  return {
    licenses: [callingPro, callingBasic, messaging, meeting],
    locations: [springfield, shelbyville],
    callingLocations: [
      { id: springfield.id, name: "Springfield", routingPrefix: "8100" },
      { id: shelbyville.id, name: "Shelbyville", routingPrefix: "8200" },
    ],
    numbers: [
      number("+12175550100", springfield, { mainNumber: true }),
      number("+12175550101", springfield, { extension: "1101", owner: ownerOf(alice) }),
      number("+12175550198", springfield),
      number("+12175550199", shelbyville, { state: "INACTIVE" }),
    ],
    people: [alice, bob, carol, dan],
    callQueues: [
      callFeature("CALL_QUEUE", "Support Queue", springfield, { extension: "1500", agents: [] }),
      callFeature("CALL_QUEUE", "Sales Queue", springfield, { extension: "1501", enabled: false, agents: [{ id: alice.id, type: "PEOPLE" }] }),
    ],
    huntGroups: [callFeature("HUNT_GROUP", "Front Desk", shelbyville, { extension: "2000", agents: [{ id: dan.id, type: "PEOPLE" }] })],
    autoAttendants: [callFeature("AUTO_ATTENDANT", "Main Menu", springfield, { extension: "1000" })],
  };
}

/**
 * Writes the crafted org as one complete snapshot into the database at `dbPath` (created when
 * missing) and returns the snapshot id.
 */
export function writeCraftedSnapshot(dbPath: string, objects: KindObjects = craftedObjects(), startedAt = new Date("2026-01-15T08:00:00.000Z")): number {
  const db = SnapshotDb.open(dbPath);
  try {
    const kinds = Object.keys(objects);
    const snapshot = db.createSnapshot({ id: ORG_ID, displayName: CRAFTED_ORG_NAME }, { kinds, startedAt });
    for (const [kind, values] of Object.entries(objects)) {
      db.insertObjects(snapshot.id, kind, values.map((value) => ({ id: objectIdOf(kind, value), value })));
      db.markKindComplete(snapshot.id, kind);
    }
    db.finishSnapshot(snapshot.id, "complete", undefined, new Date(startedAt.getTime() + 90_000));
    return snapshot.id;
  } finally {
    db.close();
  }
}
