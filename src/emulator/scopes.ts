/**
 * Scopes of the seeded personal tokens and the scopes each endpoint needs.
 */

/** Scopes of a seeded personal token: `spark:all`, the Service App token scope and the admin read and write scopes. */
export const PERSONAL_SCOPES: readonly string[] = [
  "spark:all",
  "spark:people_read",
  "spark:applications_token",
  "spark-admin:organizations_read",
  "spark-admin:organizations_write",
  "spark-admin:people_read",
  "spark-admin:people_write",
  "spark-admin:licenses_read",
  "spark-admin:locations_read",
  "spark-admin:locations_write",
  "spark-admin:telephony_config_read",
  "spark-admin:telephony_config_write",
  "spark-admin:calling_cdr_read",
  "spark-admin:device_read",
];

/**
 * Scopes per endpoint group. The first scope of each list is the one an error names; any one
 * of the list is enough.
 */
export const REQUIRED_SCOPES = {
  /** `spark:organizations_read` is accepted too, because Service App examples request it. */
  organizationsRead: ["spark-admin:organizations_read", "spark:organizations_read"],
  peopleAdminRead: ["spark-admin:people_read"],
  /** Lookups by email or name only, without admin fields. */
  peopleRead: ["spark:people_read", "spark:all"],
  licensesRead: ["spark-admin:licenses_read"],
  locationsRead: ["spark-admin:locations_read", "spark-admin:people_read", "spark-admin:device_read"],
  applicationsToken: ["spark:applications_token"],
  /** The Webex Calling configuration lists and details under `/telephony/config`. */
  telephonyConfigRead: ["spark-admin:telephony_config_read"],
} as const;
