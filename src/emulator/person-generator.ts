import { encodeId } from "../ids.js";
import { allocateExtension, allocatePhoneNumber } from "./calling.js";
import type { LocationRecord, OrgRecord, PersonRecord, RoleName } from "./model.js";
import { DEPARTMENTS, FIRST_NAMES, LAST_NAMES, STATUSES } from "./names.js";
import type { Random } from "./random.js";

/** Fixed reference date of generated timestamps, so one seed always yields the same data. */
export const BASE_MS = Date.UTC(2025, 10, 1);
export const DAY_MS = 86_400_000;

/** Share of calling users who get a direct number besides their extension. */
const DIRECT_NUMBER_SHARE = 0.7;

/**
 * Makes people with unique emails for one org, and gives calling users a location, an
 * extension and usually a direct number from that location's number block. License arrays
 * with the same content are shared between people to keep large orgs small in memory.
 */
export class PersonGenerator {
  readonly #random: Random;
  readonly #org: OrgRecord;
  readonly #locations: LocationRecord[];
  /** Next free numeric suffix per email local part; 1 means the bare local part is still free. */
  readonly #emailSuffixes = new Map<string, number>();
  readonly #callingLicenseIds: Set<string>;
  readonly #meetingLicenseIds: Set<string>;
  readonly #licenseSets = new Map<string, readonly string[]>();
  readonly #siteUrls: readonly string[];
  /** Calling users per location, for choosing queue and hunt group agents. */
  readonly callingPeople = new Map<LocationRecord, PersonRecord[]>();
  #nextMobile = 0;

  /** `locations` are the org's Webex Calling locations. */
  constructor(random: Random, org: OrgRecord, locations: LocationRecord[]) {
    this.#random = random;
    this.#org = org;
    this.#locations = locations;
    this.#siteUrls = [org.siteUrl];
    this.#callingLicenseIds = new Set(org.licenses.filter((license) => isCallingLicense(license.name)).map((license) => license.id));
    this.#meetingLicenseIds = new Set(org.licenses.filter((license) => license.name.startsWith("Meeting")).map((license) => license.id));
  }

  next(licenses: string[]): PersonRecord {
    const random = this.#random;
    const firstName = random.pick(FIRST_NAMES);
    const lastName = random.pick(LAST_NAMES);
    const team = random.pick(DEPARTMENTS);
    const uuid = random.uuid();
    const createdMs = BASE_MS - random.integer(30, 2000) * DAY_MS;
    const modifiedMs = createdMs + random.integer(0, Math.floor((BASE_MS - createdMs) / DAY_MS)) * DAY_MS;
    const invitePending = random.chance(0.03);
    const roles: RoleName[] = random.chance(0.02) ? ["read_only_admin"] : [];
    const licenseKey = licenses.join(",");
    const sharedLicenses = this.#licenseSets.get(licenseKey) ?? licenses;
    this.#licenseSets.set(licenseKey, sharedLicenses);

    const person: PersonRecord = {
      uuid,
      id: encodeId("PEOPLE", uuid),
      orgUuid: this.#org.uuid,
      type: "person",
      email: this.#uniqueEmail(firstName, lastName),
      displayName: `${firstName} ${lastName}`,
      firstName,
      lastName,
      roles,
      licenses: sharedLicenses,
      department: team.department,
      title: random.pick(team.titles),
      createdMs,
      lastModifiedMs: modifiedMs,
      status: invitePending ? "pending" : random.pick(STATUSES),
      invitePending,
      loginEnabled: !random.chance(0.02),
    };
    if (!invitePending) {
      person.lastActivityMs = BASE_MS - random.integer(0, 90 * 24 * 60) * 60_000;
    }
    if (random.chance(0.2)) {
      person.mobileNumber = `+1555${String(2_000_000 + this.#nextMobile++).padStart(7, "0")}`;
    }
    if (this.#hasMeeting(licenses)) {
      person.siteUrls = this.#siteUrls;
    }
    return this.#hasCalling(licenses) ? this.withCalling(person) : person;
  }

  /** Gives `person` a calling location, an extension and usually a direct number. */
  withCalling(person: PersonRecord): PersonRecord {
    const location = this.#random.pick(this.#locations);
    person.timezone = location.timeZone;
    person.calling = { locationId: location.id, extension: allocateExtension(location), routingPrefix: location.routingPrefix };
    if (this.#random.chance(DIRECT_NUMBER_SHARE)) {
      person.calling.workNumber = allocatePhoneNumber(location);
    }
    const people = this.callingPeople.get(location);
    if (people) {
      people.push(person);
    } else {
      this.callingPeople.set(location, [person]);
    }
    return person;
  }

  #hasCalling(licenses: readonly string[]): boolean {
    return this.#locations.length > 0 && licenses.some((id) => this.#callingLicenseIds.has(id));
  }

  #hasMeeting(licenses: readonly string[]): boolean {
    return licenses.some((id) => this.#meetingLicenseIds.has(id));
  }

  /** Returns first.last@domain, then first.last2@domain and so on for repeated names. */
  #uniqueEmail(firstName: string, lastName: string): string {
    const local = `${firstName}.${lastName}`.toLowerCase();
    const suffix = this.#emailSuffixes.get(local) ?? 1;
    this.#emailSuffixes.set(local, suffix + 1);
    return suffix === 1 ? `${local}@${this.#org.domain}` : `${local}${suffix}@${this.#org.domain}`;
  }
}

/** True for the licenses that make a person a Webex Calling user (not the workspace license). */
export function isCallingLicense(name: string): boolean {
  return name.startsWith("Webex Calling") && !name.includes("Workspaces");
}
