/** Entries and paths shared by the token store tests and their child processes. */
import type { StoredToken } from "../../src/auth/token-store.js";

/** Builds an entry whose two tokens both carry `serial`, padded to `size` characters. */
export function buildEntry(clientId: string, orgId: string, serial: number, size: number): StoredToken {
  const pad = (prefix: string): string => `${prefix}-${serial}-`.padEnd(size, String(serial % 10));
  return {
    clientId,
    orgId,
    tokens: {
      access_token: pad("access"),
      expires_in: 1209600,
      refresh_token: pad("refresh"),
      refresh_token_expires_in: 7776000,
      token_type: "Bearer",
    },
    obtainedAt: serial,
    updatedAt: serial,
  };
}

/**
 * Returns the serial both tokens of `entry` carry, or throws when the entry is not one that
 * `buildEntry` made with `size` (a partial or mixed write).
 */
export function readSerial(entry: StoredToken, size: number): number {
  const match = /^access-(\d+)-/.exec(entry.tokens.access_token);
  if (!match) {
    throw new Error(`access token does not start with access-N-`);
  }
  const serial = Number(match[1]);
  const expected = buildEntry(entry.clientId, entry.orgId, serial, size);
  if (entry.tokens.access_token !== expected.tokens.access_token || entry.tokens.refresh_token !== expected.tokens.refresh_token) {
    throw new Error(`entry ${serial} holds tokens of another write or of the wrong length`);
  }
  if (entry.obtainedAt !== serial) {
    throw new Error(`entry ${serial} has obtainedAt ${entry.obtainedAt}`);
  }
  return serial;
}
