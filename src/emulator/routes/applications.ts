import { randomUUID } from "node:crypto";
import { encodeId } from "../../ids.js";
import { validateApplicationInput } from "../application-input.js";
import { authenticate, resolveTargetOrg } from "../auth.js";
import { readJsonObject } from "../body.js";
import { createClientId, createClientSecret } from "../credentials.js";
import type { HandlerContext, RouteHandler } from "../http.js";
import type { ApplicationRecord } from "../model.js";
import { paginate, readMax } from "../pagination.js";
import type { Route } from "../router.js";
import { toApplicationView } from "../views.js";
import { requireApplication, requireOwnApplication, requirePerson } from "./application-access.js";

/** NOTE: Webex documents no page size for this list; 100 by default and at most is assumed. */
const MAX_PAGE = 100;

/** Lists the applications of the caller's org; filters `type` and `createdBy` (a person id or `me`). */
const listApplications: RouteHandler = (request, context) => {
  const token = authenticate(request, context);
  const person = requirePerson(token.identity);
  const org = resolveTargetOrg(request, context, token.identity);

  const type = request.url.searchParams.get("type");
  const createdByParam = request.url.searchParams.get("createdBy");
  // An unknown creator matches no app, so the list is empty rather than an error.
  let creatorId: string | undefined;
  if (createdByParam === "me") {
    creatorId = person.id;
  } else if (createdByParam) {
    creatorId = context.state.findPerson(createdByParam)?.id ?? "";
  }
  const max = readMax(request, MAX_PAGE, MAX_PAGE);
  const apps = [...context.state.applications.values()];
  const page = paginate(request, apps, max, (app) => {
    const typeMatches = !type || type === "authorizedAppIssuer";
    return app.orgUuid === org.uuid && typeMatches && (creatorId === undefined || app.createdBy === creatorId);
  });
  return { status: 200, headers: page.headers, body: { items: page.items.map(toApplicationView) } };
};

/** Returns one Service App; any authenticated caller may look one up before authorizing it. */
const getApplication: RouteHandler = (request, context) => {
  authenticate(request, context);
  const app = requireApplication(context, request.params.applicationId ?? "");
  return { status: 200, body: toApplicationView(app) };
};

/** Creates a Service App in the caller's org. Only this response carries the client secret. */
const createApplication: RouteHandler = (request, context) => {
  const token = authenticate(request, context);
  const person = requirePerson(token.identity);
  const input = validateApplicationInput(readJsonObject(request));

  const uuid = randomUUID();
  const created = new Date(context.now()).toISOString();
  const app: ApplicationRecord = {
    uuid,
    id: encodeId("APPLICATION", uuid),
    orgUuid: person.orgUuid,
    friendlyId: createFriendlyId(context, input.name),
    name: input.name,
    description: input.description,
    contactEmail: input.contactEmail,
    logo: input.logo,
    scopes: input.scopes,
    clientId: createClientId(),
    clientSecret: createClientSecret(),
    createdBy: person.id,
    created,
    modified: created,
    authorizations: new Map(),
  };
  context.state.addApplication(app);
  return { status: 200, body: { ...toApplicationView(app), clientSecret: app.clientSecret } };
};

/** Deletes a Service App of the caller's org and revokes every token issued for it. */
const deleteApplication: RouteHandler = (request, context) => {
  const token = authenticate(request, context);
  const person = requirePerson(token.identity);
  const app = requireApplication(context, request.params.applicationId ?? "");
  requireOwnApplication(app, person);

  context.credentials.revokeApplicationTokens(app.uuid);
  for (const account of app.authorizations.values()) {
    context.state.people.delete(account.uuid);
  }
  context.state.removeApplication(app);
  return { status: 204 };
};

/** Replaces the client secret; the old one stops working at once, issued tokens stay valid. */
const regenerateClientSecret: RouteHandler = (request, context) => {
  const token = authenticate(request, context);
  const person = requirePerson(token.identity);
  const app = requireApplication(context, request.params.applicationId ?? "");
  requireOwnApplication(app, person);

  app.clientSecret = createClientSecret();
  app.modified = new Date(context.now()).toISOString();
  return { status: 200, body: { clientSecret: app.clientSecret } };
};

/** Builds a URL-style name from the app name, unique among the apps. */
function createFriendlyId(context: HandlerContext, name: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "service-app";
  const usedFriendlyIds = new Set([...context.state.applications.values()].map((app) => app.friendlyId));
  let friendlyId = base;
  for (let suffix = 2; usedFriendlyIds.has(friendlyId); suffix += 1) {
    friendlyId = `${base}-${suffix}`;
  }
  return friendlyId;
}

export const applicationRoutes: Route[] = [
  { method: "GET", path: "/v1/applications", handler: listApplications },
  { method: "POST", path: "/v1/applications", handler: createApplication },
  { method: "GET", path: "/v1/applications/{applicationId}", handler: getApplication },
  { method: "DELETE", path: "/v1/applications/{applicationId}", handler: deleteApplication },
  { method: "DELETE", path: "/v1/applications/{applicationId}/clientSecret", handler: regenerateClientSecret },
];
