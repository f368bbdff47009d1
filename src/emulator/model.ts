/**
 * Records the emulator keeps in memory. They hold the facts; the wire shapes are built from
 * them per request (see views.ts), so large orgs stay small in memory.
 */

/** Admin roles a person can hold, by their Webex role name. */
export type RoleName = "full_admin" | "read_only_admin";

export interface OrgRecord {
  uuid: string;
  /** Base64 Webex id. */
  id: string;
  displayName: string;
  /** ISO timestamp. */
  created: string;
  /** Email domain of the org's people. */
  domain: string;
  /** Webex Meetings site of the org. */
  siteUrl: string;
  people: PersonRecord[];
  locations: LocationRecord[];
  licenses: LicenseRecord[];
}

export interface LocationRecord {
  uuid: string;
  id: string;
  orgUuid: string;
  name: string;
  /** Calling routing prefix, the digits before an extension. */
  routingPrefix: string;
  timeZone: string;
  city: string;
  region: string;
  country: string;
}

export interface LicenseRecord {
  uuid: string;
  id: string;
  orgUuid: string;
  name: string;
  totalUnits: number;
  /** Units held by people; kept in step with `PersonRecord.licenses`. */
  consumedByUsers: number;
  consumedByWorkspaces: number;
  subscriptionId: string;
  siteUrl?: string;
  siteType?: string;
}

export interface PersonRecord {
  uuid: string;
  id: string;
  orgUuid: string;
  /** `appuser` for the machine account of a service app. */
  type: "person" | "appuser";
  email: string;
  displayName: string;
  firstName: string;
  lastName: string;
  roles: readonly RoleName[];
  /** License ids; people with the same set share one array. */
  licenses: readonly string[];
  department?: string;
  title?: string;
  /** Present for Webex Calling users. */
  calling?: { locationId: string; extension: string; routingPrefix: string; workNumber?: string };
  mobileNumber?: string;
  timezone?: string;
  /** Timestamps are epoch milliseconds; views format them as ISO strings. */
  createdMs: number;
  lastModifiedMs: number;
  lastActivityMs?: number;
  status: string;
  invitePending: boolean;
  loginEnabled: boolean;
  /** Meetings site URLs of people with a meeting license. */
  siteUrls?: readonly string[];
}

export interface ApplicationRecord {
  uuid: string;
  id: string;
  orgUuid: string;
  friendlyId: string;
  name: string;
  description: string;
  contactEmail: string;
  logo: string;
  scopes: string[];
  clientId: string;
  clientSecret: string;
  /** Person id of the creator. */
  createdBy: string;
  created: string;
  modified: string;
  /** Orgs whose full admin authorized the app, by org UUID, with the machine account used there. */
  authorizations: Map<string, PersonRecord>;
}
