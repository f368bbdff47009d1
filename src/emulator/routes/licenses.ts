import { authenticate, canAccessOrg, isAdmin, requireScope, resolveTargetOrg } from "../auth.js";
import { badRequest, forbidden, notFound } from "../errors.js";
import type { EmulatorRequest, HandlerContext, RouteHandler } from "../http.js";
import type { AccessTokenRecord } from "../credentials.js";
import type { Route } from "../router.js";
import { REQUIRED_SCOPES } from "../scopes.js";
import { toLicenseView } from "../views.js";

/** Lists the licenses of the caller's org in one page (Webex does not page this list). */
const listLicenses: RouteHandler = (request, context) => {
  const token = authorizeLicenseRead(request, context);
  const org = resolveTargetOrg(request, context, token.identity);
  return { status: 200, body: { items: org.licenses.map(toLicenseView) } };
};

/** Returns one license of the caller's org. */
const getLicense: RouteHandler = (request, context) => {
  const token = authorizeLicenseRead(request, context);
  if (request.url.searchParams.has("includeAssignedTo")) {
    // NOTE: the assigned-users listing of this endpoint is not emulated.
    throw badRequest("includeAssignedTo is not supported by the emulator.", "Call GET /v1/licenses/{licenseId} without it.");
  }

  const licenseId = request.params.licenseId ?? "";
  const license = context.state.findLicense(licenseId);
  if (!license || !canAccessOrg(context, token.identity, license.orgUuid)) {
    throw notFound(`License ${licenseId} was not found.`);
  }
  return { status: 200, body: toLicenseView(license) };
};

function authorizeLicenseRead(request: EmulatorRequest, context: HandlerContext): AccessTokenRecord {
  const token = authenticate(request, context);
  requireScope(token, REQUIRED_SCOPES.licensesRead);
  if (!isAdmin(token.identity)) {
    throw forbidden("Only an admin of the organization can read its licenses.");
  }
  return token;
}

export const licenseRoutes: Route[] = [
  { method: "GET", path: "/v1/licenses", handler: listLicenses },
  { method: "GET", path: "/v1/licenses/{licenseId}", handler: getLicense },
];
