import { encodeId, isUuid, isWebexId } from "../ids.js";
import type { AccessTokenRecord, Identity } from "./credentials.js";
import { ApiError, forbidden, missingScope, UNAUTHORIZED_MESSAGE } from "./errors.js";
import type { EmulatorRequest, HandlerContext } from "./http.js";
import type { OrgRecord } from "./model.js";

/**
 * Returns the live token record behind the request's `Authorization: Bearer` header.
 * @throws ApiError 401 with Webex's message when the header is missing or the token is unknown, revoked or expired.
 */
export function authenticate(request: EmulatorRequest, context: HandlerContext): AccessTokenRecord {
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const record = match ? context.credentials.findAccessToken(match[1] ?? "") : undefined;
  if (!record) {
    throw new ApiError(401, UNAUTHORIZED_MESSAGE);
  }
  return record;
}

/** @throws ApiError 403 naming the first scope of `anyOf` when the token has none of them. */
export function requireScope(record: AccessTokenRecord, anyOf: readonly string[]): void {
  if (!anyOf.some((scope) => record.scopes.has(scope))) {
    throw missingScope(anyOf[0] ?? "unknown");
  }
}

/** Returns true when the token has at least one of `anyOf`. */
export function hasScope(record: AccessTokenRecord, anyOf: readonly string[]): boolean {
  return anyOf.some((scope) => record.scopes.has(scope));
}

/**
 * True when the identity administers its org: a person with an admin role, or a Service App
 * machine account, which acts as an admin of the org that authorized the app.
 */
export function isAdmin(identity: Identity): boolean {
  return identity.kind === "app" || identity.person.roles.length > 0;
}

/** True when the identity is a full admin (a person with the `full_admin` role, or a machine account). */
export function isFullAdmin(identity: Identity): boolean {
  return identity.kind === "app" || identity.person.roles.includes("full_admin");
}

/**
 * True when `identity` may act in the org `orgUuid`: its own org, or a customer org that the
 * identity's partner org manages (partner admins only).
 */
export function canAccessOrg(context: HandlerContext, identity: Identity, orgUuid: string): boolean {
  if (orgUuid === identity.person.orgUuid) {
    return true;
  }
  return identity.kind === "person" && isAdmin(identity) && context.state.orgs.get(orgUuid)?.partnerUuid === identity.person.orgUuid;
}

/**
 * Resolves the org a request acts on: the caller's own org, or the `orgId` query parameter,
 * which may name the caller's own org or, for a partner admin, a customer org the partner manages.
 * @throws ApiError 403 when `orgId` names another org, 400 when it is not an org id.
 */
export function resolveTargetOrg(request: EmulatorRequest, context: HandlerContext, identity: Identity): OrgRecord {
  const ownUuid = identity.person.orgUuid;
  const own = context.state.orgs.get(ownUuid);
  if (!own) {
    throw new ApiError(500, `The caller's org ${encodeId("ORGANIZATION", ownUuid)} no longer exists.`);
  }
  const requested = request.url.searchParams.get("orgId");
  if (requested === null || requested === "") {
    return own;
  }
  if (!isWebexId(requested, "ORGANIZATION") && !isUuid(requested)) {
    throw new ApiError(400, `Invalid orgId "${requested}".`, { description: "orgId must be the base64 id of an organization." });
  }
  const org = context.state.findOrg(requested);
  if (!org || !canAccessOrg(context, identity, org.uuid)) {
    throw forbidden(`The caller is not allowed to access organization ${requested}; it is neither the caller's own organization nor one its partner organization manages.`);
  }
  return org;
}
