/**
 * Test controls for the token endpoints: lifetimes and refresh-token rotation changed while the
 * emulator runs, and revocation of service-app tokens as if Webex had withdrawn them.
 */
import type { HandlerContext } from "./http.js";
import type { RevokedTokens, RevokeTokensFilter, TokenSettings } from "./types.js";

/**
 * Applies `settings` to tokens issued from now on. Tokens already issued keep their expiry,
 * as they would at Webex after a policy change.
 *
 * @throws RangeError when a lifetime is not a whole number of seconds of at least 1
 * @throws TypeError when `rotateRefreshTokens` is not a boolean
 */
export function configureTokens(context: HandlerContext, settings: TokenSettings): void {
  if (settings === null || typeof settings !== "object") {
    throw new TypeError(`configureTokens needs an object such as { accessTokenLifetimeSeconds: 60 }, got ${String(settings)}.`);
  }
  const lifetimes: { accessSeconds?: number; refreshSeconds?: number } = {};
  if (settings.accessTokenLifetimeSeconds !== undefined) {
    lifetimes.accessSeconds = checkLifetime("accessTokenLifetimeSeconds", settings.accessTokenLifetimeSeconds, 0);
  }
  if (settings.refreshTokenLifetimeSeconds !== undefined) {
    lifetimes.refreshSeconds = checkLifetime("refreshTokenLifetimeSeconds", settings.refreshTokenLifetimeSeconds, 0);
  }
  if (settings.rotateRefreshTokens !== undefined && typeof settings.rotateRefreshTokens !== "boolean") {
    throw new TypeError(`configureTokens rotateRefreshTokens must be true or false, got ${String(settings.rotateRefreshTokens)}.`);
  }

  context.credentials.setLifetimes(lifetimes);
  if (settings.rotateRefreshTokens !== undefined) {
    context.settings.rotateRefreshTokens = settings.rotateRefreshTokens;
  }
}

/**
 * Revokes the service-app tokens that match `filter`. A revoked access token gets 401 and a
 * revoked refresh token gets `invalid_grant`, the same responses as for an expired one.
 *
 * @throws RangeError when `appId` or `orgId` names no app or org of the emulator
 */
export function revokeTokens(context: HandlerContext, filter: RevokeTokensFilter = {}): RevokedTokens {
  const kind = filter.kind ?? "both";
  if (kind !== "access" && kind !== "refresh" && kind !== "both") {
    throw new RangeError(`revokeTokens kind must be "access", "refresh" or "both", got ${JSON.stringify(kind)}.`);
  }

  let appUuid: string | undefined;
  if (filter.appId !== undefined) {
    const app = context.state.findApplication(filter.appId);
    if (!app) {
      throw new RangeError(`revokeTokens appId ${filter.appId} names no application of this emulator; pass the id that create returned.`);
    }
    appUuid = app.uuid;
  }
  let orgUuid: string | undefined;
  if (filter.orgId !== undefined) {
    const org = context.state.findOrg(filter.orgId);
    if (!org) {
      throw new RangeError(`revokeTokens orgId ${filter.orgId} names no org of this emulator; pass emulator.orgs.customer.id or another seeded org id.`);
    }
    orgUuid = org.uuid;
  }

  return context.credentials.revokeServiceAppTokens({
    appUuid,
    orgUuid,
    access: kind !== "refresh",
    refresh: kind !== "access",
  });
}

/**
 * Returns `value ?? fallback` after checking that it is a whole number of seconds of at least 1.
 *
 * @throws RangeError naming the setting otherwise
 */
export function checkLifetime(name: string, value: number | undefined, fallback: number): number {
  const seconds = value ?? fallback;
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new RangeError(`${name} must be a whole number of seconds of at least 1, got ${value}.`);
  }
  return seconds;
}
