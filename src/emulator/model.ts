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
  /** UUID of the partner org that manages this customer org; that partner's admins may act here. */
  partnerUuid?: string;
  /** The org's phone numbers and extensions in the order `GET /telephony/config/numbers` lists them. */
  numbers: NumberEntry[];
  callQueues: CallQueueRecord[];
  huntGroups: HuntGroupRecord[];
  autoAttendants: AutoAttendantRecord[];
}

export interface LocationRecord {
  uuid: string;
  id: string;
  orgUuid: string;
  name: string;
  /** Calling routing prefix, the digits before an extension. */
  routingPrefix: string;
  timeZone: string;
  address1: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
  /** Present when Webex Calling is enabled at the location. */
  calling?: CallingSettings;
}

/** Webex Calling settings of a location and the allocator of its number block. */
export interface CallingSettings {
  /** Main number (calling line ID) in E.164; absent for a location that has none. */
  mainNumber?: string;
  /** Name shown as calling line ID. */
  callingLineIdName: string;
  outsideDialDigit: string;
  /** Area code of the location's numbers, three digits. */
  areaCode: string;
  /** Next free extension; people and call features share the location's extensions. */
  nextExtension: number;
  /** Next free line of the number block; see `phoneNumberOf` in calling.ts. */
  nextLine: number;
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
  /** Present for Webex Calling users. A calling user without an extension and number is an audit finding. */
  calling?: { locationId: string; extension?: string; routingPrefix: string; workNumber?: string };
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

/** A person assigned to a call queue or hunt group. */
export interface AgentRecord {
  person: PersonRecord;
  /** Whether the agent has joined the queue and receives its calls. */
  joinEnabled: boolean;
}

/** Fields shared by call queues, hunt groups and auto attendants. */
interface CallFeatureBase {
  uuid: string;
  id: string;
  orgUuid: string;
  location: LocationRecord;
  name: string;
  phoneNumber?: string;
  extension?: string;
  enabled: boolean;
  /** Routing policy: CIRCULAR, REGULAR, SIMULTANEOUS, UNIFORM or WEIGHTED. */
  policy: string;
}

export interface CallQueueRecord extends CallFeatureBase {
  kind: "callQueue";
  agents: AgentRecord[];
  hasCxEssentials: boolean;
  queueSize: number;
  department?: { id: string; name: string };
}

export interface HuntGroupRecord extends CallFeatureBase {
  kind: "huntGroup";
  agents: AgentRecord[];
}

export interface AutoAttendantRecord extends CallFeatureBase {
  kind: "autoAttendant";
  tollFreeNumber: boolean;
}

export type CallFeatureRecord = CallQueueRecord | HuntGroupRecord | AutoAttendantRecord;

/**
 * One row of the numbers list. Rows of people, features and main numbers hold a reference and
 * derive number, extension and owner from it, so an update to the owner shows at once.
 */
export type NumberEntry =
  | { kind: "person"; person: PersonRecord }
  | { kind: "feature"; feature: CallFeatureRecord }
  /** The location's main number, which Webex lists as unowned with `mainNumber: true`. */
  | { kind: "main"; location: LocationRecord }
  /** A number of the location's inventory that nobody owns. */
  | { kind: "spare"; location: LocationRecord; phoneNumber: string; state: "ACTIVE" | "INACTIVE"; isServiceNumber: boolean };
