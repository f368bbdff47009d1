import { decodeId, isUuid } from "../ids.js";
import type { ApplicationRecord, LicenseRecord, LocationRecord, OrgRecord, PersonRecord } from "./model.js";

/**
 * The emulator's data: orgs with their people, locations and licenses, and applications.
 * Records live in plain arrays per org and are indexed by UUID in maps.
 */
export class EmulatorState {
  readonly orgs = new Map<string, OrgRecord>();
  readonly people = new Map<string, PersonRecord>();
  readonly licenses = new Map<string, LicenseRecord>();
  readonly locations = new Map<string, LocationRecord>();
  readonly applications = new Map<string, ApplicationRecord>();
  readonly #applicationsByClientId = new Map<string, ApplicationRecord>();
  /** Licenses by their base64 id as people records store it, to count consumption without decoding. */
  readonly #licensesById = new Map<string, LicenseRecord>();

  addOrg(org: OrgRecord): void {
    this.orgs.set(org.uuid, org);
  }

  addLocation(location: LocationRecord): void {
    this.locations.set(location.uuid, location);
    this.#requireOrg(location.orgUuid).locations.push(location);
  }

  addLicense(license: LicenseRecord): void {
    this.licenses.set(license.uuid, license);
    this.#licensesById.set(license.id, license);
    this.#requireOrg(license.orgUuid).licenses.push(license);
  }

  /** Adds a person to their org and counts their licenses as consumed. */
  addPerson(person: PersonRecord): void {
    this.people.set(person.uuid, person);
    this.#requireOrg(person.orgUuid).people.push(person);
    for (const licenseId of person.licenses) {
      const license = this.findLicense(licenseId);
      if (license) {
        license.consumedByUsers += 1;
      }
    }
  }

  addApplication(app: ApplicationRecord): void {
    this.applications.set(app.uuid, app);
    this.#applicationsByClientId.set(app.clientId, app);
  }

  removeApplication(app: ApplicationRecord): void {
    this.applications.delete(app.uuid);
    this.#applicationsByClientId.delete(app.clientId);
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
    return this.locations.get(rawIdOf(id, "LOCATION") ?? "");
  }

  findApplication(id: string): ApplicationRecord | undefined {
    return this.applications.get(rawIdOf(id, "APPLICATION") ?? "");
  }

  findApplicationByClientId(clientId: string): ApplicationRecord | undefined {
    return this.#applicationsByClientId.get(clientId);
  }

  #requireOrg(uuid: string): OrgRecord {
    const org = this.orgs.get(uuid);
    if (!org) {
      throw new Error(`Emulator fixture error: org ${uuid} is not seeded.`);
    }
    return org;
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
