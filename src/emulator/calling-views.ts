/**
 * Wire shapes of the Webex Calling configuration API (`/telephony/config/...`), with the field
 * names of Webex's cloud-calling OpenAPI spec. Fields the spec marks optional are left out when
 * the emulator has no value for them, as Webex does.
 */
import { encodeId } from "../ids.js";
import { esnOf, featureCallerNames, type ResolvedNumber } from "./calling.js";
import type { AgentRecord, AutoAttendantRecord, CallQueueRecord, HuntGroupRecord, LocationRecord, OrgRecord } from "./model.js";

type View = Record<string, unknown>;

/** Item of `GET /telephony/config/locations` (`ListLocationObject`). */
export function toCallingLocationView(location: LocationRecord): View {
  const calling = location.calling;
  const callingLineId: View = { name: calling?.callingLineIdName ?? location.name };
  if (calling?.mainNumber) {
    callingLineId.phoneNumber = calling.mainNumber;
  }
  return {
    id: location.id,
    name: location.name,
    routingPrefix: location.routingPrefix,
    outsideDialDigit: calling?.outsideDialDigit ?? "9",
    callingLineId,
    e911SetupRequired: false,
    enforceOutsideDialDigit: false,
  };
}

/** Body of `GET /telephony/config/locations/{locationId}` (`GetTelephonyLocationObject`). */
export function toCallingLocationDetailView(location: LocationRecord, org: OrgRecord): View {
  const list = toCallingLocationView(location);
  return {
    id: location.id,
    name: location.name,
    announcementLanguage: "en_us",
    routingPrefix: location.routingPrefix,
    callingLineId: list.callingLineId,
    externalCallerIdName: `${org.displayName} ${location.city}`,
    userLimit: 500_000,
    outsideDialDigit: list.outsideDialDigit,
    defaultDomain: `${org.uuid.slice(0, 8)}.${location.country.toLowerCase()}.bcld.webex.com`,
    enforceOutsideDialDigit: false,
  };
}

/** Item of `GET /telephony/config/numbers` (`NumberObject`). A row with only an extension has `phoneNumber: ""`, as in Webex's example. */
export function toNumberView(number: ResolvedNumber): View {
  const view: View = { phoneNumber: number.phoneNumber ?? "" };
  if (number.extension !== undefined) {
    view.extension = number.extension;
    view.routingPrefix = number.location.routingPrefix;
    view.esn = esnOf(number.location, number.extension);
  }
  view.state = number.state;
  view.phoneNumberType = "PRIMARY";
  view.mainNumber = number.mainNumber;
  view.includedTelephonyTypes = "PSTN_NUMBER";
  view.tollFreeNumber = number.tollFreeNumber;
  view.isServiceNumber = number.isServiceNumber;
  view.location = { id: number.location.id, name: number.location.name };
  if (number.owner) {
    view.owner = { ...number.owner };
  }
  return view;
}

/** Item of `GET /telephony/config/queues` (`ListCallQueueEssentialsObject`). */
export function toCallQueueView(queue: CallQueueRecord): View {
  const view: View = {
    id: queue.id,
    name: queue.name,
    hasCxEssentials: queue.hasCxEssentials,
    locationName: queue.location.name,
    locationId: queue.location.id,
  };
  addNumberFields(view, queue.phoneNumber, queue.extension);
  view.enabled = queue.enabled;
  if (queue.department) {
    view.department = { ...queue.department };
  }
  return view;
}

