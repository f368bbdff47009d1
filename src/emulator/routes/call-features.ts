import {
  toAutoAttendantDetailView,
  toAutoAttendantView,
  toCallQueueDetailView,
  toCallQueueView,
  toHuntGroupDetailView,
  toHuntGroupView,
} from "../calling-views.js";
import { badRequest, notFound } from "../errors.js";
import type { EmulatorRequest, HandlerContext, RouteHandler } from "../http.js";
import type { CallFeatureRecord, CallQueueRecord, OrgRecord } from "../model.js";
import { paginateByOffset, readMax } from "../pagination.js";
import { readBoolean } from "../query.js";
import type { Route } from "../router.js";
import { featuresOf } from "../state.js";
import { authorizeTelephonyRead, findCallingLocation, readLocationFilter, readText } from "./telephony-access.js";

/** NOTE: Webex documents no default or cap of `max` for these lists; 100 and 1000 are assumed. */
const DEFAULT_MAX = 100;
const MAX_CAP = 1000;

const FEATURE_NOUNS = { callQueue: "Call queue", huntGroup: "Hunt group", autoAttendant: "Auto attendant" } as const;

/**
 * Filters every feature list shares: `locationId`, `name` (a part of the name, any case) and
 * `phoneNumber` (the primary number or the extension).
 * NOTE: Webex's spec reads "matching the given name" and does not state whether a part matches; the emulator matches a part.
 */
function readFeatureFilter(request: EmulatorRequest, context: HandlerContext, org: OrgRecord): (feature: CallFeatureRecord) => boolean {
  const locationId = readLocationFilter(request, context, org);
  const name = readText(request, "name");
  const phoneNumber = request.url.searchParams.get("phoneNumber") || undefined;
  return (feature) =>
    (locationId === undefined || feature.location.id === locationId) &&
    (name === undefined || feature.name.toLowerCase().includes(name)) &&
    (phoneNumber === undefined || feature.phoneNumber === phoneNumber || feature.extension === phoneNumber);
}

/**
 * Lists call queues. Queue-only filters: `departmentId`, `departmentName` and `hasCxEssentials`
 * (true: Customer Assist queues only, false: the others).
 * NOTE: Webex's spec does not state which queues the list contains without `hasCxEssentials`; the emulator lists every queue.
 */
const listCallQueues: RouteHandler = (request, context) => {
  const org = authorizeTelephonyRead(request, context);
  const shared = readFeatureFilter(request, context, org);
  const params = request.url.searchParams;
  const departmentId = params.get("departmentId") || undefined;
  const departmentName = readText(request, "departmentName");
  const cx = params.has("hasCxEssentials") ? readBoolean(request, "hasCxEssentials") : undefined;
  const accept = (queue: CallQueueRecord): boolean =>
    shared(queue) &&
    (departmentId === undefined || queue.department?.id === departmentId) &&
    (departmentName === undefined || queue.department?.name.toLowerCase() === departmentName) &&
    (cx === undefined || queue.hasCxEssentials === cx);

  const page = paginateByOffset(request, org.callQueues, readMax(request, DEFAULT_MAX, MAX_CAP), accept);
  return { status: 200, headers: page.headers, body: { queues: page.items.map(toCallQueueView) } };
};

const listHuntGroups: RouteHandler = (request, context) => {
  const org = authorizeTelephonyRead(request, context);
  const page = paginateByOffset(request, org.huntGroups, readMax(request, DEFAULT_MAX, MAX_CAP), readFeatureFilter(request, context, org));
  return { status: 200, headers: page.headers, body: { huntGroups: page.items.map(toHuntGroupView) } };
};

const listAutoAttendants: RouteHandler = (request, context) => {
  const org = authorizeTelephonyRead(request, context);
  const page = paginateByOffset(request, org.autoAttendants, readMax(request, DEFAULT_MAX, MAX_CAP), readFeatureFilter(request, context, org));
  return { status: 200, headers: page.headers, body: { autoAttendants: page.items.map(toAutoAttendantView) } };
};

/**
 * Finds the feature of a detail path: it must belong to the org and sit in the location the
 * path names. @throws ApiError 404 otherwise
 */
function findFeatureInPath(request: EmulatorRequest, context: HandlerContext, org: OrgRecord, kind: CallFeatureRecord["kind"], idParam: string): CallFeatureRecord {
  const locationId = request.params.locationId ?? "";
  const featureId = request.params[idParam] ?? "";
  const noun = FEATURE_NOUNS[kind];
  const location = findCallingLocation(context, org, locationId);
  if (!location) {
    throw notFound(`Location ${locationId} was not found or has no Webex Calling in organization ${org.id}.`);
  }
  const feature = context.state.findFeature(featureId, kind);
  if (!feature || feature.orgUuid !== org.uuid || !featuresOf(org, kind).includes(feature)) {
    throw notFound(`${noun} ${featureId} was not found in organization ${org.id}.`);
  }
  if (feature.location !== location) {
    throw notFound(`${noun} ${featureId} was not found in location ${location.name} (${location.id}); it belongs to location ${feature.location.id}.`);
  }
  return feature;
}

/**
 * Returns one call queue with its agents. Webex's spec says `hasCxEssentials=true` must be set
 * to read a Customer Assist queue.
 * NOTE: the spec does not give the status of that error; the emulator answers 400.
 */
const getCallQueue: RouteHandler = (request, context) => {
  const org = authorizeTelephonyRead(request, context);
  const queue = findFeatureInPath(request, context, org, "callQueue", "queueId") as CallQueueRecord;
  if (queue.hasCxEssentials && !readBoolean(request, "hasCxEssentials")) {
    throw badRequest(
      `Call queue ${queue.id} has a Customer Assist license, so its details need hasCxEssentials=true.`,
      "Repeat the request with the query parameter hasCxEssentials=true.",
    );
  }
  return { status: 200, body: toCallQueueDetailView(queue) };
};

const getHuntGroup: RouteHandler = (request, context) => {
  const org = authorizeTelephonyRead(request, context);
  const group = findFeatureInPath(request, context, org, "huntGroup", "huntGroupId");
  return { status: 200, body: toHuntGroupDetailView(group as Extract<CallFeatureRecord, { kind: "huntGroup" }>) };
};

const getAutoAttendant: RouteHandler = (request, context) => {
  const org = authorizeTelephonyRead(request, context);
  const attendant = findFeatureInPath(request, context, org, "autoAttendant", "autoAttendantId");
  return { status: 200, body: toAutoAttendantDetailView(attendant as Extract<CallFeatureRecord, { kind: "autoAttendant" }>) };
};

export const callFeatureRoutes: Route[] = [
  { method: "GET", path: "/v1/telephony/config/queues", handler: listCallQueues },
  { method: "GET", path: "/v1/telephony/config/huntGroups", handler: listHuntGroups },
  { method: "GET", path: "/v1/telephony/config/autoAttendants", handler: listAutoAttendants },
  { method: "GET", path: "/v1/telephony/config/locations/{locationId}/queues/{queueId}", handler: getCallQueue },
  { method: "GET", path: "/v1/telephony/config/locations/{locationId}/huntGroups/{huntGroupId}", handler: getHuntGroup },
  { method: "GET", path: "/v1/telephony/config/locations/{locationId}/autoAttendants/{autoAttendantId}", handler: getAutoAttendant },
];
