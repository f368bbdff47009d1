import { toCallingLocationDetailView, toCallingLocationView } from "../calling-views.js";
import { notFound } from "../errors.js";
import type { RouteHandler } from "../http.js";
import { paginateByOffset, readMax } from "../pagination.js";
import type { Route } from "../router.js";
import { authorizeTelephonyRead, findCallingLocation, readText } from "./telephony-access.js";

/** NOTE: Webex documents no default or cap of `max` for this list; 100 and 1000 are assumed. */
const DEFAULT_MAX = 100;
const MAX_CAP = 1000;

/**
 * Lists the org's Webex Calling locations; locations without Webex Calling are left out.
 * `name` matches a part of the name, any case; `order=name-desc` (or any value ending in
 * `desc`) sorts by name descending, other values ascending.
 */
const listCallingLocations: RouteHandler = (request, context) => {
  const org = authorizeTelephonyRead(request, context);
  const name = readText(request, "name");
  const order = readText(request, "order");
  let locations = org.locations.filter((location) => location.calling && (name === undefined || location.name.toLowerCase().includes(name)));
  if (order !== undefined) {
    const direction = order.endsWith("desc") ? -1 : 1;
    locations = [...locations].sort((left, right) => direction * left.name.localeCompare(right.name));
  }

  const page = paginateByOffset(request, locations, readMax(request, DEFAULT_MAX, MAX_CAP));
  return { status: 200, headers: page.headers, body: { locations: page.items.map(toCallingLocationView) } };
};

/** Returns the Webex Calling details of one location. */
const getCallingLocation: RouteHandler = (request, context) => {
  const org = authorizeTelephonyRead(request, context);
  const locationId = request.params.locationId ?? "";
  const location = findCallingLocation(context, org, locationId);
  if (!location) {
    throw notFound(`Location ${locationId} was not found or has no Webex Calling in organization ${org.id}.`);
  }
  return { status: 200, body: toCallingLocationDetailView(location, org) };
};

export const callingLocationRoutes: Route[] = [
  { method: "GET", path: "/v1/telephony/config/locations", handler: listCallingLocations },
  { method: "GET", path: "/v1/telephony/config/locations/{locationId}", handler: getCallingLocation },
];
