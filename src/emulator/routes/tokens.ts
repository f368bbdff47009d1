import { isUuid, isWebexId } from "../../ids.js";
import { authenticate, requireScope } from "../auth.js";
import { readFields, readJsonObject } from "../body.js";
import { ApiError, badRequest, forbidden } from "../errors.js";
import type { RouteHandler } from "../http.js";
import type { Route } from "../router.js";
import { REQUIRED_SCOPES } from "../scopes.js";
import { requireApplication } from "./application-access.js";

const INVALID_GRANT_MESSAGE = "The refresh token provided is expired, revoked, malformed, or invalid.";

/**
 * Issues an org-specific token pair for a Service App that a full admin of the org authorized.
 * The caller's own token needs `spark:applications_token`; the client credentials travel in
 * the body, so a wrong `clientId` or `clientSecret` is a 400, not a 401.
 */
const createServiceAppToken: RouteHandler = (request, context) => {
  const token = authenticate(request, context);
  requireScope(token, REQUIRED_SCOPES.applicationsToken);
  const app = requireApplication(context, request.params.applicationId ?? "");

  const body = readJsonObject(request);
  const clientId = requireField(body, "clientId");
  const clientSecret = requireField(body, "clientSecret");
  const targetOrgId = requireField(body, "targetOrgId");
  if (clientId !== app.clientId || clientSecret !== app.clientSecret) {
    throw badRequest("Invalid client credentials", "The clientId or clientSecret does not match this Service App.");
  }
  if (isUuid(targetOrgId)) {
    throw badRequest(
      `Invalid targetOrgId "${targetOrgId}".`,
      "targetOrgId must be the base64 organization id, not the bare UUID. GET /v1/organizations/{uuid} returns it.",
    );
  }
  if (!isWebexId(targetOrgId, "ORGANIZATION")) {
    throw badRequest(`Invalid targetOrgId "${targetOrgId}".`, "targetOrgId must be the base64 id of an organization.");
  }

  const org = context.state.findOrg(targetOrgId);
  const account = org ? app.authorizations.get(org.uuid) : undefined;
  if (!account) {
    throw forbidden(`Service App not authorized by Full Admin in Control Hub for organization ${targetOrgId}.`);
  }
  return { status: 200, body: context.credentials.issueServiceAppTokens(app, account) };
};

/**
 * Exchanges a refresh token for a new access token (the OAuth token endpoint, refresh grant
 * only). Accepts form-encoded and JSON bodies and needs no Authorization header. Errors carry
 * the OAuth `error` code beside the Webex error fields.
 */
const exchangeRefreshToken: RouteHandler = (request, context) => {
  const fields = readFields(request);
  const grantType = fields.grant_type;
  if (!grantType) {
    throw oauthError("invalid_request", "grant_type is required.");
  }
  if (grantType !== "refresh_token") {
    throw oauthError("unsupported_grant_type", `grant_type "${grantType}" is not supported; the emulator supports refresh_token only.`);
  }
  for (const name of ["client_id", "client_secret", "refresh_token"] as const) {
    if (!fields[name]) {
      throw oauthError("invalid_request", `${name} is required.`);
    }
  }

  const app = context.state.findApplicationByClientId(fields.client_id ?? "");
  if (!app || app.clientSecret !== fields.client_secret) {
    throw oauthError("invalid_client", "The client_id or client_secret is invalid.");
  }
  const refreshToken = fields.refresh_token ?? "";
  const orgUuid = context.credentials.findRefreshTokenOrg(app, refreshToken);
  const account = orgUuid ? app.authorizations.get(orgUuid) : undefined;
  if (!account) {
    throw oauthError("invalid_grant", INVALID_GRANT_MESSAGE);
  }
  const pair = context.credentials.refresh(app, account, refreshToken, context.settings.rotateRefreshTokens);
  return { status: 200, body: pair };
};

function requireField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== "string" || value === "") {
    throw badRequest(`${name} is required`);
  }
  return value;
}

function oauthError(code: string, description: string): ApiError {
  return new ApiError(400, description, { fields: { error: code, error_description: description } });
}

export const tokenRoutes: Route[] = [
  { method: "POST", path: "/v1/applications/{applicationId}/token", handler: createServiceAppToken },
  { method: "POST", path: "/v1/access_token", handler: exchangeRefreshToken },
];
