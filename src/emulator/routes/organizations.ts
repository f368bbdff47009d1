import { isUuid, isWebexId } from "../../ids.js";
import { authenticate, canAccessOrg, requireScope } from "../auth.js";
import { badRequest, forbidden, notFound } from "../errors.js";
import type { RouteHandler } from "../http.js";
import type { Route } from "../router.js";
import { REQUIRED_SCOPES } from "../scopes.js";
import { toOrganizationView } from "../views.js";

/**
 * Lists the orgs the token can see: the caller's own org, and for a partner admin every customer
 * org the partner manages after it. For a Service App token that is the org that authorized the
 * app. Not paginated, as Webex documents.
 */
const listOrganizations: RouteHandler = (request, context) => {
  const token = authenticate(request, context);
  requireScope(token, REQUIRED_SCOPES.organizationsRead);

  const ownUuid = token.identity.person.orgUuid;
  const items = [];
  for (const org of context.state.orgs.values()) {
    if (org.uuid === ownUuid) {
      items.unshift(toOrganizationView(org));
    } else if (canAccessOrg(context, token.identity, org.uuid)) {
      items.push(toOrganizationView(org));
    }
  }
  return { status: 200, body: { items } };
};

/** Returns one org by base64 id or bare UUID. The response always carries the base64 id. */
const getOrganization: RouteHandler = (request, context) => {
  const token = authenticate(request, context);
  requireScope(token, REQUIRED_SCOPES.organizationsRead);

  const requested = request.params.orgId ?? "";
  if (!isWebexId(requested, "ORGANIZATION") && !isUuid(requested)) {
    throw badRequest(`Invalid orgId "${requested}".`, "Use the base64 organization id or its UUID.");
  }
  const org = context.state.findOrg(requested);
  if (!org) {
    throw notFound(`Organization ${requested} was not found.`);
  }
  if (!canAccessOrg(context, token.identity, org.uuid)) {
    throw forbidden(`The caller is not allowed to read organization ${requested}.`);
  }
  return { status: 200, body: toOrganizationView(org) };
};

export const organizationRoutes: Route[] = [
  { method: "GET", path: "/v1/organizations", handler: listOrganizations },
  { method: "GET", path: "/v1/organizations/{orgId}", handler: getOrganization },
];
