/**
 * When a service-app token pair needs attention: the access token's refresh point, the refresh
 * token's keep-alive point and the point at which to warn that the refresh token nears its
 * own expiry. All times are epoch milliseconds on the provider's clock.
 */
import { InvalidInputError } from "../transport/errors.js";
import type { StoredToken } from "./token-store.js";

/** How far ahead of expiry a provider acts, in seconds. */
export interface RefreshTimings {
  /** Refresh when the access token has less than this left; capped at half its lifetime. */
  refreshMarginSeconds: number;
  /** Warn when the refresh token has less than this left; capped at a fifth of its lifetime. */
  refreshTokenWarningSeconds: number;
  /** Refresh when the refresh token has less than this left; capped at a quarter of its lifetime. */
  refreshTokenKeepAliveSeconds: number;
}

const DAY_SECONDS = 86_400;

/** Defaults: refresh 15 minutes ahead, warn 7 days and keep alive 14 days before the refresh token expires. */
export const DEFAULT_REFRESH_TIMINGS: Readonly<RefreshTimings> = Object.freeze({
  refreshMarginSeconds: 900,
  refreshTokenWarningSeconds: 7 * DAY_SECONDS,
  refreshTokenKeepAliveSeconds: 14 * DAY_SECONDS,
});

/** The points in time of one token pair. */
export interface TokenSchedule {
  accessExpiresAtMs: number;
  refreshExpiresAtMs: number;
  /** From here on the access token is refreshed before it is used. */
  accessRefreshAtMs: number;
  /** From here on the pair is refreshed to renew the refresh token. */
  keepAliveAtMs: number;
  /** From here on the refresh token counts as nearly expired. */
  warnAtMs: number;
}

/**
 * Fills in the defaults of `options` and checks each value.
 *
 * @throws InvalidInputError naming the option when a value is not a non-negative number of seconds
 */
export function resolveRefreshTimings(options: Partial<RefreshTimings>): RefreshTimings {
  const timings = { ...DEFAULT_REFRESH_TIMINGS };
  for (const name of Object.keys(DEFAULT_REFRESH_TIMINGS) as Array<keyof RefreshTimings>) {
    const value = options[name];
    if (value === undefined) {
      continue;
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new InvalidInputError(`Invalid ${name} ${String(value)}: expected a non-negative number of seconds (default ${DEFAULT_REFRESH_TIMINGS[name]}).`);
    }
    timings[name] = value;
  }
  return timings;
}

/**
 * Computes the schedule of `entry`. Each margin is capped by a share of the token's lifetime
 * (as stated in the response), so that short-lived tokens in tests and odd deployments still
 * get used for a while between refreshes.
 */
export function planTokenSchedule(entry: StoredToken, timings: RefreshTimings): TokenSchedule {
  const accessLifetimeMs = entry.tokens.expires_in * 1000;
  const refreshLifetimeMs = entry.tokens.refresh_token_expires_in * 1000;
  const accessExpiresAtMs = entry.obtainedAt + accessLifetimeMs;
  const refreshExpiresAtMs = entry.obtainedAt + refreshLifetimeMs;

  const marginMs = Math.min(timings.refreshMarginSeconds * 1000, accessLifetimeMs / 2);
  const keepAliveMs = Math.min(timings.refreshTokenKeepAliveSeconds * 1000, refreshLifetimeMs / 4);
  const warningMs = Math.min(timings.refreshTokenWarningSeconds * 1000, refreshLifetimeMs / 5);
  return {
    accessExpiresAtMs,
    refreshExpiresAtMs,
    accessRefreshAtMs: accessExpiresAtMs - marginMs,
    keepAliveAtMs: refreshExpiresAtMs - keepAliveMs,
    warnAtMs: refreshExpiresAtMs - warningMs,
  };
}
