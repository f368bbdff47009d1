import { randomUUID } from "node:crypto";
import { encodeId, isUuid, isWebexId } from "../../ids.js";
import { authenticate, isFullAdmin } from "../auth.js";
import { readJsonObject } from "../body.js";
import { badRequest, forbidden } from "../errors.js";
import type { HandlerContext, RouteHandler } from "../http.js";
import type { ApplicationRecord, OrgRecord, PersonRecord } from "../model.js";
import type { Route } from "../router.js";
import { toApplicationView } from "../views.js";
import { requireApplication, requirePerson } from "./application-access.js";

/**
 * Authorizes a Service App in an org, as a full admin does in Control Hub. Authorizing again
 * changes nothing.
 */
const authorizeApplication: RouteHandler = (request, context) => {
  const token = authenticate(request, context);
  const person = requirePerson(token.identity);
  const app = requireApplication(context, request.params.applicationId ?? "");
  const body = readJsonObject(request);
  if (typeof body.orgId !== "string" || body.orgId === "") {
    throw badRequest("orgId is required.", "Send {\"orgId\": \"<base64 org id>\"} for the org to authorize the app in.");
  }
  const org = requireAdministeredOrg(context, person, body.orgId, "authorize");

  if (!app.authorizations.has(org.uuid)) {
    const account = createMachineAccount(app, org, context.now());
    app.authorizations.set(org.uuid, account);
    context.state.people.set(account.uuid, account);
  }
  return { status: 200, body: toApplicationView(app) };
};

/** Withdraws an org's authorization and revokes the tokens issued for that org. */
const deauthorizeApplication: RouteHandler = (request, context) => {
  const token = authenticate(request, context);
  const person = requirePerson(token.identity);
  const app = requireApplication(context, request.params.applicationId ?? "");
  const orgId = request.url.searchParams.get("orgId");
  if (!orgId) {
    throw badRequest("orgId is required.", "Pass ?orgId=<base64 org id> for the org to deauthorize the app in.");
  }
  const org = requireAdministeredOrg(context, person, orgId, "deauthorize");

  context.credentials.revokeApplicationTokens(app.uuid, org.uuid);
  const account = app.authorizations.get(org.uuid);
  if (account) {
    context.state.people.delete(account.uuid);
    app.authorizations.delete(org.uuid);
  }
  return { status: 204 };
};

/** Returns the org named by `orgId` if `person` is one of its full admins. */
function requireAdministeredOrg(context: HandlerContext, person: PersonRecord, orgId: string, action: string): OrgRecord {
  if (!isWebexId(orgId, "ORGANIZATION") && !isUuid(orgId)) {
    throw badRequest(`Invalid orgId "${orgId}".`, "orgId must be the base64 id of an organization.");
  }
  const org = context.state.findOrg(orgId);
  if (!org || org.uuid !== person.orgUuid) {
    throw forbidden(`Only a full admin of organization ${orgId} can ${action} a Service App in it.`);
  }
  if (!isFullAdmin({ kind: "person", person })) {
    throw forbidden(`Only a full admin can ${action} a Service App; the caller is not a full admin of organization ${org.id}.`);
  }
  return org;
}

/** Creates the machine account a Service App acts as inside `org`. */
function createMachineAccount(app: ApplicationRecord, org: OrgRecord, nowMs: number): PersonRecord {
  const uuid = randomUUID();
  const createdMs = nowMs;
  return {
    uuid,
    id: encodeId("PEOPLE", uuid),
    orgUuid: org.uuid,
    type: "appuser",
    email: `${app.friendlyId}-${uuid.slice(0, 8)}@appuser.${org.domain}`,
    displayName: app.name,
    firstName: "",
    lastName: "",
    roles: [],
    licenses: [],
    createdMs,
    lastModifiedMs: createdMs,
    status: "unknown",
    invitePending: false,
    loginEnabled: true,
  };
}

export const authorizationRoutes: Route[] = [
  { method: "POST", path: "/v1/applications/{applicationId}/authorize", handler: authorizeApplication },
  { method: "DELETE", path: "/v1/applications/{applicationId}/authorize", handler: deauthorizeApplication },
];
