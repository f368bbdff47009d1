import { decodeId } from "../../ids.js";
import { resolveNumber, type ResolvedNumber } from "../calling.js";
import { toNumberView } from "../calling-views.js";
import { badRequest } from "../errors.js";
import type { EmulatorRequest, EmulatorResponse, HandlerContext, RouteHandler } from "../http.js";
import type { OrgRecord } from "../model.js";
import { paginateByOffset, readMax } from "../pagination.js";
import { readBoolean } from "../query.js";
import type { Route } from "../router.js";
import { authorizeTelephonyRead, readEnum, readLocationFilter, readText } from "./telephony-access.js";

/** Webex pages 2000 numbers by default. NOTE: the spec states no cap; the default is assumed to be the cap too. */
const DEFAULT_MAX = 2000;
const MAX_CAP = 2000;

const OWNER_TYPES = [
  "PEOPLE",
  "PLACE",
  "AUTO_ATTENDANT",
  "CALL_QUEUE",
  "PAGING_GROUP",
  "HUNT_GROUP",
  "VOICE_MESSAGING",
  "BROADWORKS_ANYWHERE",
  "CONTACT_CENTER_LINK",
  "ROUTE_LIST",
  "VOICEMAIL_GROUP",
  "VIRTUAL_LINE",
] as const;
const NUMBER_TYPES = ["NUMBER", "EXTENSION"] as const;
const PHONE_NUMBER_TYPES = ["PRIMARY", "ALTERNATE", "FAX", "DNIS", "Default"] as const;
const STATES = ["ACTIVE", "INACTIVE", "Default"] as const;
const TELEPHONY_TYPES = ["PSTN_NUMBER", "MOBILE_NUMBER"] as const;
const ORDERS = ["lastName", "dn", "extension"] as const;

/**
 * Lists the org's phone numbers and extensions with their owners. Rows with only an extension
 * have `phoneNumber: ""`. `details=true` adds org-wide counts. Filters combine with AND.
 */
const listNumbers: RouteHandler = (request, context) => {
  const org = authorizeTelephonyRead(request, context);
  const filter = readNumberFilter(request, context, org);
  const max = readMax(request, DEFAULT_MAX, MAX_CAP);
  const order = readEnum(request, "order", ORDERS);

  if (order === undefined && filter === undefined) {
    // Unfiltered pages resolve only their own rows, so walking a large org stays linear.
    const page = paginateByOffset(request, org.numbers, max);
    const rows = page.items.map((entry) => resolveNumber(entry, context.state)).filter((row) => row !== undefined);
    return respond(page.headers, rows, request, context, org);
  }

  const matching: ResolvedNumber[] = [];
  for (const entry of org.numbers) {
    const row = resolveNumber(entry, context.state);
    if (row && (filter === undefined || filter(row))) {
      matching.push(row);
    }
  }
  if (order !== undefined) {
    // Array.prototype.sort is stable, so rows with equal keys keep the list order.
    const keyOf = sortKey(order);
    matching.sort((left, right) => keyOf(left).localeCompare(keyOf(right)));
  }
  const page = paginateByOffset(request, matching, max);
  return respond(page.headers, page.items, request, context, org);
};

function respond(headers: Record<string, string>, rows: ResolvedNumber[], request: EmulatorRequest, context: HandlerContext, org: OrgRecord): EmulatorResponse {
  const body: Record<string, unknown> = {};
  if (readBoolean(request, "details")) {
    body.count = countNumbers(org, context);
  }
  body.phoneNumbers = rows.map(toNumberView);
  return { status: 200, headers, body };
}

