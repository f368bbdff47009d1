/**
 * Webex Calling part of the demo fixture: locations with number blocks, call queues, hunt
 * groups, auto attendants, spare numbers, and a small share of the problems an audit reports.
 */
import { encodeId } from "../ids.js";
import { allocateExtension, allocatePhoneNumber } from "./calling.js";
import { departmentId } from "./calling-views.js";
import type { AgentRecord, CallFeatureRecord, LocationRecord, OrgRecord, PersonRecord } from "./model.js";
import { AUTO_ATTENDANT_NAMES, DEPARTMENTS, HUNT_GROUP_NAMES, HUNT_POLICIES, PLACES, QUEUE_NAMES, STREET_NAMES } from "./names.js";
import type { Random } from "./random.js";
import { FEATURE_ID_KINDS, type EmulatorState } from "./state.js";

/** People per calling location in large orgs; smaller orgs have 2 to 4 locations. */
const PEOPLE_PER_LOCATION = 2500;
const MAX_LOCATIONS = 60;
/** Share of features of each kind that get a direct number besides their extension. */
const NUMBER_SHARES = { autoAttendant: 0.9, callQueue: 0.7, huntGroup: 0.5 } as const;
/** First extension of every location; people and features count up from here. */
const FIRST_EXTENSION = 1001;
/** Share of calling users without extension or number, and of people without any license (audit findings). */
const NO_LINE_SHARE = 0.004;
const NO_LICENSE_SHARE = 0.003;

/**
 * Creates the org's Webex Calling locations (2 to 4, more in large orgs) and one location
 * without Webex Calling, and adds them to `state`. Returns the calling locations.
 */
export function seedLocations(state: EmulatorState, random: Random, org: OrgRecord, peopleCount: number): LocationRecord[] {
  const count = Math.min(MAX_LOCATIONS, Math.max(random.integer(2, 4), Math.ceil(peopleCount / PEOPLE_PER_LOCATION)));
  const start = random.integer(0, PLACES.length - 1);
  const areaCodeBase = random.integer(0, 699);
  const calling: LocationRecord[] = [];
  for (let index = 0; index < count; index += 1) {
    const place = PLACES[(start + index) % PLACES.length]!;
    const round = Math.floor(index / PLACES.length);
    let name = `${place.city} Office ${round + 1}`;
    if (index === 0) {
      name = `${place.city} HQ`;
    } else if (round === 0) {
      name = `${place.city} Office`;
    }
    const location = createLocation(random, org, name, place, String(8100 + index * 100));
    // Steps of 7 over 700 area codes stay distinct for up to 100 locations.
    location.calling = {
      mainNumber: undefined,
      callingLineIdName: org.displayName,
      outsideDialDigit: "9",
      areaCode: String(200 + ((areaCodeBase + index * 7) % 700)),
      nextExtension: FIRST_EXTENSION,
      nextLine: 100,
    };
    location.calling.mainNumber = allocatePhoneNumber(location);
    calling.push(location);
  }

  const warehousePlace = PLACES[(start + count) % PLACES.length]!;
  const warehouse = createLocation(random, org, `${warehousePlace.city} Warehouse`, warehousePlace, String(8000));
  for (const location of [...calling, warehouse]) {
    state.addLocation(location);
  }
  return calling;
}

/** Creates a location record without Webex Calling. */
export function createLocation(
  random: Random,
  org: OrgRecord,
  name: string,
  place: { city: string; region: string; country: string; timeZone: string },
  routingPrefix: string,
): LocationRecord {
  const uuid = random.uuid();
  return {
    uuid,
    id: encodeId("LOCATION", uuid),
    orgUuid: org.uuid,
    name,
    routingPrefix,
    timeZone: place.timeZone,
    address1: `${random.integer(1, 999)} ${random.pick(STREET_NAMES)}`,
    city: place.city,
    region: place.region,
    postalCode: String(random.integer(10_000, 99_999)),
    country: place.country,
  };
}

/**
 * Adds call queues, hunt groups and auto attendants to every calling location, sized by its
 * calling users, with agents drawn from those users.
 */
