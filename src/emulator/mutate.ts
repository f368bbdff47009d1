/**
 * `Emulator.mutate`: the churn an org sees between two backups. Operations are drawn in turn
 * from five groups (people, numbers, locations, call features, licenses), so even a few changes
 * touch several kinds; the result lists what the API shows differently afterwards.
 */
import { trackChanges } from "./emulator-data.js";
import { DataEditor } from "./data-editor.js";
import type { HandlerContext } from "./http.js";
import type { CallFeatureRecord, LocationRecord, NumberEntry, OrgRecord, PersonRecord } from "./model.js";
import { DEPARTMENTS, FIRST_NAMES, LAST_NAMES, STREET_NAMES } from "./names.js";
import { createRandom, type Random } from "./random.js";
import type { DataChange, MutateOptions } from "./types.js";

const DEFAULT_CHANGES = 6;
/** Tries per requested change, so an org where some operations cannot apply still gets its changes. */
const ATTEMPTS_PER_CHANGE = 4;
/** Draws when looking for a person that no operation must touch. */
const PERSON_DRAWS = 40;

/** One operation; returns false when it found nothing to act on. */
type Operation = (mutation: Mutation) => boolean;

interface Mutation {
  org: OrgRecord;
  editor: DataEditor;
  random: Random;
  context: HandlerContext;
}

/**
 * Applies `options.changes` random operations to one org and returns the changes the list
 * endpoints show afterwards.
 * @throws RangeError for an unknown `orgId` or a `changes` count that is not a whole number of at least 1
 */
export function mutateOrg(context: HandlerContext, options: MutateOptions, defaultSeed: number): DataChange[] {
  const changes = options.changes ?? DEFAULT_CHANGES;
  if (!Number.isInteger(changes) || changes < 1) {
    throw new RangeError(`mutate changes must be a whole number of at least 1, got ${JSON.stringify(options.changes)}.`);
  }
  if (options.randomSeed !== undefined && !Number.isInteger(options.randomSeed)) {
    throw new RangeError(`mutate randomSeed must be a whole number, got ${JSON.stringify(options.randomSeed)}.`);
  }
  const random = createRandom(options.randomSeed ?? defaultSeed);
  const editor = new DataEditor(context, random);
  const org = editor.orgFor(options.orgId);
  const mutation: Mutation = { org, editor, random, context };

  const groups = shuffle(random, [PEOPLE_OPERATIONS, NUMBER_OPERATIONS, LOCATION_OPERATIONS, FEATURE_OPERATIONS, LICENSE_OPERATIONS]);
  return trackChanges(context, org, () => {
    let applied = 0;
    for (let attempt = 0; applied < changes && attempt < changes * ATTEMPTS_PER_CHANGE; attempt += 1) {
      const group = groups[attempt % groups.length] ?? PEOPLE_OPERATIONS;
      if (random.pick(group)(mutation)) {
        applied += 1;
      }
    }
  }).changes;
}

// People

const addPerson: Operation = ({ org, editor, random }) => {
  const licenses = org.licenses.filter((license) => license.name === "Messaging" || license.name === "Webex Calling - Professional").map((license) => license.id);
  const location = pickCallingLocation(random, org);
  const spare = location && random.chance(0.5) ? pickSpare(random, org, location) : undefined;
  editor.addPerson({
    firstName: random.pick(FIRST_NAMES),
    lastName: random.pick(LAST_NAMES),
    orgId: org.id,
    licenses,
    title: random.pick(random.pick(DEPARTMENTS).titles),
    calling: location ? { locationId: location.id, workNumber: spare?.phoneNumber ?? null } : undefined,
  });
  return true;
};

const changePersonTitle: Operation = ({ org, editor, random, context }) => {
  const person = pickFreePerson(random, org, context);
  if (!person) {
    return false;
  }
  const titles = DEPARTMENTS.flatMap((team) => team.titles).filter((title) => title !== person.title);
  editor.updatePerson(person.id, { title: random.pick(titles) });
  return true;
};

const removePerson: Operation = ({ org, editor, random, context }) => {
  const person = pickFreePerson(random, org, context);
  if (!person) {
    return false;
  }
  editor.removePerson(person.id);
  return true;
};

const PEOPLE_OPERATIONS: Operation[] = [addPerson, changePersonTitle, removePerson];

// Numbers

const addNumber: Operation = ({ org, editor, random }) => {
  const location = pickCallingLocation(random, org);
  if (!location) {
    return false;
  }
  editor.addNumber({ locationId: location.id });
  return true;
};

const toggleNumberState: Operation = ({ org, editor, random }) => {
  const spare = pickSpare(random, org);
  if (!spare) {
    return false;
  }
  editor.updateNumber(spare.phoneNumber, spare.state === "ACTIVE" ? "INACTIVE" : "ACTIVE", org.id);
  return true;
};

const removeNumber: Operation = ({ org, editor, random }) => {
  const spare = pickSpare(random, org);
  if (!spare) {
    return false;
  }
  editor.removeNumber(spare.phoneNumber, org.id);
  return true;
};

const NUMBER_OPERATIONS: Operation[] = [addNumber, toggleNumberState, removeNumber];

