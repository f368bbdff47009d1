/**
 * Edits of the seeded data behind `Emulator.data` and `Emulator.mutate`. Every edit keeps the
 * records consistent: license consumption follows the people, the numbers list follows people,
 * features and locations, and a number whose owner goes stays in the inventory, unassigned.
 */
import { encodeId } from "../ids.js";
import { allocateExtension, allocatePhoneNumber, resolveNumber } from "./calling.js";
import type { HandlerContext } from "./http.js";
import type { AgentRecord, CallFeatureRecord, LocationRecord, OrgRecord, PersonRecord } from "./model.js";
import { PLACES } from "./names.js";
import type { Random } from "./random.js";
import { createFeature, createLocation } from "./seed-calling.js";
import type {
  CallFeatureInput,
  CallFeaturePatch,
  CallingInput,
  LicensePatch,
  LocationInput,
  LocationPatch,
  NumberInput,
  PersonInput,
  PersonPatch,
} from "./types.js";

const E164_PATTERN = /^\+[1-9]\d{7,14}$/;

/** Applies edits to the emulator's data; ids come from `random`, timestamps from the emulator clock. */
export class DataEditor {
  readonly #context: HandlerContext;
  readonly #random: Random;

  constructor(context: HandlerContext, random: Random) {
    this.#context = context;
    this.#random = random;
  }

  /** Returns the org named by `orgId`, or the customer org without one. @throws RangeError for an unknown org */
  orgFor(orgId: string | undefined): OrgRecord {
    if (orgId === undefined) {
      return this.#context.world.customerOrg;
    }
    const org = this.#context.state.findOrg(orgId);
    if (!org) {
      throw new RangeError(`orgId ${orgId} names no org of this emulator; use an id from emulator.orgs.`);
    }
    return org;
  }

  // People

  addPerson(input: PersonInput): PersonRecord {
    const firstName = requireText(input.firstName, "addPerson firstName");
    const lastName = requireText(input.lastName, "addPerson lastName");
    const org = this.orgFor(input.orgId);
    const messaging = org.licenses.find((license) => license.name === "Messaging");
    let licenses: string[] = messaging ? [messaging.id] : [];
    if (input.licenses !== undefined) {
      licenses = this.#licenseIds(org, input.licenses);
    }
    const email = input.email === undefined ? uniqueEmail(org, firstName, lastName) : requireText(input.email, "addPerson email").toLowerCase();
    if (org.people.some((person) => person.email === email)) {
      throw new RangeError(`addPerson email ${email} is taken in org ${org.displayName}; pass another email or leave it out.`);
    }

    const uuid = this.#random.uuid();
    const nowMs = this.#context.now();
    const person: PersonRecord = {
      uuid,
      id: encodeId("PEOPLE", uuid),
      orgUuid: org.uuid,
      type: "person",
      email,
      displayName: `${firstName} ${lastName}`,
      firstName,
      lastName,
      roles: [],
      licenses,
      createdMs: nowMs,
      lastModifiedMs: nowMs,
      status: "unknown",
      invitePending: false,
      loginEnabled: true,
    };
    if (input.title !== undefined) {
      person.title = requireText(input.title, "addPerson title");
    }
    if (input.department !== undefined) {
      person.department = requireText(input.department, "addPerson department");
    }
    // The calling data is checked before the person joins the org, so a bad input changes nothing.
    const calling = input.calling === undefined ? undefined : this.#planCalling(org, person, input.calling);
    this.#context.state.addPerson(person);
    if (calling) {
      this.#applyCalling(org, person, calling);
    }
    return person;
  }

