/**
 * Setup for the `wxadmin token` tests. Service apps are authorized in both seeded orgs through
 * the emulator's raw HTTP API, and later changed as an admin would (deauthorize, regenerate the
 * secret). Direct edits of a token store file make a stored pair look old.
 */
import { readFile } from "node:fs/promises";
import { FileTokenStore } from "../../src/auth/file-token-store.js";
import type { StoredToken } from "../../src/auth/token-store.js";
import type { Emulator } from "../../src/emulator/index.js";
import { appInput, call, type CreatedApp } from "./emulator-client.js";

/** The seeded org an app is authorized in, named as the emulator names it. */
export type SeededOrg = "developer" | "customer";

/**
 * Creates a service app as the developer and authorizes it in the customer org (as its admin)
 * and in the developer org (the developer is a full admin there).
 */
export async function createAppInBothOrgs(emulator: Emulator, name: string): Promise<CreatedApp> {
  const created = await call(emulator, "POST", "/applications", { token: emulator.tokens.developer, json: appInput({ name }) });
  expectStatus(created.status, 200, "creating the app");
  const app: CreatedApp = { id: created.body.id, clientId: created.body.clientId, clientSecret: created.body.clientSecret };

  for (const org of ["customer", "developer"] as const) {
    const authorized = await call(emulator, "POST", `/applications/${app.id}/authorize`, {
      token: adminToken(emulator, org),
      json: { orgId: emulator.orgs[org].id },
    });
    expectStatus(authorized.status, 200, `authorizing the app in the ${org} org`);
  }
  return app;
}

/** Withdraws the app's authorization in `org`, as that org's admin does in Control Hub. */
export async function deauthorizeApp(emulator: Emulator, app: CreatedApp, org: SeededOrg): Promise<void> {
  const response = await call(emulator, "DELETE", `/applications/${app.id}/authorize?orgId=${encodeURIComponent(emulator.orgs[org].id)}`, {
    token: adminToken(emulator, org),
  });
  expectStatus(response.status, 204, `deauthorizing the app in the ${org} org`);
}

/** Regenerates the app's client secret as the developer and returns the new one. */
export async function regenerateSecret(emulator: Emulator, app: CreatedApp): Promise<string> {
  const response = await call(emulator, "DELETE", `/applications/${app.id}/clientSecret`, { token: emulator.tokens.developer });
  expectStatus(response.status, 200, "regenerating the client secret");
  return response.body.clientSecret as string;
}

/** Counts the requests the emulator served for `method` and `path` (pathname without query). */
export function countRequests(emulator: Emulator, method: string, path: string): number {
  return emulator.requestLog.filter((entry) => entry.method === method && entry.path.split("?")[0] === path).length;
}

/** Reads a token store file as JSON, without the store's checks. */
export async function readStoreFile(path: string): Promise<{ version: number; entries: Record<string, StoredToken> }> {
  return JSON.parse(await readFile(path, "utf8"));
}

/** Returns the stored entry of `clientId` in `orgId`, failing when there is none. */
export async function readEntry(storePath: string, clientId: string, orgId: string): Promise<StoredToken> {
  const entry = await new FileTokenStore({ path: storePath }).get({ clientId, orgId });
  if (entry === undefined) {
    throw new Error(`The store ${storePath} has no entry for client ${clientId} in org ${orgId}.`);
  }
  return entry;
}

/**
 * Moves the issue time of a stored pair back by `seconds`, so the CLI, which runs on the real
 * clock, treats it as that much older. The emulator still accepts its refresh token.
 */
export async function ageEntry(storePath: string, clientId: string, orgId: string, seconds: number): Promise<StoredToken> {
  const store = new FileTokenStore({ path: storePath });
  const entry = await readEntry(storePath, clientId, orgId);
  const aged = { ...entry, obtainedAt: entry.obtainedAt - seconds * 1000 };
  await store.set(aged);
  return aged;
}

function adminToken(emulator: Emulator, org: SeededOrg): string {
  return org === "customer" ? emulator.tokens.customerAdmin : emulator.tokens.developer;
}

function expectStatus(actual: number, expected: number, what: string): void {
  if (actual !== expected) {
    throw new Error(`Test setup failed ${what}: status ${actual}, expected ${expected}.`);
  }
}
