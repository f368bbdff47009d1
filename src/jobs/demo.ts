/**
 * The Service Application flow end to end against the embedded emulator. A developer creates an
 * app, the admin of another org authorizes it, and the developer gets and refreshes its token and
 * rotates its secret. The service-app token then acts in the customer org. Each finished step is
 * reported through `onStep` with display-safe values, so secrets and tokens arrive masked.
 */
import { randomUUID } from "node:crypto";
import type { TokenInfo } from "../auth/token.js";
import { startEmulator, type Emulator, type EmulatorOptions } from "../emulator/index.js";
import type { Logger } from "../logger.js";
import { maskSecret } from "../redact.js";
import { WebexError } from "../transport/errors.js";
import { Webex } from "../webex.js";

/** A value of a demo fact: plain text, or an expiry the renderer shows in human terms. */
export type DemoValue = string | { expiresAt: Date; lifetimeSeconds: number };

/** One labelled value of a step. Secrets and tokens are already masked. */
export interface DemoFact {
  label: string;
  value: DemoValue;
}

/** A small table of a step, such as license usage. Numbers are right-aligned by renderers. */
export interface DemoTable {
  headers: string[];
  rows: Array<Array<string | number>>;
}

/** A finished step of the demo. */
export interface DemoStep {
  /** 0 for starting the emulator, then 1 to 7: steps 1 to 6 of the flow and the clean-up. */
  number: number;
  title: string;
  /** The SDK call the step makes, shown so readers can map the step to code. */
  call?: string;
  facts: DemoFact[];
  table?: DemoTable;
}

/** Settings of `runDemo`. */
export interface DemoOptions {
  /** Receives each step once it has finished. */
  onStep: (step: DemoStep) => void;
  /** A running emulator to use; it is left running. Default: start one on an ephemeral loopback port and stop it at the end. */
  emulator?: Emulator;
  /** Settings of the emulator the demo starts; ignored with `emulator`. Default: the demo seed on port 0. */
  emulatorOptions?: EmulatorOptions;
  /** Logger handed to the SDK. Default: silent. */
  logger?: Logger;
}

/** Outcome of a demo run, for callers that check it. */
export interface DemoResult {
  appId: string;
  customerOrgId: string;
  /** People the service-app token listed in the customer org. */
  peopleCount: number;
  /** Numbered steps completed, not counting the emulator start. */
  steps: number;
}

/** Scopes of the demo's service app: enough to read the customer org, its people and licenses. */
export const DEMO_APP_SCOPES = ["spark-admin:organizations_read", "spark-admin:people_read", "spark-admin:licenses_read"];

