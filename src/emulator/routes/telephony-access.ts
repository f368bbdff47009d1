import { authenticate, isAdmin, requireScope, resolveTargetOrg } from "../auth.js";
import { badRequest, forbidden } from "../errors.js";
import type { EmulatorRequest, HandlerContext } from "../http.js";
import type { LocationRecord, OrgRecord } from "../model.js";
import { REQUIRED_SCOPES } from "../scopes.js";

/**
 * Authorizes a read of the Webex Calling configuration: the token needs
 * `spark-admin:telephony_config_read` and must belong to an admin (or a Service App), and the
 * `orgId` parameter may name the caller's org or a customer org of its partner.
 * @throws ApiError 401, 403 or 400 as `authenticate`, `requireScope` and `resolveTargetOrg` do
 */
export function authorizeTelephonyRead(request: EmulatorRequest, context: HandlerContext): OrgRecord {
  const token = authenticate(request, context);
  requireScope(token, REQUIRED_SCOPES.telephonyConfigRead);
  if (!isAdmin(token.identity)) {
    throw forbidden("Only a full or read-only admin of the organization can read its Webex Calling configuration.");
  }
  return resolveTargetOrg(request, context, token.identity);
}

/**
 * Reads the optional `locationId` filter as the base64 id people records and features store.
 * An unknown location yields `""`, which matches nothing, so the list is empty rather than an error.
 */
export function readLocationFilter(request: EmulatorRequest, context: HandlerContext, org: OrgRecord): string | undefined {
  const raw = request.url.searchParams.get("locationId");
  if (raw === null || raw === "") {
    return undefined;
  }
  const location = context.state.findLocation(raw);
  return location && location.orgUuid === org.uuid ? location.id : "";
}

/** Reads an optional text filter, lower-cased for case-insensitive matching. */
export function readText(request: EmulatorRequest, name: string): string | undefined {
  const raw = request.url.searchParams.get(name);
  return raw === null || raw === "" ? undefined : raw.toLowerCase();
}

/** Reads an optional enum parameter. @throws ApiError 400 naming the allowed values */
export function readEnum<T extends string>(request: EmulatorRequest, name: string, allowed: readonly T[]): T | undefined {
  const raw = request.url.searchParams.get(name);
  if (raw === null || raw === "") {
    return undefined;
  }
  if (!(allowed as readonly string[]).includes(raw)) {
    throw badRequest(`Invalid ${name} value "${raw}".`, `${name} must be one of: ${allowed.join(", ")}.`);
  }
  return raw as T;
}

/**
 * Finds the calling location of a detail path within the org.
 * @returns undefined when the id names no Webex Calling location of the org
 */
export function findCallingLocation(context: HandlerContext, org: OrgRecord, locationId: string): LocationRecord | undefined {
  const location = context.state.findLocation(locationId);
  return location && location.orgUuid === org.uuid && location.calling ? location : undefined;
}