  updatePerson(personId: string, patch: PersonPatch): PersonRecord {
    const person = this.findPerson(personId);
    const org = this.orgFor(encodeId("ORGANIZATION", person.orgUuid));
    const calling = patch.calling === undefined || patch.calling === null ? patch.calling : this.#planCalling(org, person, patch.calling);
    const licenses = patch.licenses === undefined ? undefined : this.#licenseIds(org, patch.licenses);

    if (patch.firstName !== undefined) {
      person.firstName = requireText(patch.firstName, "updatePerson firstName");
    }
    if (patch.lastName !== undefined) {
      person.lastName = requireText(patch.lastName, "updatePerson lastName");
    }
    if (patch.displayName !== undefined) {
      person.displayName = requireText(patch.displayName, "updatePerson displayName");
    } else if (patch.firstName !== undefined || patch.lastName !== undefined) {
      person.displayName = `${person.firstName} ${person.lastName}`;
    }
    setOptionalText(person, "title", patch.title, "updatePerson title");
    setOptionalText(person, "department", patch.department, "updatePerson department");
    if (licenses) {
      this.#context.state.setPersonLicenses(person, licenses);
    }
    if (patch.calling === null) {
      this.#context.state.releaseLine(person);
      delete person.calling;
    } else if (calling) {
      this.#applyCalling(org, person, calling);
    }
    person.lastModifiedMs = this.#context.now();
    return person;
  }

  removePerson(personId: string): void {
    const person = this.findPerson(personId);
    const world = this.#context.world;
    if (person === world.developer || person === world.customerAdmin || person === world.partnerAdmin) {
      throw new RangeError(`Person ${personId} (${person.displayName}) owns one of the emulator's seeded tokens, so they cannot be removed; remove another person.`);
    }
    this.#context.state.removePerson(person);
  }

  /** @throws RangeError when no person (machine accounts excluded) has the id */
  findPerson(personId: string): PersonRecord {
    const person = this.#context.state.findPerson(personId);
    if (!person || person.type !== "person" || !this.#context.state.orgs.get(person.orgUuid)?.people.includes(person)) {
      throw new RangeError(`Person ${personId} was not found; pass the id of a listed person.`);
    }
    return person;
  }

  // Licenses

  setLicense(licenseId: string, patch: LicensePatch): void {
    const license = this.#context.state.findLicense(licenseId);
    if (!license) {
      throw new RangeError(`License ${licenseId} was not found; pass an id from GET /licenses.`);
    }
    if (patch.totalUnits !== undefined) {
      license.totalUnits = requireCount(patch.totalUnits, "setLicense totalUnits");
    }
    if (patch.consumedByWorkspaces !== undefined) {
      license.consumedByWorkspaces = requireCount(patch.consumedByWorkspaces, "setLicense consumedByWorkspaces");
    }
  }

  // Numbers

  addNumber(input: NumberInput): string {
    const location = this.findCallingLocation(input.locationId);
    const org = this.orgFor(encodeId("ORGANIZATION", location.orgUuid));
    const phoneNumber = input.phoneNumber === undefined ? allocatePhoneNumber(location) : requireE164(input.phoneNumber, "addNumber phoneNumber");
    if (this.isNumberInUse(org, phoneNumber)) {
      throw new RangeError(`addNumber phoneNumber ${phoneNumber} is already in org ${org.displayName}.`);
    }
    const state = input.state ?? "ACTIVE";
    if (state !== "ACTIVE" && state !== "INACTIVE") {
      throw new TypeError(`addNumber state must be "ACTIVE" or "INACTIVE", got ${JSON.stringify(state)}.`);
    }
    org.numbers.push({ kind: "spare", location, phoneNumber, state, isServiceNumber: false });
    return phoneNumber;
  }

  updateNumber(phoneNumber: string, state: "ACTIVE" | "INACTIVE", orgId?: string): void {
    if (state !== "ACTIVE" && state !== "INACTIVE") {
      throw new TypeError(`updateNumber state must be "ACTIVE" or "INACTIVE", got ${JSON.stringify(state)}.`);
    }
    this.#findSpare(phoneNumber, orgId, "updateNumber").state = state;
  }

  removeNumber(phoneNumber: string, orgId?: string): void {
    const org = this.orgFor(orgId);
    const spare = this.#findSpare(phoneNumber, orgId, "removeNumber");
    org.numbers.splice(org.numbers.indexOf(spare), 1);
  }

