/**
 * The two ways a service app gets a new token pair, and the errors that state what a person
 * must do when Webex rejects them:
 *
 * - the OAuth refresh grant, `POST /v1/access_token` with the app's client id and secret;
 * - a re-mint, `POST /v1/applications/{id}/token`, sent with a token-manager token that carries
 *   `spark:applications_token`.
 */
import { registerSecret } from "../redact.js";
import {
  AuthError,
  BadRequestError,
  NotFoundError,
  PermissionError,
  TokenRefreshError,
  wrappingDetails,
  type TokenRejectionReason,
  type WebexError,
} from "../transport/errors.js";
import type { Transport } from "../transport/request.js";
import { TokenInfo } from "./token.js";

/** The service app and org a grant is for, as error messages name them. */
export interface GrantTarget {
  clientId: string;
  /** Base64 org id. */
  orgId: string;
  appId?: string;
}

/**
 * Exchanges `refreshToken` for a new pair. The request is never repeated after a 5xx or a
 * timeout: with refresh-token rotation a repeat would present a refresh token the first
 * attempt already used up.
 *
 * NOTE: with rotation, a refresh whose response is lost after Webex processed it leaves only
 * a used-up refresh token. The next attempt is then rejected, and a person must fetch a new
 * pair unless a token manager re-mints one.
 *
 * @throws the transport's `WebexError`s unchanged; `isGrantRejection` identifies a rejection
 */
export async function requestRefreshGrant(transport: Transport, credentials: { clientId: string; clientSecret: string; refreshToken: string }): Promise<TokenInfo> {
  registerSecret(credentials.clientSecret);
  registerSecret(credentials.refreshToken);
  const obtainedAtMs = transport.now();
  const response = await transport.request({
    method: "POST",
    path: "/access_token",
    form: {
      grant_type: "refresh_token",
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      refresh_token: credentials.refreshToken,
    },
    authenticate: false,
    idempotent: false,
  });
  return TokenInfo.fromResponse(response.body, obtainedAtMs);
}

/**
 * Gets a new pair for the app in `targetOrgId` through `transport`, whose token provider
 * supplies the token-manager token.
 *
 * @throws the transport's `WebexError`s unchanged; `isRemintRejection` identifies a rejection
 */
export async function requestServiceAppToken(
  transport: Transport,
  request: { appId: string; clientId: string; clientSecret: string; targetOrgId: string },
): Promise<TokenInfo> {
  registerSecret(request.clientSecret);
  const obtainedAtMs = transport.now();
  const response = await transport.request({
    method: "POST",
    path: `/applications/${encodeURIComponent(request.appId)}/token`,
    json: { clientId: request.clientId, clientSecret: request.clientSecret, targetOrgId: request.targetOrgId },
    // A repeated request only issues another valid pair, so a retry is safe.
    idempotent: true,
  });
  return TokenInfo.fromResponse(response.body, obtainedAtMs);
}

/**
 * Returns true when Webex rejected the refresh grant itself (400 or 401), which no retry can
 * fix. Network failures, timeouts and 5xx are not rejections.
 */
export function isGrantRejection(error: unknown): error is WebexError {
  return error instanceof BadRequestError || error instanceof AuthError;
}

/** Returns true when Webex rejected a re-mint for a reason a person must fix (400, 401, 403, 404). */
export function isRemintRejection(error: unknown): error is WebexError {
  return error instanceof BadRequestError || error instanceof AuthError || error instanceof PermissionError || error instanceof NotFoundError;
}

/**
 * Returns what Webex rejected in a refresh grant, from the OAuth `error` code of its response:
 * `invalid_client` is the client secret, `invalid_grant` the refresh token. The SDK's message
 * and the CLI's advice are both chosen from this one classification.
 */
export function classifyRefreshRejection(error: WebexError): TokenRejectionReason {
  const oauthError = readOAuthError(error.body);
  if (oauthError === "invalid_client") {
    return "client_secret";
  }
  if (oauthError === "invalid_grant") {
    return "refresh_token";
  }
  return "unknown";
}

/** Returns what Webex rejected in a re-mint, from the status of its response. */
export function classifyRemintRejection(error: WebexError): TokenRejectionReason {
  if (error instanceof BadRequestError) {
    return "client_secret";
  }
  if (error instanceof AuthError) {
    return "token_manager";
  }
  if (error instanceof PermissionError) {
    return "not_authorized";
  }
  return error instanceof NotFoundError ? "app_not_found" : "unknown";
}

