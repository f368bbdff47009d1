import { encodeId } from "../ids.js";
import type { LicenseRecord, OrgRecord, PersonRecord } from "./model.js";
import { COMPANY_NAMES, COMPANY_TRADES } from "./names.js";
import { BASE_MS, DAY_MS, PersonGenerator } from "./person-generator.js";
import { createRandom, type Random } from "./random.js";
import { seedCallFeatures, seedFindings, seedLocations, seedSpareNumbers } from "./seed-calling.js";
import type { EmulatorState } from "./state.js";

export interface SeedSettings {
  fixture: "demo" | "empty";
  randomSeed: number;
  /** People in the first customer org, its admin included. */
  people: number;
  /** Customer orgs the partner manages, the first customer org included. */
  orgs: number;
  /** People in each further customer org, its admin included. */
  customerOrgPeople: number;
  /** Seeds a license of the first customer org consumed beyond its total. */
  overConsumedLicense: boolean;
}

/** The seeded orgs and the people whose personal tokens the emulator hands out. */
export interface SeededWorld {
  developerOrg: OrgRecord;
  customerOrg: OrgRecord;
  developer: PersonRecord;
  customerAdmin: PersonRecord;
  partnerOrg: OrgRecord;
  partnerAdmin: PersonRecord;
  /** Every customer org the partner manages; the first is `customerOrg`. */
  customerOrgs: OrgRecord[];
}

/**
 * Loads a fixture into `state`. Both fixtures have the developer org with its developer (a
 * full admin), the customer orgs with their full admins, and a partner org whose admin manages
 * every customer org. `demo` adds locations, licenses, generated people and Webex Calling data,
 * with a small share of audit findings.
 */
export function seedState(state: EmulatorState, settings: SeedSettings): SeededWorld {
  const random = createRandom(settings.randomSeed);
  const developerOrg = createOrg(random, "Wxadmin Developer Org", "wxadmin-dev.example", "wxadmin-dev", 2021);
  const customerOrg = createOrg(random, "Example Customer Inc.", "example-customer.example", "example-customer", 2019);
  state.addOrg(developerOrg);
  state.addOrg(customerOrg);

  let developer: PersonRecord;
  let customerAdmin: PersonRecord;
  if (settings.fixture === "empty") {
    developer = createAdmin(random, developerOrg, "Jordan", "Rivera", []);
    customerAdmin = createAdmin(random, customerOrg, "Morgan", "Lee", []);
    state.addPerson(developer);
    state.addPerson(customerAdmin);
  } else {
    developer = seedDeveloperOrg(state, random, developerOrg);
    customerAdmin = seedCustomerOrg(state, random, customerOrg, Math.max(1, settings.people), "Morgan", "Lee");
    if (settings.overConsumedLicense) {
      overConsumeLicense(customerOrg);
    }
  }

  // The partner and the further customer orgs draw from their own stream, so adding orgs does
  // not change the data of the first two.
  const partnerRandom = createRandom(settings.randomSeed ^ 0x5a17c0de);
  const partnerOrg = createOrg(partnerRandom, "Wxadmin Partner Services", "wxadmin-partner.example", "wxadmin-partner", 2017);
  state.addOrg(partnerOrg);
  const partnerAdmin = createAdmin(partnerRandom, partnerOrg, "Casey", "Quinn", []);
  state.addPerson(partnerAdmin);

  customerOrg.partnerUuid = partnerOrg.uuid;
  const customerOrgs = [customerOrg];
  for (let index = 1; index < settings.orgs; index += 1) {
    const org = createCustomerOrg(partnerRandom, index);
    org.partnerUuid = partnerOrg.uuid;
    state.addOrg(org);
    if (settings.fixture === "empty") {
      state.addPerson(createAdmin(partnerRandom, org, "Avery", "Brooks", []));
    } else {
      seedCustomerOrg(state, partnerRandom, org, Math.max(1, settings.customerOrgPeople), "Avery", "Brooks");
      // Every further org has one over-consumed license, so a partner-wide audit finds some.
      overConsumeLicense(org);
    }
    customerOrgs.push(org);
  }
  return { developerOrg, customerOrg, developer, customerAdmin, partnerOrg, partnerAdmin, customerOrgs };
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

/** Seeds a customer org with people, licenses and Webex Calling data; returns its full admin. */
function seedCustomerOrg(state: EmulatorState, random: Random, org: OrgRecord, peopleCount: number, adminFirst: string, adminLast: string): PersonRecord {
  const locations = seedLocations(state, random, org, peopleCount);

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
  const admin = generator.withCalling(createAdmin(random, org, adminFirst, adminLast, adminLicenses));
  state.addPerson(admin);

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

  seedCallFeatures(state, random, org, locations, generator.callingPeople);
  seedSpareNumbers(state, random, org, locations, generator.callingPeople);
  seedFindings(state, random, org, locations, { protectedPeople: new Set([admin]) });
  settleTotals(random, org);
  return admin;
}

/** Sets each license's total above its consumption, leaving some free units as a real org has. */
function settleTotals(random: Random, org: OrgRecord): void {
  for (const license of org.licenses) {
    const consumed = license.consumedByUsers + license.consumedByWorkspaces;
    const spare = Math.max(5, Math.ceil(consumed * (0.05 + random.next() * 0.2)));
    license.totalUnits = Math.ceil((consumed + spare) / 5) * 5;
  }
}

/** Lowers the total of the org's Webex Calling - Basic license to two units below its consumption (at least 0). */
function overConsumeLicense(org: OrgRecord): void {
  const license = org.licenses.find((candidate) => candidate.name === "Webex Calling - Basic");
  if (license) {
    license.totalUnits = Math.max(0, license.consumedByUsers + license.consumedByWorkspaces - 2);
  }
}

/** Creates the `index`-th further customer org with a generated name. */
function createCustomerOrg(random: Random, index: number): OrgRecord {
  const first = COMPANY_NAMES[(index - 1) % COMPANY_NAMES.length]!;
  const trade = COMPANY_TRADES[Math.floor((index - 1) / COMPANY_NAMES.length) % COMPANY_TRADES.length]!;
  const round = Math.floor((index - 1) / (COMPANY_NAMES.length * COMPANY_TRADES.length));
  const displayName = round === 0 ? `${first} ${trade}` : `${first} ${trade} ${round + 1}`;
  const slug = displayName.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return createOrg(random, displayName, `${slug}.example`, slug, random.integer(2012, 2024));
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
    numbers: [],
    callQueues: [],
    huntGroups: [],
    autoAttendants: [],
  };
}

export function createLicense(random: Random, org: OrgRecord, name: string, workspaces: number, siteUrl?: string): LicenseRecord {
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