  /** True when any row of the org (owned, main or spare) has `phoneNumber`. */
  isNumberInUse(org: OrgRecord, phoneNumber: string): boolean {
    return org.numbers.some((entry) => resolveNumber(entry, this.#context.state)?.phoneNumber === phoneNumber);
  }

  // Locations

  addLocation(input: LocationInput): LocationRecord {
    const name = requireText(input.name, "addLocation name");
    const org = this.orgFor(input.orgId);
    if (org.locations.some((location) => location.name === name)) {
      throw new RangeError(`addLocation name "${name}" is taken in org ${org.displayName}.`);
    }
    const place = PLACES.find((candidate) => candidate.city === input.city) ?? PLACES[0]!;
    const prefixes = org.locations.map((location) => Number(location.routingPrefix)).filter(Number.isFinite);
    const location = createLocation(this.#random, org, name, { ...place, city: input.city ?? place.city }, String(Math.max(8000, ...prefixes) + 100));
    if (input.calling ?? true) {
      location.calling = {
        callingLineIdName: org.displayName,
        outsideDialDigit: "9",
        areaCode: freeAreaCode(org),
        nextExtension: 1001,
        nextLine: 100,
      };
      location.calling.mainNumber = allocatePhoneNumber(location);
    }
    this.#context.state.addLocation(location);
    return location;
  }

  updateLocation(locationId: string, patch: LocationPatch): void {
    const location = this.findLocation(locationId);
    const org = this.orgFor(encodeId("ORGANIZATION", location.orgUuid));
    if (patch.mainNumber !== undefined) {
      this.#setMainNumber(org, location, patch.mainNumber);
    }
    if (patch.name !== undefined) {
      location.name = requireText(patch.name, "updateLocation name");
    }
    if (patch.address1 !== undefined) {
      location.address1 = requireText(patch.address1, "updateLocation address1");
    }
    if (patch.postalCode !== undefined) {
      location.postalCode = requireText(patch.postalCode, "updateLocation postalCode");
    }
  }

  removeLocation(locationId: string): void {
    const location = this.findLocation(locationId);
    const org = this.orgFor(encodeId("ORGANIZATION", location.orgUuid));
    const user = org.people.find((person) => person.calling?.locationId === location.id);
    if (user) {
      throw new RangeError(`Location ${location.name} still has calling user ${user.displayName} (${user.id}); move or remove them first.`);
    }
    const feature = [...org.callQueues, ...org.huntGroups, ...org.autoAttendants].find((candidate) => candidate.location === location);
    if (feature) {
      throw new RangeError(`Location ${location.name} still has ${feature.name} (${feature.id}); remove it first.`);
    }
    this.#context.state.removeLocation(location);
  }

  /** @throws RangeError when no location has the id */
  findLocation(locationId: string): LocationRecord {
    const location = this.#context.state.findLocation(locationId);
    if (!location || !this.#context.state.orgs.get(location.orgUuid)?.locations.includes(location)) {
      throw new RangeError(`Location ${locationId} was not found; pass an id from GET /locations.`);
    }
    return location;
  }

  /** @throws RangeError when no Webex Calling location has the id */
  findCallingLocation(locationId: string): LocationRecord {
    const location = this.findLocation(locationId);
    if (!location.calling) {
      throw new RangeError(`Location ${location.name} (${locationId}) has no Webex Calling; pass an id from GET /telephony/config/locations.`);
    }
    return location;
  }

  // Call features

  addCallFeature(input: CallFeatureInput): CallFeatureRecord {
    if (input.kind !== "callQueue" && input.kind !== "huntGroup" && input.kind !== "autoAttendant") {
      throw new TypeError(`addCallFeature kind must be "callQueue", "huntGroup" or "autoAttendant", got ${JSON.stringify(input.kind)}.`);
    }
    const name = requireText(input.name, "addCallFeature name");
    const location = this.findCallingLocation(input.locationId);
    const org = this.orgFor(encodeId("ORGANIZATION", location.orgUuid));
    const agents = input.agentIds === undefined ? [] : this.#agents(org, input.kind, input.agentIds);
    const feature = createFeature(this.#random, org, location, input.kind, name, input.withNumber ?? false);
    feature.policy = "CIRCULAR";
    if (feature.kind !== "autoAttendant") {
      feature.agents = agents;
    }
    this.#context.state.addFeature(feature);
    return feature;
  }

  updateCallFeature(featureId: string, patch: CallFeaturePatch): void {
    const feature = this.findFeature(featureId);
    const org = this.orgFor(encodeId("ORGANIZATION", feature.orgUuid));
    const agents = patch.agentIds === undefined ? undefined : this.#agents(org, feature.kind, patch.agentIds);
    if (patch.name !== undefined) {
      feature.name = requireText(patch.name, "updateCallFeature name");
    }
    if (patch.enabled !== undefined) {
      if (typeof patch.enabled !== "boolean") {
        throw new TypeError(`updateCallFeature enabled must be true or false, got ${JSON.stringify(patch.enabled)}.`);
      }
      feature.enabled = patch.enabled;
    }
    if (agents && feature.kind !== "autoAttendant") {
      feature.agents = agents;
    }
  }

  removeCallFeature(featureId: string): void {
    this.#context.state.removeFeature(this.findFeature(featureId));
  }

  /** @throws RangeError when no call queue, hunt group or auto attendant has the id */
  findFeature(featureId: string): CallFeatureRecord {
    const feature = this.#context.state.findFeature(featureId);
    if (!feature) {
      throw new RangeError(`Call feature ${featureId} was not found; pass the id of a call queue, hunt group or auto attendant.`);
    }
    return feature;
  }

  // Helpers

  #licenseIds(org: OrgRecord, ids: string[]): string[] {
    if (!Array.isArray(ids)) {
      throw new TypeError(`licenses must be an array of license ids, got ${JSON.stringify(ids)}.`);
    }
    return ids.map((id) => {
      const license = this.#context.state.findLicense(id);
      if (!license || license.orgUuid !== org.uuid) {
        throw new RangeError(`License ${id} was not found in org ${org.displayName}; pass an id from GET /licenses.`);
      }
      return license.id;
    });
  }

  /** Checks a calling input against the org and the person's current data, without changing anything. */
  #planCalling(org: OrgRecord, person: PersonRecord, input: CallingInput): PlannedCalling {
    const current = person.calling;
    const fallback = current?.locationId ?? org.locations.find((location) => location.calling)?.id;
    if (input.locationId === undefined && fallback === undefined) {
      throw new RangeError(`Org ${org.displayName} has no Webex Calling location; add one with addLocation first.`);
    }
    const location = this.findCallingLocation(input.locationId ?? (fallback as string));
    if (location.orgUuid !== org.uuid) {
      throw new RangeError(`Location ${location.name} is not in org ${org.displayName}.`);
    }
    const sameLocation = current?.locationId === location.id;

    let extension: string | undefined;
    if (input.extension === null) {
      extension = undefined;
    } else if (input.extension !== undefined) {
      extension = requireText(input.extension, "calling extension");
      if (!/^\d{2,10}$/.test(extension)) {
        throw new TypeError(`calling extension must be 2 to 10 digits, got ${JSON.stringify(input.extension)}.`);
      }
    } else {
      extension = sameLocation && current?.extension !== undefined ? current.extension : allocateExtension(location);
    }

    let workNumber: string | undefined;
    if (input.workNumber === undefined) {
      workNumber = sameLocation ? current?.workNumber : undefined;
    } else if (input.workNumber !== null) {
      workNumber = requireE164(input.workNumber, "calling workNumber");
      if (workNumber !== current?.workNumber) {
        const spare = this.#context.state.findSpareNumber(org, workNumber);
        if (spare && spare.location !== location) {
          throw new RangeError(`Number ${workNumber} belongs to location ${spare.location.name}, not ${location.name}.`);
        }
        if (!spare && this.isNumberInUse(org, workNumber)) {
          throw new RangeError(`Number ${workNumber} is assigned in org ${org.displayName}; pass an unassigned number.`);
        }
      }
    }
    return { location, extension, workNumber };
  }

  /** Sets a person's calling data; a number they give up stays in the inventory, a spare number they take leaves it. */
  #applyCalling(org: OrgRecord, person: PersonRecord, planned: PlannedCalling): void {
    const state = this.#context.state;
    const oldNumber = person.calling?.workNumber;
    const oldLocation = person.calling ? state.findLocation(person.calling.locationId) : undefined;
    if (oldNumber !== undefined && oldNumber !== planned.workNumber && oldLocation) {
      org.numbers.push({ kind: "spare", location: oldLocation, phoneNumber: oldNumber, state: "ACTIVE", isServiceNumber: false });
    }

    person.calling = { locationId: planned.location.id, routingPrefix: planned.location.routingPrefix };
    if (planned.extension !== undefined) {
      person.calling.extension = planned.extension;
    }
    if (planned.workNumber !== undefined) {
      person.calling.workNumber = planned.workNumber;
    }
    person.timezone = planned.location.timeZone;

    const spare = planned.workNumber === undefined || planned.workNumber === oldNumber ? undefined : state.findSpareNumber(org, planned.workNumber);
    if (spare) {
      state.claimSpareNumber(org, spare, person);
    }
    state.syncPersonLine(person);
  }

  #setMainNumber(org: OrgRecord, location: LocationRecord, mainNumber: string | null): void {
    const calling = location.calling;
    if (!calling) {
      throw new RangeError(`Location ${location.name} has no Webex Calling, so it has no main number.`);
    }
    if (mainNumber === null) {
      calling.mainNumber = undefined;
      this.#context.state.syncMainLine(location);
      return;
    }
    const phoneNumber = requireE164(mainNumber, "updateLocation mainNumber");
    const spare = this.#context.state.findSpareNumber(org, phoneNumber);
    if (!spare && phoneNumber !== calling.mainNumber && this.isNumberInUse(org, phoneNumber)) {
      throw new RangeError(`Number ${phoneNumber} is assigned in org ${org.displayName}; pass an unassigned number.`);
    }
    if (spare) {
      org.numbers.splice(org.numbers.indexOf(spare), 1);
    }
    calling.mainNumber = phoneNumber;
    this.#context.state.syncMainLine(location);
  }

