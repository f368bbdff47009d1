import { decodeId, isUuid } from "../../ids.js";
import type { AccessTokenRecord } from "../credentials.js";
import { authenticate, canAccessOrg, hasScope, isAdmin, resolveTargetOrg } from "../auth.js";
import { badRequest, missingScope, notFound } from "../errors.js";
import type { EmulatorRequest, HandlerContext, RouteHandler } from "../http.js";
import type { PersonRecord } from "../model.js";
import { paginate, readMax } from "../pagination.js";
import { readBoolean, readList } from "../query.js";
import type { Route } from "../router.js";
import { REQUIRED_SCOPES } from "../scopes.js";
import { ROLE_IDS, toPersonView, type PersonViewOptions } from "../views.js";

const DEFAULT_MAX = 100;
/** Webex caps `max` at 100 with `callingData=true` and at 50 with `locationId`. */
const CALLING_DATA_MAX = 100;
const LOCATION_MAX = 50;
/** NOTE: the spec states no cap for other listings; 1000 is assumed. */
const PLAIN_MAX = 1000;
/** The spec accepts up to 85 ids in `id`. */
const MAX_IDS = 85;

/** Returns the token owner: a person, or a Service App's machine account (`type: "appuser"`). */
const getMe: RouteHandler = (request, context) => {
  const token = authenticate(request, context);
  const admin = isAdmin(token.identity);
  const callingData = readBoolean(request, "callingData") && admin;
  const view = toPersonView(token.identity.person, { callingData, adminFields: admin, presence: true });
  return { status: 200, body: view };
};

/**
 * Lists people. Admins and Service App tokens with `spark-admin:people_read` list the whole org.
 * Other callers with `spark:people_read` must filter by `email` or `displayName`, and they see
 * no admin fields.
 */
const listPeople: RouteHandler = (request, context) => {
  const token = authenticate(request, context);
  const admin = isAdmin(token.identity) && hasScope(token, REQUIRED_SCOPES.peopleAdminRead);
  requirePeopleScope(token, admin);
  const org = resolveTargetOrg(request, context, token.identity);

  const filters = readFilters(request, context);
  if (!admin && filters.email === undefined && filters.displayName === undefined) {
    throw badRequest("Either email or displayName is required.", "Non-admin callers must filter people by email or displayName.");
  }
  const callingData = admin && readBoolean(request, "callingData");
  let cap = PLAIN_MAX;
  if (filters.locationId !== undefined) {
    cap = LOCATION_MAX;
  } else if (callingData) {
    cap = CALLING_DATA_MAX;
  }
  const max = readMax(request, DEFAULT_MAX, cap);
  const view: PersonViewOptions = {
    callingData,
    adminFields: admin,
    presence: filters.ids === undefined && !readBoolean(request, "excludeStatus"),
  };

  const lookup = filters.ids === undefined ? undefined : lookUpIds(context, org.uuid, filters.ids);
  const candidates = lookup?.found ?? org.people;
  const page = paginate(request, candidates, max, (person) => matchesFilters(person, filters));
  return {
    status: 200,
    headers: page.headers,
    body: { items: page.items.map((person) => toPersonView(person, view)), notFoundIds: lookup?.notFound ?? [] },
  };
};

/** Returns one person of the caller's org, including a machine account. */
const getPerson: RouteHandler = (request, context) => {
  const token = authenticate(request, context);
  const admin = isAdmin(token.identity) && hasScope(token, REQUIRED_SCOPES.peopleAdminRead);
  requirePeopleScope(token, admin);

  const personId = request.params.personId ?? "";
  const person = context.state.findPerson(personId);
  if (!person || !canAccessOrg(context, token.identity, person.orgUuid)) {
    throw notFound(`Person ${personId} was not found.`);
  }
  const callingData = admin && readBoolean(request, "callingData");
  return { status: 200, body: toPersonView(person, { callingData, adminFields: admin, presence: true }) };
};

function requirePeopleScope(token: AccessTokenRecord, admin: boolean): void {
  if (!admin && !hasScope(token, REQUIRED_SCOPES.peopleRead)) {
    throw missingScope(REQUIRED_SCOPES.peopleAdminRead[0]);
  }
}

interface PeopleFilters {
  email?: string;
  displayName?: string;
  ids?: string[];
  roleIds?: Set<string>;
  /** Base64 id of the location, as people records store it. */
  locationId?: string;
}

function readFilters(request: EmulatorRequest, context: HandlerContext): PeopleFilters {
  const params = request.url.searchParams;
  const filters: PeopleFilters = {};
  const email = params.get("email");
  if (email) {
    filters.email = email.toLowerCase();
  }
  const displayName = params.get("displayName");
  if (displayName) {
    filters.displayName = displayName.toLowerCase();
  }

  const ids = readList(request, "id");
  if (ids !== undefined) {
    if (ids.length > MAX_IDS) {
      throw badRequest(`Too many ids: ${ids.length}.`, `The id parameter accepts at most ${MAX_IDS} person ids.`);
    }
    filters.ids = ids;
  }

  const roles = readList(request, "roles");
  if (roles !== undefined) {
    filters.roleIds = new Set(roles.map((role) => decodeId(role)?.id ?? role));
  }

  const locationId = params.get("locationId");
  if (locationId) {
    if (!isUuid(locationId) && decodeId(locationId)?.kind !== "LOCATION") {
      throw badRequest(`Invalid locationId "${locationId}".`, "locationId must be the base64 id of a location.");
    }
    // An unknown location matches no person, so the list is empty rather than an error.
    filters.locationId = context.state.findLocation(locationId)?.id ?? "";
  }
  return filters;
}

function matchesFilters(person: PersonRecord, filters: PeopleFilters): boolean {
  if (filters.email !== undefined && person.email !== filters.email) {
    return false;
  }
  if (filters.displayName !== undefined && !person.displayName.toLowerCase().startsWith(filters.displayName)) {
    return false;
  }
  if (filters.roleIds !== undefined && !person.roles.some((role) => filters.roleIds?.has(rawRoleId(role)))) {
    return false;
  }
  if (filters.locationId !== undefined && person.calling?.locationId !== filters.locationId) {
    return false;
  }
  return true;
}

const RAW_ROLE_IDS = Object.fromEntries(
  Object.entries(ROLE_IDS).map(([role, id]) => [role, decodeId(id)?.id ?? role]),
) as Record<keyof typeof ROLE_IDS, string>;

function rawRoleId(role: keyof typeof ROLE_IDS): string {
  return RAW_ROLE_IDS[role];
}

/** Finds the people of `orgUuid` named in `ids`, in the order given, and the ids not found. */
function lookUpIds(context: HandlerContext, orgUuid: string, ids: string[]): { found: PersonRecord[]; notFound: string[] } {
  const found: PersonRecord[] = [];
  const notFoundIds: string[] = [];
  for (const id of ids) {
    const person = context.state.findPerson(id);
    if (person && person.orgUuid === orgUuid && person.type === "person") {
      found.push(person);
    } else {
      notFoundIds.push(id);
    }
  }
  return { found, notFound: notFoundIds };
}

export const peopleRoutes: Route[] = [
  { method: "GET", path: "/v1/people/me", handler: getMe },
  { method: "GET", path: "/v1/people", handler: listPeople },
  { method: "GET", path: "/v1/people/{personId}", handler: getPerson },
];
