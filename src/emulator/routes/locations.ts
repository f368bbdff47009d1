import { authenticate, canAccessOrg, isAdmin, requireScope, resolveTargetOrg } from "../auth.js";
import { forbidden, notFound } from "../errors.js";
import type { RouteHandler } from "../http.js";
import { paginate, readMax } from "../pagination.js";
import type { Route } from "../router.js";
import { REQUIRED_SCOPES } from "../scopes.js";
import { toLocationView } from "../views.js";

/** The Locations API pages 500 locations by default. */
const DEFAULT_MAX = 500;

/** Lists the locations of the caller's org; `name` matches a part of the name, any case. */
const listLocations: RouteHandler = (request, context) => {
  const token = authenticate(request, context);
  requireScope(token, REQUIRED_SCOPES.locationsRead);
  if (!isAdmin(token.identity)) {
    throw forbidden("Only an admin of the organization can list its locations.");
  }
  const org = resolveTargetOrg(request, context, token.identity);

  const name = request.url.searchParams.get("name")?.toLowerCase();
  const id = request.url.searchParams.get("id");
  // An unknown id matches no location, so the list is empty rather than an error.
  const requestedId = id ? context.state.findLocation(id)?.id ?? "" : undefined;
  const max = readMax(request, DEFAULT_MAX, DEFAULT_MAX);
  const page = paginate(request, org.locations, max, (location) => {
    return (name === undefined || location.name.toLowerCase().includes(name)) && (requestedId === undefined || location.id === requestedId);
  });
  return { status: 200, headers: page.headers, body: { items: page.items.map(toLocationView) } };
};

/** Returns one location of the caller's org. */
const getLocation: RouteHandler = (request, context) => {
  const token = authenticate(request, context);
  requireScope(token, REQUIRED_SCOPES.locationsRead);

  const locationId = request.params.locationId ?? "";
  const location = context.state.findLocation(locationId);
  if (!location || !canAccessOrg(context, token.identity, location.orgUuid)) {
    throw notFound(`Location ${locationId} was not found.`);
  }
  return { status: 200, body: toLocationView(location) };
};

export const locationRoutes: Route[] = [
  { method: "GET", path: "/v1/locations", handler: listLocations },
  { method: "GET", path: "/v1/locations/{locationId}", handler: getLocation },
];