/** Builds the AND of the request's filters, or undefined when it has none. @throws ApiError 400 for invalid or conflicting filters */
function readNumberFilter(request: EmulatorRequest, context: HandlerContext, org: OrgRecord): ((row: ResolvedNumber) => boolean) | undefined {
  const params = request.url.searchParams;
  const checks: Array<(row: ResolvedNumber) => boolean> = [];

  const locationId = readLocationFilter(request, context, org);
  if (locationId !== undefined) {
    checks.push((row) => row.location.id === locationId);
  }
  const phoneNumber = params.get("phoneNumber");
  if (phoneNumber) {
    checks.push((row) => row.phoneNumber !== undefined && row.phoneNumber.includes(phoneNumber));
  }
  const extension = params.get("extension");
  if (extension) {
    checks.push((row) => row.extension === extension);
  }
  const ownerName = readText(request, "ownerName");
  if (ownerName !== undefined) {
    checks.push((row) => row.owner !== undefined && `${row.owner.firstName} ${row.owner.lastName}`.toLowerCase().includes(ownerName));
  }
  const ownerId = params.get("ownerId");
  if (ownerId) {
    const wanted = ownerId.toLowerCase();
    checks.push((row) => row.owner !== undefined && (row.owner.id === ownerId || decodeId(row.owner.id)?.id.toLowerCase() === wanted));
  }

  const ownerType = readEnum(request, "ownerType", OWNER_TYPES);
  const available = params.has("available") ? readBoolean(request, "available") : undefined;
  if (available === true && ownerType !== undefined) {
    throw badRequest("available=true cannot be combined with ownerType.", "Send either available=true or ownerType, not both.");
  }
  if (ownerType !== undefined) {
    checks.push((row) => row.owner?.type === ownerType);
  }
  if (available !== undefined) {
    // A number is available when it has a number, no owner and is not the location's main number.
    // NOTE: Webex does not say what available=false returns; the emulator returns the other rows.
    checks.push((row) => isAvailable(row) === available);
  }

  const numberType = readEnum(request, "numberType", NUMBER_TYPES);
  const state = readEnum(request, "state", STATES);
  if (numberType === "EXTENSION" && (available !== undefined || state !== undefined)) {
    throw badRequest("available and state cannot be combined with numberType=EXTENSION.", "Drop available and state, or ask for numberType=NUMBER.");
  }
  if (numberType !== undefined) {
    checks.push((row) => (numberType === "NUMBER" ? row.phoneNumber !== undefined : row.phoneNumber === undefined && row.extension !== undefined));
  }
  if (state !== undefined) {
    checks.push((row) => row.phoneNumber !== undefined && (state === "Default" || row.state === state));
  }
  const phoneNumberType = readEnum(request, "phoneNumberType", PHONE_NUMBER_TYPES);
  if (phoneNumberType !== undefined) {
    // Every emulated number is a primary number.
    checks.push((row) => row.phoneNumber !== undefined && (phoneNumberType === "Default" || phoneNumberType === "PRIMARY"));
  }
  const telephonyType = readEnum(request, "includedTelephonyTypes", TELEPHONY_TYPES);
  if (telephonyType === "MOBILE_NUMBER") {
    checks.push(() => false);
  }
  if (params.has("tollFreeNumbers") && readBoolean(request, "tollFreeNumbers")) {
    checks.push((row) => row.tollFreeNumber);
  }
  if (params.has("restrictedNonGeoNumbers") && readBoolean(request, "restrictedNonGeoNumbers")) {
    checks.push(() => false);
  }
  if (params.has("serviceNumber")) {
    const serviceNumber = readBoolean(request, "serviceNumber");
    checks.push((row) => row.phoneNumber !== undefined && row.isServiceNumber === serviceNumber);
  }

  if (checks.length === 0) {
    return undefined;
  }
  return (row) => checks.every((check) => check(row));
}

function isAvailable(row: ResolvedNumber): boolean {
  return row.phoneNumber !== undefined && row.owner === undefined && !row.mainNumber;
}

function sortKey(order: (typeof ORDERS)[number]): (row: ResolvedNumber) => string {
  if (order === "lastName") {
    return (row) => `${row.owner?.lastName ?? "\uffff"}\u0000${row.owner?.firstName ?? ""}`;
  }
  if (order === "extension") {
    return (row) => (row.extension ?? "\uffff").padStart(10, "0");
  }
  return (row) => row.phoneNumber ?? "\uffff";
}

/** The org-wide counts `details=true` adds (`NumberCount`). */
function countNumbers(org: OrgRecord, context: HandlerContext): Record<string, number> {
  const count = { assigned: 0, unAssigned: 0, inActive: 0, extensionOnly: 0, tollFreeNumbers: 0, total: 0, mobileNumber: 0, serviceNumber: 0 };
  for (const entry of org.numbers) {
    const row = resolveNumber(entry, context.state);
    if (!row) {
      continue;
    }
    count.total += 1;
    if (row.phoneNumber === undefined) {
      count.extensionOnly += 1;
      continue;
    }
    if (row.owner !== undefined || row.mainNumber) {
      count.assigned += 1;
    } else {
      count.unAssigned += 1;
    }
    if (row.state === "INACTIVE") {
      count.inActive += 1;
    }
    if (row.tollFreeNumber) {
      count.tollFreeNumbers += 1;
    }
    if (row.isServiceNumber) {
      count.serviceNumber += 1;
    }
  }
  return count;
}

export const numberRoutes: Route[] = [{ method: "GET", path: "/v1/telephony/config/numbers", handler: listNumbers }];