  #findSpare(phoneNumber: string, orgId: string | undefined, caller: string): Extract<OrgRecord["numbers"][number], { kind: "spare" }> {
    const org = this.orgFor(orgId);
    const spare = this.#context.state.findSpareNumber(org, phoneNumber);
    if (!spare) {
      throw new RangeError(`${caller}: ${phoneNumber} is not an unassigned number of org ${org.displayName}; only unassigned numbers can be changed this way.`);
    }
    return spare;
  }

  #agents(org: OrgRecord, kind: CallFeatureRecord["kind"], personIds: string[]): AgentRecord[] {
    if (kind === "autoAttendant") {
      throw new TypeError("Auto attendants have no agents; leave agentIds out.");
    }
    return personIds.map((id) => {
      const person = this.findPerson(id);
      if (person.orgUuid !== org.uuid || !person.calling) {
        throw new RangeError(`Person ${id} is not a calling user of org ${org.displayName}, so they cannot be an agent.`);
      }
      return { person, joinEnabled: true };
    });
  }
}

interface PlannedCalling {
  location: LocationRecord;
  extension?: string;
  workNumber?: string;
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(`${name} must be a non-empty string, got ${JSON.stringify(value)}.`);
  }
  return value.trim();
}

function requireCount(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a whole number of at least 0, got ${JSON.stringify(value)}.`);
  }
  return value;
}

function requireE164(value: unknown, name: string): string {
  if (typeof value !== "string" || !E164_PATTERN.test(value)) {
    throw new TypeError(`${name} must be an E.164 number such as "+12175550100", got ${JSON.stringify(value)}.`);
  }
  return value;
}

function setOptionalText(person: PersonRecord, field: "title" | "department", value: string | null | undefined, name: string): void {
  if (value === null) {
    delete person[field];
  } else if (value !== undefined) {
    person[field] = requireText(value, name);
  }
}

/** first.last@domain, then first.last2@domain and so on while taken. */
function uniqueEmail(org: OrgRecord, firstName: string, lastName: string): string {
  const local = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z0-9.]+/g, "");
  const taken = new Set(org.people.map((person) => person.email));
  let email = `${local}@${org.domain}`;
  for (let suffix = 2; taken.has(email); suffix += 1) {
    email = `${local}${suffix}@${org.domain}`;
  }
  return email;
}

/** Returns the first area code from 200 up that no location of the org uses. */
function freeAreaCode(org: OrgRecord): string {
  const used = new Set(org.locations.map((location) => location.calling?.areaCode));
  let code = 200;
  while (used.has(String(code))) {
    code += 1;
  }
  return String(code);
}
