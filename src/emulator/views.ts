import { encodeId } from "../ids.js";
import type { ApplicationRecord, LicenseRecord, LocationRecord, OrgRecord, PersonRecord, RoleName } from "./model.js";

/** Role ids as Webex encodes them: base64 of `ciscospark://us/ROLE/id_full_admin` and so on. */
export const ROLE_IDS: Record<RoleName, string> = {
  full_admin: encodeId("ROLE", "id_full_admin"),
  read_only_admin: encodeId("ROLE", "id_readonly_admin"),
};

/** How much of a person the caller may see. */
export interface PersonViewOptions {
  /** Adds extension, location and work extension (`callingData=true`). */
  callingData: boolean;
  /** Adds licenses, roles, invitePending and loginEnabled (the caller administers the person's org). */
  adminFields: boolean;
  /** Adds status and lastActivity (left out for `id=` lookups and `excludeStatus=true`). */
  presence: boolean;
}

/** Builds the Person object of the People API. */
export function toPersonView(person: PersonRecord, options: PersonViewOptions): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: person.id,
    emails: [person.email],
    phoneNumbers: buildPhoneNumbers(person, options.callingData),
  };

  if (options.callingData && person.calling) {
    if (person.calling.extension !== undefined) {
      view.extension = person.calling.extension;
    }
    view.locationId = person.calling.locationId;
  }
  view.displayName = person.displayName;
  view.firstName = person.firstName;
  view.lastName = person.lastName;
  view.orgId = encodeId("ORGANIZATION", person.orgUuid);

  if (options.adminFields) {
    view.roles = person.roles.map((role) => ROLE_IDS[role]);
    view.licenses = person.licenses;
  }
  if (person.department) {
    view.department = person.department;
  }
  if (person.title) {
    view.title = person.title;
  }

  view.created = new Date(person.createdMs).toISOString();
  view.lastModified = new Date(person.lastModifiedMs).toISOString();
  if (person.timezone) {
    view.timezone = person.timezone;
  }

  if (options.presence) {
    if (person.lastActivityMs !== undefined) {
      view.lastActivity = new Date(person.lastActivityMs).toISOString();
    }
    view.status = person.status;
  }
  if (person.siteUrls) {
    view.siteUrls = person.siteUrls;
  }
  if (options.adminFields) {
    view.invitePending = String(person.invitePending);
    view.loginEnabled = String(person.loginEnabled);
  }
  view.type = person.type;
  return view;
}

function buildPhoneNumbers(person: PersonRecord, callingData: boolean): Array<Record<string, unknown>> {
  const numbers: Array<Record<string, unknown>> = [];
  if (person.calling?.workNumber) {
    numbers.push({ type: "work", value: person.calling.workNumber, primary: true });
  }
  if (callingData && person.calling?.extension !== undefined) {
    numbers.push({
      type: "work_extension",
      value: `${person.calling.routingPrefix}${person.calling.extension}`,
      primary: numbers.length === 0,
    });
  }
  if (person.mobileNumber) {
    numbers.push({ type: "mobile", value: person.mobileNumber, primary: false });
  }
  return numbers;
}

/** Builds the Organization object: id, displayName, created. */
export function toOrganizationView(org: OrgRecord): Record<string, unknown> {
  return { id: org.id, displayName: org.displayName, created: org.created };
}

/** Builds the License object; site fields only for meeting licenses, as Webex leaves out fields that do not apply. */
export function toLicenseView(license: LicenseRecord): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: license.id,
    name: license.name,
    totalUnits: license.totalUnits,
    consumedUnits: license.consumedByUsers + license.consumedByWorkspaces,
    consumedByUsers: license.consumedByUsers,
    consumedByWorkspaces: license.consumedByWorkspaces,
    subscriptionId: license.subscriptionId,
  };
  if (license.siteUrl) {
    view.siteUrl = license.siteUrl;
    view.siteType = license.siteType;
  }
  return view;
}

/** Builds the Location object of the Locations API. */
export function toLocationView(location: LocationRecord): Record<string, unknown> {
  return {
    id: location.id,
    name: location.name,
    orgId: encodeId("ORGANIZATION", location.orgUuid),
    address: { address1: location.address1, city: location.city, state: location.region, postalCode: location.postalCode, country: location.country },
    timeZone: location.timeZone,
    preferredLanguage: "en_us",
  };
}

/** Builds the Application object. The client secret is added only by create, never here. */
export function toApplicationView(app: ApplicationRecord): Record<string, unknown> {
  return {
    id: app.id,
    friendlyId: app.friendlyId,
    type: "authorizedAppIssuer",
    name: app.name,
    description: app.description,
    orgId: encodeId("ORGANIZATION", app.orgUuid),
    isNative: false,
    isFeatured: false,
    submissionStatus: "none",
    createdBy: app.createdBy,
    created: app.created,
    modified: app.modified,
    scopes: [...app.scopes],
    clientId: app.clientId,
    logo: app.logo,
    contactEmail: app.contactEmail,
  };
}