// Locations

const moveLocation: Operation = ({ org, editor, random }) => {
  const location = org.locations.length === 0 ? undefined : random.pick(org.locations);
  if (!location) {
    return false;
  }
  editor.updateLocation(location.id, { address1: `${random.integer(1, 999)} ${random.pick(STREET_NAMES)}`, postalCode: String(random.integer(10_000, 99_999)) });
  return true;
};

const addLocation: Operation = ({ org, editor, random }) => {
  const taken = new Set(org.locations.map((location) => location.name));
  const city = random.pick(["Chicago", "Austin", "Denver", "Seattle", "Boston", "Atlanta"]);
  let name = `${city} Branch`;
  for (let suffix = 2; taken.has(name); suffix += 1) {
    name = `${city} Branch ${suffix}`;
  }
  editor.addLocation({ name, orgId: org.id, city, calling: random.chance(0.7) });
  return true;
};

/** Removes a location that has no calling users and no features, when there is one. */
const removeEmptyLocation: Operation = ({ org, editor, random }) => {
  const used = new Set<string>();
  for (const person of org.people) {
    if (person.calling) {
      used.add(person.calling.locationId);
    }
  }
  for (const feature of [...org.callQueues, ...org.huntGroups, ...org.autoAttendants]) {
    used.add(feature.location.id);
  }
  const empty = org.locations.filter((location) => !used.has(location.id));
  if (empty.length === 0) {
    return false;
  }
  editor.removeLocation(random.pick(empty).id);
  return true;
};

const LOCATION_OPERATIONS: Operation[] = [moveLocation, addLocation, removeEmptyLocation];

// Call features

const toggleFeature: Operation = ({ org, editor, random }) => {
  const features: CallFeatureRecord[] = [...org.callQueues, ...org.huntGroups];
  if (features.length === 0) {
    return false;
  }
  const feature = random.pick(features);
  editor.updateCallFeature(feature.id, { enabled: !feature.enabled });
  return true;
};

const addCallQueue: Operation = ({ org, editor, random }) => {
  const location = pickCallingLocation(random, org);
  if (!location) {
    return false;
  }
  const taken = new Set(org.callQueues.map((queue) => queue.name));
  let name = `${location.name} Overflow`;
  for (let suffix = 2; taken.has(name); suffix += 1) {
    name = `${location.name} Overflow ${suffix}`;
  }
  const candidates = org.people.filter((person) => person.calling?.locationId === location.id && person.calling.extension !== undefined);
  const agentIds = [...new Set([0, 1, 2].map(() => candidates.length === 0 ? undefined : random.pick(candidates)?.id))].filter((id) => id !== undefined);
  editor.addCallFeature({ kind: "callQueue", locationId: location.id, name, agentIds, withNumber: random.chance(0.5) });
  return true;
};

const removeFeature: Operation = ({ org, editor, random }) => {
  const features: CallFeatureRecord[] = [...org.callQueues, ...org.huntGroups, ...org.autoAttendants];
  if (features.length === 0) {
    return false;
  }
  editor.removeCallFeature(random.pick(features).id);
  return true;
};

const FEATURE_OPERATIONS: Operation[] = [toggleFeature, addCallQueue, removeFeature];

// Licenses

const buyUnits: Operation = ({ org, editor, random }) => {
  if (org.licenses.length === 0) {
    return false;
  }
  const license = random.pick(org.licenses);
  editor.setLicense(license.id, { totalUnits: license.totalUnits + 5 * random.integer(1, 4) });
  return true;
};

const LICENSE_OPERATIONS: Operation[] = [buyUnits];

// Choices

function pickCallingLocation(random: Random, org: OrgRecord): LocationRecord | undefined {
  const calling = org.locations.filter((location) => location.calling);
  return calling.length === 0 ? undefined : random.pick(calling);
}

function pickSpare(random: Random, org: OrgRecord, location?: LocationRecord): Extract<NumberEntry, { kind: "spare" }> | undefined {
  const spares = org.numbers.filter((entry): entry is Extract<NumberEntry, { kind: "spare" }> => entry.kind === "spare" && (location === undefined || entry.location === location));
  return spares.length === 0 ? undefined : random.pick(spares);
}

/**
 * Picks a person no operation must touch: not an admin (tokens belong to admins), not a
 * queue or hunt group agent (their changes would reach details a list-only backup lacks).
 */
function pickFreePerson(random: Random, org: OrgRecord, context: HandlerContext): PersonRecord | undefined {
  const agents = new Set<PersonRecord>();
  for (const feature of [...org.callQueues, ...org.huntGroups]) {
    for (const agent of feature.agents) {
      agents.add(agent.person);
    }
  }
  const world = context.world;
  for (let draw = 0; draw < PERSON_DRAWS && org.people.length > 0; draw += 1) {
    const person = random.pick(org.people);
    if (person.roles.length === 0 && !agents.has(person) && person !== world.customerAdmin && person !== world.developer) {
      return person;
    }
  }
  return undefined;
}

function shuffle<T>(random: Random, items: T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = random.integer(0, index);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