export function seedCallFeatures(state: EmulatorState, random: Random, org: OrgRecord, locations: LocationRecord[], callingPeople: Map<LocationRecord, PersonRecord[]>): void {
  const departments = DEPARTMENTS.map((team) => ({ id: departmentId(org.uuid, random.uuid()), name: team.department }));
  for (const location of locations) {
    const people = (callingPeople.get(location) ?? []).filter((person) => person.calling?.extension !== undefined);
    const queues = 1 + Math.floor(people.length / 300);
    const huntGroups = 1 + Math.floor(people.length / 500);
    const attendants = 1 + Math.floor(people.length / 2000);

    for (let index = 0; index < queues; index += 1) {
      const feature = createFeature(random, org, location, "callQueue", featureName(location, QUEUE_NAMES, index));
      if (feature.kind === "callQueue") {
        feature.agents = pickAgents(random, people, random.integer(2, 8));
        feature.hasCxEssentials = random.chance(0.15);
        feature.department = random.chance(0.5) ? random.pick(departments) : undefined;
      }
      state.addFeature(feature);
    }
    for (let index = 0; index < huntGroups; index += 1) {
      const feature = createFeature(random, org, location, "huntGroup", featureName(location, HUNT_GROUP_NAMES, index));
      if (feature.kind === "huntGroup") {
        feature.agents = pickAgents(random, people, random.integer(2, 6));
      }
      state.addFeature(feature);
    }
    for (let index = 0; index < attendants; index += 1) {
      state.addFeature(createFeature(random, org, location, "autoAttendant", featureName(location, AUTO_ATTENDANT_NAMES, index)));
    }
  }
  // Every org with two queues or more has a Customer Assist queue, whose details need hasCxEssentials=true.
  const [, second] = org.callQueues;
  if (second && !org.callQueues.some((queue) => queue.hasCxEssentials)) {
    second.hasCxEssentials = true;
  }
}

/**
 * Creates a call feature with an extension and a number when `withNumber` is true; without
 * `withNumber`, most features get one, depending on their kind. Agents are left empty.
 */
export function createFeature(
  random: Random,
  org: OrgRecord,
  location: LocationRecord,
  kind: CallFeatureRecord["kind"],
  name: string,
  withNumber?: boolean,
): CallFeatureRecord {
  const uuid = random.uuid();
  const numberShare = NUMBER_SHARES[kind];
  const base = {
    uuid,
    id: encodeId(FEATURE_ID_KINDS[kind], uuid),
    orgUuid: org.uuid,
    location,
    name,
    extension: allocateExtension(location),
    phoneNumber: (withNumber ?? random.chance(numberShare)) ? allocatePhoneNumber(location) : undefined,
    enabled: true,
    policy: random.pick(HUNT_POLICIES),
  };
  if (kind === "callQueue") {
    return { ...base, kind, agents: [], hasCxEssentials: false, queueSize: 5 * random.integer(2, 10) };
  }
  if (kind === "huntGroup") {
    return { ...base, kind, agents: [] };
  }
  return { ...base, kind, tollFreeNumber: false };
}

/** `Location Word`, then `Location Word 2` once the words run out. */
function featureName(location: LocationRecord, words: readonly string[], index: number): string {
  const round = Math.floor(index / words.length);
  const word = words[index % words.length] ?? "Group";
  return round === 0 ? `${location.name} ${word}` : `${location.name} ${word} ${round + 1}`;
}

function pickAgents(random: Random, people: PersonRecord[], count: number): AgentRecord[] {
  const chosen = new Set<PersonRecord>();
  const wanted = Math.min(count, people.length);
  while (chosen.size < wanted) {
    chosen.add(random.pick(people));
  }
  return [...chosen].map((person) => ({ person, joinEnabled: !random.chance(0.1) }));
}

