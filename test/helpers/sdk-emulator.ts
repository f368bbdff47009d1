/**
 * Emulator fixtures for SDK tests: one emulator per test file on an ephemeral loopback port,
 * and a ready-made service app created by the developer and authorized by the customer admin.
 */
import { startEmulator, type Emulator, type EmulatorOptions } from "../../src/emulator/index.js";
import type { Application } from "../../src/resources/applications.js";
import { Webex, type WebexOptions } from "../../src/webex.js";

/** Scopes of the service apps the tests create. */
export const SERVICE_APP_SCOPES = ["spark-admin:people_read", "spark-admin:licenses_read", "spark:organizations_read"];

/** Starts an emulator on 127.0.0.1 with an ephemeral port. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ port: 0, host: "127.0.0.1", ...options });
}

/** Connects to `emulator` with `accessToken` and any further options. */
export function connectTo(emulator: Emulator, accessToken: string, options: Partial<WebexOptions> = {}): Promise<Webex> {
  return Webex.connect({ accessToken, baseUrl: emulator.url, ...options });
}

/** The parties of the service-app flow. */
export interface ServiceAppSetup {
  developer: Webex;
  admin: Webex;
  /** The app as created, with its client secret. */
  app: Application;
  clientSecret: string;
}

/** Creates a service app as the developer and authorizes it in the customer org as its admin. */
export async function createAuthorizedApp(emulator: Emulator, name: string, options: Partial<WebexOptions> = {}): Promise<ServiceAppSetup> {
  const developer = await connectTo(emulator, emulator.tokens.developer, options);
  const admin = await connectTo(emulator, emulator.tokens.customerAdmin, options);
  const app = await developer.org.applications.createServiceApplication({
    name,
    contactEmail: "dev-team@example.com",
    logo: "https://example.com/logo.png",
    scopes: SERVICE_APP_SCOPES,
  });
  const seenByAdmin = await admin.org.applications.getAppById(app.id);
  await seenByAdmin.authorize();
  if (app.clientSecret === undefined) {
    throw new Error("createServiceApplication returned no client secret");
  }
  return { developer, admin, app, clientSecret: app.clientSecret };
}