/** Names a rejection reason in a few words, for log lines: "Webex rejected the client secret". */
export function describeRejectionReason(reason: TokenRejectionReason | undefined): string {
  switch (reason) {
    case "client_secret":
      return "Webex rejected the client secret";
    case "refresh_token":
      return "Webex rejected the refresh token (expired, revoked, or the app was deauthorized)";
    case "token_manager":
      return "Webex rejected the token-manager token";
    case "not_authorized":
      return "the app is not authorized in the org";
    case "app_not_found":
      return "the app was not found";
    case "no_pair":
      return "no token pair was stored";
    default:
      return "Webex rejected the refresh";
  }
}

/** Builds the error for a rejected refresh grant, with the advice that fits Webex's OAuth error code. */
export function buildRefreshRejection(error: WebexError, target: GrantTarget): TokenRefreshError {
  const reason = classifyRefreshRejection(error);
  const fetchAgain = "get a new pair with Application.getToken(clientSecret, orgId) and store it";
  let advice: string;
  if (reason === "client_secret") {
    advice =
      "Webex rejected the client id or client secret, so the client secret was probably regenerated. " +
      "Create the client again with the app's current client secret; the stored refresh token may still be valid.";
  } else if (reason === "refresh_token") {
    advice =
      "The refresh token has expired or was revoked, or the app was deauthorized in this org. " +
      `If it was deauthorized, a full admin of the org must authorize the app again in Control Hub; then ${fetchAgain}.`;
  } else {
    advice =
      "The refresh token may have expired or been revoked, the app may have been deauthorized in this org, or its client secret regenerated. " +
      `Check the client secret, have a full admin authorize the app again if needed, then ${fetchAgain}.`;
  }
  const message = `Refreshing the token of service app client ${target.clientId} in org ${target.orgId} was rejected. ${advice} ${NO_RETRY_NOTE} Webex's response: ${error.message}`;
  return new TokenRefreshError(message, { ...wrappingDetails(error), reason });
}

/** Builds the error for a rejected re-mint, with the advice that fits the status. */
export function buildRemintRejection(error: WebexError, target: GrantTarget & { appId: string }): TokenRefreshError {
  const reason = classifyRemintRejection(error);
  let advice: string;
  if (reason === "client_secret") {
    advice = "Webex rejected the client id or client secret, so the client secret was probably regenerated; give this client the app's current client secret.";
  } else if (reason === "token_manager") {
    advice = "Webex rejected the token-manager token (expired or revoked); give a current token that carries spark:applications_token.";
  } else if (reason === "not_authorized") {
    advice =
      "The app is not authorized in this org, or the token-manager token lacks spark:applications_token. " +
      "A full admin of the org must authorize the app in Control Hub, or use a token-manager token with that scope.";
  } else {
    advice = `Application ${target.appId} was not found; it may have been deleted. Check the app id.`;
  }
  const message = `Getting a new token for service app ${target.appId} (client ${target.clientId}) in org ${target.orgId} was rejected. ${advice} ${NO_RETRY_NOTE} Webex's response: ${error.message}`;
  return new TokenRefreshError(message, { ...wrappingDetails(error), reason });
}

/** Builds the error for a store entry that has no pair and no way to mint one. */
export function buildMissingEntryError(target: GrantTarget, storeDescription: string): TokenRefreshError {
  return new TokenRefreshError(
    `The ${storeDescription} has no token pair for service app client ${target.clientId} in org ${target.orgId}. ` +
      `Fetch one with \`wxadmin token fetch --app ${target.appId ?? "<app id>"} --org ${target.orgId}\`, store the result of Application.getToken, ` +
      "or configure a tokenManager so the provider can get one itself.",
    { reason: "no_pair" },
  );
}

const NO_RETRY_NOTE = "This client makes no further refresh attempts until refresh() is called.";

/** Reads the OAuth `error` code (`invalid_grant`, `invalid_client`, …) from an error body. */
function readOAuthError(body: unknown): string | undefined {
  if (body === null || typeof body !== "object") {
    return undefined;
  }
  const code = (body as { error?: unknown }).error;
  return typeof code === "string" ? code : undefined;
}
