import { encodeId } from "../ids.js";
import type { LicenseRecord, LocationRecord, OrgRecord, PersonRecord, RoleName } from "./model.js";
import { DEPARTMENTS, FIRST_NAMES, LAST_NAMES, PLACES, STATUSES } from "./names.js";
import { createRandom, type Random } from "./random.js";
import type { EmulatorState } from "./state.js";

/** Fixed reference date of generated timestamps, so one seed always yields the same data. */
const BASE_MS = Date.UTC(2025, 10, 1);
const DAY_MS = 86_400_000;

export interface SeedSettings {
  fixture: "demo" | "empty";
  randomSeed: number;
  /** People in the customer org, its admin included. */
  people: number;
}

/** The seeded orgs and the people whose personal tokens the emulator hands out. */
export interface SeededWorld {
  developerOrg: OrgRecord;
  customerOrg: OrgRecord;
  developer: PersonRecord;
  customerAdmin: PersonRecord;
}

/**
 * Loads a fixture into `state`. Both fixtures have the developer org with its developer (a
 * full admin) and the customer org with its full admin; `demo` adds locations, licenses and
 * generated people.
 */
export function seedState(state: EmulatorState, settings: SeedSettings): SeededWorld {
  const random = createRandom(settings.randomSeed);
  const developerOrg = createOrg(random, "Wxadmin Developer Org", "wxadmin-dev.example", "wxadmin-dev", 2021);
  const customerOrg = createOrg(random, "Example Customer Inc.", "example-customer.example", "example-customer", 2019);
  state.addOrg(developerOrg);
  state.addOrg(customerOrg);

  if (settings.fixture === "empty") {
    const developer = createAdmin(random, developerOrg, "Jordan", "Rivera", []);
    const customerAdmin = createAdmin(random, customerOrg, "Morgan", "Lee", []);
    state.addPerson(developer);
    state.addPerson(customerAdmin);
    return { developerOrg, customerOrg, developer, customerAdmin };
  }

  const developer = seedDeveloperOrg(state, random, developerOrg);
  const customerAdmin = seedCustomerOrg(state, random, customerOrg, Math.max(1, settings.people));
  return { developerOrg, customerOrg, developer, customerAdmin };
}

function seedDeveloperOrg(state: EmulatorState, random: Random, org: OrgRecord): PersonRecord {
  const messaging = createLicense(random, org, "Messaging", 0);
  const meeting = createLicense(random, org, "Meeting - Webex Meeting Center", 0, org.siteUrl);
  state.addLicense(messaging);
  state.addLicense(meeting);

  const developer = createAdmin(random, org, "Jordan", "Rivera", [messaging.id, meeting.id]);
  state.addPerson(developer);
  const generator = new PersonGenerator(random, org, []);
  for (let index = 0; index < 2; index += 1) {
    state.addPerson(generator.next([messaging.id]));
  }

  settleTotals(random, org);
  return developer;
}

function seedCustomerOrg(state: EmulatorState, random: Random, org: OrgRecord, peopleCount: number): PersonRecord {
  const locations = createLocations(random, org);
  for (const location of locations) {
    state.addLocation(location);
  }

  const messaging = createLicense(random, org, "Messaging", 0);
  const meeting = createLicense(random, org, "Meeting - Webex Meeting Center", 0, org.siteUrl);
  const callingPro = createLicense(random, org, "Webex Calling - Professional", 0);
  const callingBasic = createLicense(random, org, "Webex Calling - Basic", 0);
  const workspaces = createLicense(random, org, "Webex Calling - Workspaces", 2 + Math.floor(peopleCount / 50));
  for (const license of [messaging, meeting, callingPro, callingBasic, workspaces]) {
    state.addLicense(license);
  }

  const generator = new PersonGenerator(random, org, locations);
  const adminLicenses = [messaging.id, meeting.id, callingPro.id];
  const customerAdmin = generator.withCalling(createAdmin(random, org, "Morgan", "Lee", adminLicenses));
  state.addPerson(customerAdmin);

  for (let index = 1; index < peopleCount; index += 1) {
    const licenses = [messaging.id];
    if (random.chance(0.65)) {
      licenses.push(meeting.id);
    }
    if (random.chance(0.55)) {
      licenses.push(callingPro.id);
    } else if (random.chance(0.3)) {
      licenses.push(callingBasic.id);
    }
    state.addPerson(generator.next(licenses));
  }

  settleTotals(random, org);
  return customerAdmin;
}

/** Sets each license's total above its consumption, leaving some free units as a real org has. */
function settleTotals(random: Random, org: OrgRecord): void {
  for (const license of org.licenses) {
    const consumed = license.consumedByUsers + license.consumedByWorkspaces;
    const spare = Math.max(5, Math.ceil(consumed * (0.05 + random.next() * 0.2)));
    license.totalUnits = Math.ceil((consumed + spare) / 5) * 5;
  }
}