/** Body of `GET /telephony/config/locations/{locationId}/queues/{queueId}` (`GetCallQueueEssentialsObject`). */
export function toCallQueueDetailView(queue: CallQueueRecord): View {
  const view: View = {
    id: queue.id,
    name: queue.name,
    hasCxEssentials: queue.hasCxEssentials,
    enabled: queue.enabled,
    language: "English",
    languageCode: "en-US",
    ...featureCallerNames(queue),
    timeZone: queue.location.timeZone,
  };
  addNumberFields(view, queue.phoneNumber, queue.extension);
  view.alternateNumberSettings = { distinctiveRingEnabled: false, alternateNumbers: [] };
  view.callPolicies = {
    policy: queue.policy,
    callBounce: {
      callBounceEnabled: true,
      callBounceMaxRings: 8,
      agentUnavailableEnabled: false,
      alertAgentEnabled: false,
      alertAgentMaxSeconds: 30,
      callBounceOnHoldEnabled: false,
      callBounceOnHoldMaxSeconds: 60,
    },
    distinctiveRing: { enabled: false, ringPattern: "NORMAL" },
  };
  view.queueSettings = {
    queueSize: queue.queueSize,
    callOfferToneEnabled: true,
    resetCallStatisticsEnabled: false,
    overflow: {
      action: "PERFORM_BUSY_TREATMENT",
      sendToVoicemail: false,
      overflowAfterWaitEnabled: false,
      overflowAfterWaitTime: 30,
      playOverflowGreetingEnabled: false,
      greeting: "DEFAULT",
    },
  };
  view.allowCallWaitingForAgentsEnabled = false;
  view.agents = queue.agents.map((agent) => toQueueMemberView(agent));
  if (queue.department) {
    view.department = { ...queue.department };
  }
  view.dialByName = queue.name;
  return view;
}

/** Item of `GET /telephony/config/huntGroups` (`ListHuntGroupObject`). */
export function toHuntGroupView(group: HuntGroupRecord): View {
  const view: View = { id: group.id, name: group.name, locationName: group.location.name, locationId: group.location.id };
  addNumberFields(view, group.phoneNumber, group.extension);
  addRoutingFields(view, group.location, group.extension);
  view.enabled = group.enabled;
  return view;
}

/** Body of `GET /telephony/config/locations/{locationId}/huntGroups/{huntGroupId}` (`GetHuntGroupObject`). */
export function toHuntGroupDetailView(group: HuntGroupRecord): View {
  const view: View = { id: group.id, name: group.name, enabled: group.enabled };
  addNumberFields(view, group.phoneNumber, group.extension);
  Object.assign(view, {
    distinctiveRing: false,
    alternateNumbers: [],
    language: "English",
    languageCode: "en-US",
    ...featureCallerNames(group),
    timeZone: group.location.timeZone,
    callPolicies: {
      policy: group.policy,
      waitingEnabled: false,
      groupBusyEnabled: false,
      allowMembersToControlGroupBusyEnabled: false,
      noAnswer: {
        nextAgentEnabled: false,
        nextAgentRings: 5,
        forwardEnabled: false,
        numberOfRings: 15,
        systemMaxNumberOfRings: 20,
        destinationVoicemailEnabled: false,
      },
      busyRedirect: { enabled: false, destinationVoicemailEnabled: false },
      businessContinuityRedirect: { enabled: false, destinationVoicemailEnabled: false },
    },
    agents: group.agents.map((agent) => toHuntGroupMemberView(agent)),
    huntGroupCallerIdForOutgoingCallsEnabled: false,
    dialByName: group.name,
  });
  return view;
}

/** Item of `GET /telephony/config/autoAttendants` (`ListAutoAttendantObject`). */
export function toAutoAttendantView(attendant: AutoAttendantRecord): View {
  const view: View = { id: attendant.id, name: attendant.name, locationName: attendant.location.name, locationId: attendant.location.id };
  addNumberFields(view, attendant.phoneNumber, attendant.extension);
  addRoutingFields(view, attendant.location, attendant.extension);
  view.tollFreeNumber = attendant.tollFreeNumber;
  return view;
}