/** Adds unassigned numbers to every calling location; about one in five is inactive. */
export function seedSpareNumbers(state: EmulatorState, random: Random, org: OrgRecord, locations: LocationRecord[], callingPeople: Map<LocationRecord, PersonRecord[]>): void {
  for (const location of locations) {
    const count = 2 + Math.floor((callingPeople.get(location)?.length ?? 0) / 200);
    for (let index = 0; index < count; index += 1) {
      org.numbers.push({
        kind: "spare",
        location,
        phoneNumber: allocatePhoneNumber(location),
        state: random.chance(0.2) ? "INACTIVE" : "ACTIVE",
        isServiceNumber: random.chance(0.1),
      });
    }
  }
}

/** People the findings must not touch: admins and agents keep their data, so tokens and features stay valid. */
export interface FindingSettings {
  protectedPeople: Set<PersonRecord>;
}

/**
 * Plants a small share of the problems an audit reports: calling users without extension or
 * number, people without any license, a calling location without a main number (when there are
 * two or more), a call queue without agents, a disabled call queue (with three or more queues),
 * a disabled hunt group, and two people sharing an extension in one location.
 */
export function seedFindings(state: EmulatorState, random: Random, org: OrgRecord, locations: LocationRecord[], settings: FindingSettings): void {
  const agents = new Set<PersonRecord>();
  for (const feature of [...org.callQueues, ...org.huntGroups]) {
    for (const agent of feature.agents) {
      agents.add(agent.person);
    }
  }
  const isFree = (person: PersonRecord): boolean => !settings.protectedPeople.has(person) && !agents.has(person) && person.type === "person";

  // Calling users who lost their extension and number.
  const callingUsers = org.people.filter((person) => person.calling && isFree(person));
  for (const person of pickSome(random, callingUsers, NO_LINE_SHARE)) {
    if (person.calling) {
      delete person.calling.extension;
      delete person.calling.workNumber;
      state.syncPersonLine(person);
    }
  }

  // People without any license.
  const plainPeople = org.people.filter((person) => !person.calling && isFree(person));
  for (const person of pickSome(random, plainPeople, NO_LICENSE_SHARE)) {
    state.setPersonLicenses(person, []);
    delete person.siteUrls;
  }

  if (locations.length >= 2) {
    const last = locations[locations.length - 1]!;
    if (last.calling) {
      last.calling.mainNumber = undefined;
      state.syncMainLine(last);
    }
  }
  const [emptyQueue] = org.callQueues;
  if (emptyQueue) {
    emptyQueue.agents = [];
  }
  if (org.callQueues.length >= 3) {
    org.callQueues[org.callQueues.length - 1]!.enabled = false;
  }
  const [disabledGroup] = org.huntGroups;
  if (disabledGroup) {
    disabledGroup.enabled = false;
  }
  seedDuplicateExtension(random, org, locations, isFree);
}

/**
 * Gives an extension-only user the extension of a user with a direct number in the same
 * location. The two rows of the numbers list keep distinct ids (a number and an extension).
 */
function seedDuplicateExtension(random: Random, org: OrgRecord, locations: LocationRecord[], isFree: (person: PersonRecord) => boolean): void {
  const [location] = locations;
  if (!location) {
    return;
  }
  const here = org.people.filter((person) => person.calling?.locationId === location.id && person.calling.extension !== undefined && isFree(person));
  const withNumber = here.filter((person) => person.calling?.workNumber !== undefined);
  const extensionOnly = here.filter((person) => person.calling?.workNumber === undefined);
  if (withNumber.length === 0 || extensionOnly.length === 0) {
    return;
  }
  const holder = random.pick(withNumber);
  const copier = random.pick(extensionOnly);
  if (holder.calling && copier.calling) {
    copier.calling.extension = holder.calling.extension;
  }
}

/** At least one (when there is any) and otherwise about `share` of `items`, chosen at random. */
function pickSome<T>(random: Random, items: T[], share: number): T[] {
  const wanted = Math.min(items.length, Math.max(1, Math.round(items.length * share)));
  const chosen = new Set<T>();
  while (chosen.size < wanted) {
    chosen.add(random.pick(items));
  }
  return [...chosen];
}