/**
 * Runs the demo and reports each step through `options.onStep`.
 *
 * @throws WebexError when a step fails, or Error when the emulator behaves against the contract
 * (an old client secret still accepted, a deleted app's token still working).
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const emulator = options.emulator ?? (await startEmulator({ port: 0, seed: "demo", ...options.emulatorOptions }));
  try {
    return await runSteps(emulator, options);
  } finally {
    if (options.emulator === undefined) {
      await emulator.stop();
    }
  }
}

async function runSteps(emulator: Emulator, options: DemoOptions): Promise<DemoResult> {
  const report = options.onStep;
  const connect = (accessToken: string): Promise<Webex> =>
    Webex.connect({ accessToken, baseUrl: emulator.url, logger: options.logger });

  report({
    number: 0,
    title: "Start the Webex API emulator",
    facts: [
      { label: "Base URL", value: emulator.url },
      { label: "Developer org", value: `${emulator.orgs.developer.displayName} (${emulator.orgs.developer.id})` },
      { label: "Customer org", value: `${emulator.orgs.customer.displayName} (${emulator.orgs.customer.id})` },
    ],
  });

  // Step 1: the developer creates the service app.
  const developer = await connect(emulator.tokens.developer);
  const app = await developer.org.applications.createServiceApplication({
    // A unique name, because getAppByName in step 7 needs exactly one match on a shared emulator.
    name: `wxadmin demo ${randomUUID().slice(0, 8)}`,
    contactEmail: "developer@example.com",
    logo: "https://example.com/wxadmin-logo.png",
    scopes: DEMO_APP_SCOPES,
    description: "Created by wxadmin demo",
  });
  const firstSecret = requireSecret(app.clientSecret, app.id);
  report({
    number: 1,
    title: "Developer creates a service app",
    call: "webex.org.applications.createServiceApplication({ name, contactEmail, logo, scopes })",
    facts: [
      { label: "Developer org", value: `${developer.org.displayName} (${developer.org.id})` },
      { label: "App name", value: app.name },
      { label: "App id", value: app.id },
      { label: "Client id", value: app.clientId ?? "(none)" },
      { label: "Scopes", value: app.scopes.join(", ") },
      { label: "Client secret", value: `${maskSecret(firstSecret)} (returned only at creation)` },
    ],
  });

  // Step 2: a full admin of the customer org looks the app up and authorizes it.
  const admin = await connect(emulator.tokens.customerAdmin);
  const appSeenByAdmin = await admin.org.applications.getAppById(app.id);
  await appSeenByAdmin.authorize();
  const customerOrgId = admin.org.id;
  report({
    number: 2,
    title: "Customer admin authorizes the app in their org",
    call: "admin.org.applications.getAppById(appId); app.authorize()",
    facts: [
      { label: "Admin", value: admin.me?.displayName ?? "(customer admin)" },
      { label: "Customer org", value: `${admin.org.displayName} (${customerOrgId})` },
    ],
  });

  // Step 3: the developer gets a token for the customer org.
  const firstToken = await app.getToken(firstSecret, customerOrgId);
  report({
    number: 3,
    title: "Developer gets a token for the customer org",
    call: "app.getToken(clientSecret, adminOrgId)",
    facts: tokenFacts(firstToken),
  });

  // Step 4: the developer refreshes it.
  const refreshed = await app.getTokenRefresh(firstSecret, firstToken.refresh_token);
  report({
    number: 4,
    title: "Developer refreshes the token",
    call: "app.getTokenRefresh(clientSecret, refreshToken)",
    facts: tokenFacts(
      refreshed,
      refreshed.refresh_token === firstToken.refresh_token ? "unchanged, lifetime reset" : "a new one, store it",
    ),
  });

  // Step 5: the developer rotates the client secret; the old one must be rejected.
  const secondSecret = await app.regenerateClientSecret();
  const rejection = await describeRejection(
    () => app.getToken(firstSecret, customerOrgId),
    "The old client secret was still accepted after it was regenerated.",
  );
  const tokenWithNewSecret = await app.getToken(secondSecret, customerOrgId);
  report({
    number: 5,
    title: "Developer regenerates the client secret",
    call: "app.regenerateClientSecret()",
    facts: [
      { label: "New client secret", value: maskSecret(secondSecret) },
      { label: "Old secret", value: rejection },
      { label: "New secret", value: `accepted: access token ${maskSecret(tokenWithNewSecret.access_token)}` },
    ],
  });

  // Step 6: the service-app token acts in the customer org like an admin token.
  const service = await connect(refreshed.access_token);
  const peopleCount = await countItems(service.org.people.list());
  const licenses = await service.org.licenses.list().toArray();
  report({
    number: 6,
    title: "The service-app token reads the customer org",
    call: "Webex.connect({ accessToken }); org.people.list(); org.licenses.list()",
    facts: [
      { label: "Acting as", value: `${service.me?.displayName ?? "service app"} (${service.me?.type ?? "machine account"})` },
      { label: "Org", value: `${service.org.displayName} (${service.org.id})` },
      { label: "People", value: String(peopleCount) },
    ],
    table: {
      headers: ["License", "Total", "Consumed", "Free"],
      rows: licenses.map((license) => [
        license.name,
        license.totalUnits ?? 0,
        license.consumedUnits ?? 0,
        (license.totalUnits ?? 0) - (license.consumedUnits ?? 0),
      ]),
    },
  });

  // Step 7: the developer finds the app by name and deletes it, which revokes its tokens.
  const listed = await countItems(developer.org.applications.list());
  const byName = await developer.org.applications.getAppByName(app.name);
  await byName.delete();
  const afterDelete = await describeRejection(
    () => connect(refreshed.access_token),
    "The service-app token still worked after its app was deleted.",
  );
  report({
    number: 7,
    title: "Developer deletes the app",
    call: "applications.list(); applications.getAppByName(name); app.delete()",
    facts: [
      { label: "Apps in developer org", value: `${listed} before deletion` },
      { label: "Deleted", value: `${byName.name} (${byName.id})` },
      { label: "Service-app token", value: afterDelete },
    ],
  });

  return { appId: app.id, customerOrgId, peopleCount, steps: 7 };
}

function tokenFacts(token: TokenInfo, refreshNote?: string): DemoFact[] {
  const refreshSuffix = refreshNote === undefined ? "" : ` (${refreshNote})`;
  return [
    { label: "Access token", value: maskSecret(token.access_token) },
    { label: "Access expires", value: { expiresAt: token.accessExpiresAt(), lifetimeSeconds: token.expires_in } },
    { label: "Refresh token", value: `${maskSecret(token.refresh_token)}${refreshSuffix}` },
    {
      label: "Refresh expires",
      value: { expiresAt: token.refreshExpiresAt(), lifetimeSeconds: token.refresh_token_expires_in },
    },
    { label: "Token type", value: token.token_type },
  ];
}

function requireSecret(secret: string | undefined, appId: string): string {
  if (secret === undefined) {
    throw new Error(`The emulator created app ${appId} without returning a client secret.`);
  }
  return secret;
}

/**
 * Runs `attempt`, which must fail with a WebexError, and describes the rejection.
 *
 * @throws Error with `acceptedMessage` when the attempt succeeds.
 */
async function describeRejection(attempt: () => Promise<unknown>, acceptedMessage: string): Promise<string> {
  try {
    await attempt();
  } catch (error) {
    if (error instanceof WebexError) {
      return `rejected with ${error.status ?? error.code} (${error.name})`;
    }
    throw error;
  }
  throw new Error(acceptedMessage);
}

async function countItems(items: AsyncIterable<unknown>): Promise<number> {
  let count = 0;
  for await (const _item of items) {
    count += 1;
  }
  return count;
}