/** Body of `GET /telephony/config/locations/{locationId}/autoAttendants/{autoAttendantId}` (`GetAutoAttendantObject`). */
export function toAutoAttendantDetailView(attendant: AutoAttendantRecord): View {
  const view: View = { id: attendant.id, name: attendant.name, enabled: attendant.enabled };
  addNumberFields(view, attendant.phoneNumber, attendant.extension);
  addRoutingFields(view, attendant.location, attendant.extension);
  Object.assign(view, {
    tollFreeNumber: attendant.tollFreeNumber,
    ...featureCallerNames(attendant),
    alternateNumbers: [],
    language: "English",
    languageCode: "en_us",
    businessSchedule: "AUTOATTENDANT-BUSINESS-HOURS",
    holidaySchedule: "AUTOATTENDANT-HOLIDAY",
    extensionDialing: "ENTERPRISE",
    nameDialing: "ENTERPRISE",
    timeZone: attendant.location.timeZone,
    businessHoursMenu: buildMenu(true),
    afterHoursMenu: buildMenu(false),
    dialByName: attendant.name,
  });
  return view;
}

/** A row of `GET /telephony/config/queues/agents` (`ListCallQueueAgentObject`), aggregated over the queues it serves. */
export interface QueueAgentRow {
  agent: AgentRecord["person"];
  location: LocationRecord;
  queueCount: number;
  locationIds: Set<string>;
  joinCount: number;
  unjoinCount: number;
}

/** Item of `GET /telephony/config/queues/agents`. */
export function toQueueAgentView(row: QueueAgentRow): View {
  const person = row.agent;
  const view: View = { id: person.id, firstName: person.firstName, lastName: person.lastName };
  const calling = person.calling;
  if (calling?.workNumber) {
    view.phoneNumber = calling.workNumber;
  }
  if (calling?.extension !== undefined) {
    view.extension = calling.extension;
  }
  addRoutingFields(view, row.location, calling?.extension);
  view.queueCount = row.queueCount;
  view.locationCount = row.locationIds.size;
  view.joinCount = row.joinCount;
  view.unjoinCount = row.unjoinCount;
  view.location = { name: row.location.name, id: row.location.id };
  view.type = "PEOPLE";
  return view;
}

function toQueueMemberView(agent: AgentRecord): View {
  const view: View = { id: agent.person.id, firstName: agent.person.firstName, lastName: agent.person.lastName };
  addNumberFields(view, agent.person.calling?.workNumber, agent.person.calling?.extension);
  return view;
}

function toHuntGroupMemberView(agent: AgentRecord): View {
  const view = toQueueMemberView(agent);
  const calling = agent.person.calling;
  if (calling) {
    view.routingPrefix = calling.routingPrefix;
    if (calling.extension !== undefined) {
      view.esn = `${calling.routingPrefix}${calling.extension}`;
    }
  }
  return view;
}

/** Sets the location's routing prefix and, for an object with an extension, its ESN (prefix plus extension). */
function addRoutingFields(view: View, location: LocationRecord, extension: string | undefined): void {
  view.routingPrefix = location.routingPrefix;
  if (extension !== undefined) {
    view.esn = esnOf(location, extension);
  }
}

function addNumberFields(view: View, phoneNumber: string | undefined, extension: string | undefined): void {
  if (phoneNumber !== undefined) {
    view.phoneNumber = phoneNumber;
  }
  if (extension !== undefined) {
    view.extension = extension;
  }
}

function buildMenu(businessHours: boolean): View {
  const keyConfigurations = businessHours
    ? [
        { key: "0", action: "TRANSFER_TO_OPERATOR" },
        { key: "1", action: "EXTENSION_DIALING" },
        { key: "2", action: "NAME_DIALING" },
        { key: "9", action: "REPEAT_MENU" },
      ]
    : [
        { key: "1", action: "TRANSFER_TO_MAILBOX" },
        { key: "9", action: "REPEAT_MENU" },
      ];
  return {
    greeting: "DEFAULT",
    extensionEnabled: businessHours,
    keyConfigurations,
    callTreatment: { retryAttemptForNoInput: "THREE_TIMES", noInputTimer: "10", actionToBePerformed: { action: "DISCONNECT", greeting: "DEFAULT" } },
  };
}

/** Builds the Webex id of a department: a SCIM group id of the group and org UUIDs. */
export function departmentId(orgUuid: string, groupUuid: string): string {
  return encodeId("SCIM_GROUP", `${groupUuid}:${orgUuid}`);
}