function createOrg(random: Random, displayName: string, domain: string, site: string, year: number): OrgRecord {
  const uuid = random.uuid();
  return {
    uuid,
    id: encodeId("ORGANIZATION", uuid),
    displayName,
    created: new Date(Date.UTC(year, random.integer(0, 11), random.integer(1, 28), 9)).toISOString(),
    domain,
    siteUrl: `${site}.webex.com`,
    people: [],
    locations: [],
    licenses: [],
  };
}

function createLocations(random: Random, org: OrgRecord): LocationRecord[] {
  const count = random.integer(2, 4);
  const start = random.integer(0, PLACES.length - 1);
  const locations: LocationRecord[] = [];
  for (let index = 0; index < count; index += 1) {
    const place = PLACES[(start + index) % PLACES.length]!;
    const uuid = random.uuid();
    locations.push({
      uuid,
      id: encodeId("LOCATION", uuid),
      orgUuid: org.uuid,
      name: index === 0 ? `${place.city} HQ` : `${place.city} Office`,
      routingPrefix: String(8100 + index * 100),
      timeZone: place.timeZone,
      city: place.city,
      region: place.region,
      country: place.country,
    });
  }
  return locations;
}

function createLicense(random: Random, org: OrgRecord, name: string, workspaces: number, siteUrl?: string): LicenseRecord {
  const uuid = random.uuid();
  const license: LicenseRecord = {
    uuid,
    id: encodeId("LICENSE", uuid),
    orgUuid: org.uuid,
    name,
    totalUnits: 0,
    consumedByUsers: 0,
    consumedByWorkspaces: workspaces,
    subscriptionId: `Sub-${random.hex(10).toUpperCase()}`,
  };
  if (siteUrl) {
    license.siteUrl = siteUrl;
    license.siteType = "Control Hub managed site";
  }
  return license;
}

function createAdmin(random: Random, org: OrgRecord, firstName: string, lastName: string, licenses: string[]): PersonRecord {
  const uuid = random.uuid();
  const createdMs = Date.parse(org.created) + DAY_MS;
  return {
    uuid,
    id: encodeId("PEOPLE", uuid),
    orgUuid: org.uuid,
    type: "person",
    email: `${firstName}.${lastName}@${org.domain}`.toLowerCase(),
    displayName: `${firstName} ${lastName}`,
    firstName,
    lastName,
    roles: ["full_admin"],
    licenses,
    department: "IT",
    title: "IT Administrator",
    timezone: "America/Chicago",
    createdMs,
    lastModifiedMs: createdMs,
    lastActivityMs: BASE_MS - DAY_MS,
    status: "active",
    invitePending: false,
    loginEnabled: true,
    ...(licenses.length > 1 ? { siteUrls: [org.siteUrl] } : {}),
  };
}

/**
 * Makes people with unique emails and extensions for one org. License arrays with the same
 * content are shared between people to keep large orgs small in memory.
 */
class PersonGenerator {
  readonly #random: Random;
  readonly #org: OrgRecord;
  readonly #locations: LocationRecord[];
  /** Next free numeric suffix per email local part; 1 means the bare local part is still free. */
  readonly #emailSuffixes = new Map<string, number>();
  readonly #callingLicenseIds: Set<string>;
  readonly #meetingLicenseIds: Set<string>;
  readonly #licenseSets = new Map<string, readonly string[]>();
  readonly #siteUrls: readonly string[];
  #nextExtension = 1001;
  #nextNumber = 0;

  constructor(random: Random, org: OrgRecord, locations: LocationRecord[]) {
    this.#random = random;
    this.#org = org;
    this.#locations = locations;
    this.#siteUrls = [org.siteUrl];
    this.#callingLicenseIds = new Set(org.licenses.filter((license) => license.name.startsWith("Webex Calling")).map((license) => license.id));
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
      person.mobileNumber = `+1555${String(2_000_000 + this.#nextNumber++).padStart(7, "0")}`;
    }
    if (this.#hasMeeting(licenses)) {
      person.siteUrls = this.#siteUrls;
    }
    return this.#hasCalling(licenses) ? this.withCalling(person) : person;
  }

  /** Gives `person` a location, an extension and usually a direct number. */
  withCalling(person: PersonRecord): PersonRecord {
    const location = this.#random.pick(this.#locations);
    const extension = String(this.#nextExtension++);
    person.timezone = location.timeZone;
    person.calling = { locationId: location.id, extension, routingPrefix: location.routingPrefix };
    if (this.#random.chance(0.7)) {
      const areaCode = 200 + Number(location.routingPrefix.slice(1, 2)) * 111;
      person.calling.workNumber = `+1${areaCode}${String(5_550_000 + Number(extension)).padStart(7, "0").slice(-7)}`;
    }
    return person;
  }

  #hasCalling(licenses: readonly string[]): boolean {
    return licenses.some((id) => this.#callingLicenseIds.has(id));
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
