import { decodeId, isUuid } from "../ids.js";
import type {
  ApplicationRecord,
  CallFeatureRecord,
  LicenseRecord,
  LocationRecord,
  NumberEntry,
  OrgRecord,
  PersonRecord,
} from "./model.js";

/** Webex id kinds of the call features, by record kind. */
export const FEATURE_ID_KINDS = {
  callQueue: "CALL_QUEUE",
  huntGroup: "HUNT_GROUP",
  autoAttendant: "AUTO_ATTENDANT",
} as const;

/**
 * The emulator's data: orgs with their people, locations, licenses, numbers and call features,
 * and applications. Records live in plain arrays per org and are indexed by UUID in maps.
 * Changes go through the methods here, so license consumption and the numbers list stay in
 * step with the people and features.
 */
export class EmulatorState {
  readonly orgs = new Map<string, OrgRecord>();
  readonly people = new Map<string, PersonRecord>();
  readonly licenses = new Map<string, LicenseRecord>();
  readonly locations = new Map<string, LocationRecord>();
  readonly features = new Map<string, CallFeatureRecord>();
  readonly applications = new Map<string, ApplicationRecord>();
  readonly #applicationsByClientId = new Map<string, ApplicationRecord>();
  /** Licenses by their base64 id as people records store it, to count consumption without decoding. */
  readonly #licensesById = new Map<string, LicenseRecord>();
  /** Locations by their base64 id as people records store it. */
  readonly #locationsById = new Map<string, LocationRecord>();
  /** The numbers-list row of each person, feature and main number that has one. */
  readonly #entries = new Map<PersonRecord | CallFeatureRecord | LocationRecord, NumberEntry>();

  addOrg(org: OrgRecord): void {
    this.orgs.set(org.uuid, org);
  }

  addLocation(location: LocationRecord): void {
    this.locations.set(location.uuid, location);
    this.#locationsById.set(location.id, location);
    this.#requireOrg(location.orgUuid).locations.push(location);
    this.syncMainLine(location);
  }

  /** Removes a location together with its main number and spare numbers. */
  removeLocation(location: LocationRecord): void {
    const org = this.#requireOrg(location.orgUuid);
    this.locations.delete(location.uuid);
    this.#locationsById.delete(location.id);
    removeItem(org.locations, location);
    this.#removeEntry(org, location);
    org.numbers = org.numbers.filter((entry) => entry.kind !== "spare" || entry.location !== location);
  }

  addLicense(license: LicenseRecord): void {
    this.licenses.set(license.uuid, license);
    this.#licensesById.set(license.id, license);
    this.#requireOrg(license.orgUuid).licenses.push(license);
  }

  /** Adds a person to their org, counts their licenses as consumed and lists their number. */
  addPerson(person: PersonRecord): void {
    this.people.set(person.uuid, person);
    this.#requireOrg(person.orgUuid).people.push(person);
    this.#countLicenses(person.licenses, 1);
    this.syncPersonLine(person);
  }

  /**
   * Removes a person: their licenses are released, they leave every queue and hunt group, and
   * their phone number stays in the location's inventory, unassigned, as Webex keeps it.
   */
  removePerson(person: PersonRecord): void {
    const org = this.#requireOrg(person.orgUuid);
    this.people.delete(person.uuid);
    removeItem(org.people, person);
    this.#countLicenses(person.licenses, -1);
    for (const feature of [...org.callQueues, ...org.huntGroups]) {
      feature.agents = feature.agents.filter((agent) => agent.person !== person);
    }
    this.releaseLine(person);
  }

  /** Replaces a person's licenses and moves the consumed counts with them. */
  setPersonLicenses(person: PersonRecord, licenses: readonly string[]): void {
    this.#countLicenses(person.licenses, -1);
    person.licenses = licenses;
    this.#countLicenses(licenses, 1);
  }

  addFeature(feature: CallFeatureRecord): void {
    const org = this.#requireOrg(feature.orgUuid);
    this.features.set(feature.uuid, feature);
    featuresOf(org, feature.kind).push(feature);
    this.syncFeatureLine(feature);
  }

  /** Removes a call feature; its phone number stays in the inventory, unassigned. */
  removeFeature(feature: CallFeatureRecord): void {
    const org = this.#requireOrg(feature.orgUuid);
    this.features.delete(feature.uuid);
    removeItem(featuresOf(org, feature.kind), feature);
    this.releaseLine(feature);
  }

  addApplication(app: ApplicationRecord): void {
    this.applications.set(app.uuid, app);
    this.#applicationsByClientId.set(app.clientId, app);
  }

  removeApplication(app: ApplicationRecord): void {
    this.applications.delete(app.uuid);
    this.#applicationsByClientId.delete(app.clientId);
  }

  /** Lists a person's number or extension, or drops the row when they have neither. */
  syncPersonLine(person: PersonRecord): void {
    const calling = person.calling;
    this.#syncEntry(person, Boolean(calling && (calling.extension || calling.workNumber)), () => ({ kind: "person", person }));
  }

  /** Lists a feature's number or extension, or drops the row when it has neither. */
  syncFeatureLine(feature: CallFeatureRecord): void {
    this.#syncEntry(feature, Boolean(feature.extension || feature.phoneNumber), () => ({ kind: "feature", feature }));
  }

  /** Lists a calling location's main number, or drops the row when it has none. */
  syncMainLine(location: LocationRecord): void {
    this.#syncEntry(location, Boolean(location.calling?.mainNumber), () => ({ kind: "main", location }));
  }

  /** Finds the unowned inventory row of `phoneNumber` in the org. */
  findSpareNumber(org: OrgRecord, phoneNumber: string): Extract<NumberEntry, { kind: "spare" }> | undefined {
    for (const entry of org.numbers) {
      if (entry.kind === "spare" && entry.phoneNumber === phoneNumber) {
        return entry;
      }
    }
    return undefined;
  }

  /**
   * Gives a spare number to a person or feature whose record already has it. The spare row
   * becomes the owner's row in place, so the list keeps its order. An owner that already had a
   * row (an extension only) keeps that row, and the spare row is removed.
   */
  claimSpareNumber(org: OrgRecord, spare: NumberEntry, owner: PersonRecord | CallFeatureRecord): void {
    const index = org.numbers.indexOf(spare);
    if (index < 0) {
      return;
    }
    if (this.#entries.has(owner)) {
      org.numbers.splice(index, 1);
      return;
    }
    const entry: NumberEntry = "kind" in owner ? { kind: "feature", feature: owner } : { kind: "person", person: owner };
    org.numbers[index] = entry;
    this.#entries.set(owner, entry);
  }

  /** Finds an org by base64 id or bare UUID. */
  findOrg(idOrUuid: string): OrgRecord | undefined {
    return this.orgs.get(rawIdOf(idOrUuid, "ORGANIZATION") ?? "");
  }

  findPerson(id: string): PersonRecord | undefined {
    return this.people.get(rawIdOf(id, "PEOPLE") ?? "");
  }

  findLicense(id: string): LicenseRecord | undefined {
    return this.#licensesById.get(id) ?? this.licenses.get(rawIdOf(id, "LICENSE") ?? "");
  }

  findLocation(id: string): LocationRecord | undefined {
    return this.#locationsById.get(id) ?? this.locations.get(rawIdOf(id, "LOCATION") ?? "");
  }

  /** Finds a call queue, hunt group or auto attendant by base64 id; `kind` narrows the search. */
  findFeature(id: string, kind?: CallFeatureRecord["kind"]): CallFeatureRecord | undefined {
    const parts = decodeId(id);
    const uuid = parts ? parts.id.toLowerCase() : isUuid(id) ? id.toLowerCase() : "";
    const feature = this.features.get(uuid);
    if (!feature || (kind !== undefined && feature.kind !== kind)) {
      return undefined;
    }
    if (parts && parts.kind !== FEATURE_ID_KINDS[feature.kind]) {
      return undefined;
    }
    return feature;
  }

  findApplication(id: string): ApplicationRecord | undefined {
    return this.applications.get(rawIdOf(id, "APPLICATION") ?? "");
  }

  findApplicationByClientId(clientId: string): ApplicationRecord | undefined {
    return this.#applicationsByClientId.get(clientId);
  }

  #countLicenses(licenseIds: readonly string[], delta: number): void {
    for (const licenseId of licenseIds) {
      const license = this.findLicense(licenseId);
      if (license) {
        license.consumedByUsers += delta;
      }
    }
  }

  #syncEntry(owner: PersonRecord | CallFeatureRecord | LocationRecord, wanted: boolean, create: () => NumberEntry): void {
    const existing = this.#entries.get(owner);
    if (wanted && !existing) {
      const entry = create();
      this.#entries.set(owner, entry);
      this.#requireOrg(owner.orgUuid).numbers.push(entry);
    } else if (!wanted && existing) {
      this.#removeEntry(this.#requireOrg(owner.orgUuid), owner);
    }
  }

  #removeEntry(org: OrgRecord, owner: PersonRecord | CallFeatureRecord | LocationRecord): void {
    const existing = this.#entries.get(owner);
    if (existing) {
      this.#entries.delete(owner);
      removeItem(org.numbers, existing);
    }
  }

  /**
   * Turns an owner's row into an unassigned row of the same number in place, because Webex keeps
   * a number in the location's inventory when its owner is deleted. A row with only an extension is dropped.
   */
  releaseLine(owner: PersonRecord | CallFeatureRecord): void {
    const existing = this.#entries.get(owner);
    if (!existing) {
      return;
    }
    const org = this.#requireOrg(owner.orgUuid);
    this.#entries.delete(owner);
    const index = org.numbers.indexOf(existing);
    const isFeature = "kind" in owner;
    const phoneNumber = isFeature ? owner.phoneNumber : owner.calling?.workNumber;
    const location = isFeature ? owner.location : this.findLocation(owner.calling?.locationId ?? "");
    if (index < 0) {
      return;
    }
    if (phoneNumber && location) {
      org.numbers[index] = { kind: "spare", location, phoneNumber, state: "ACTIVE", isServiceNumber: isFeature };
    } else {
      org.numbers.splice(index, 1);
    }
  }

  #requireOrg(uuid: string): OrgRecord {
    const org = this.orgs.get(uuid);
    if (!org) {
      throw new Error(`Emulator fixture error: org ${uuid} is not seeded.`);
    }
    return org;
  }
}

/** Returns the array of an org that contains its features of `kind`. */
export function featuresOf(org: OrgRecord, kind: CallFeatureRecord["kind"]): CallFeatureRecord[] {
  if (kind === "callQueue") {
    return org.callQueues;
  }
  return kind === "huntGroup" ? org.huntGroups : org.autoAttendants;
}

function removeItem<T>(items: T[], item: T): void {
  const index = items.indexOf(item);
  if (index >= 0) {
    items.splice(index, 1);
  }
}

/**
 * Returns the lower-case raw id inside a base64 Webex id of `kind`, or a bare UUID itself.
 * Returns undefined for anything else, including an id of another kind.
 */
function rawIdOf(value: string, kind: string): string | undefined {
  if (isUuid(value)) {
    return value.toLowerCase();
  }
  const parts = decodeId(value);
  if (!parts || parts.kind !== kind) {
    return undefined;
  }
  return parts.id.toLowerCase();
}
