/**
 * Local Webex API emulator: serves organizations, people, licenses, locations, applications
 * and the Service App token endpoints on a loopback port, with seeded orgs, a settable clock,
 * a per-token rate limit and fault injection.
 */
import type { AddressInfo } from "node:net";
import { createClock } from "./clock.js";
import { CredentialStore } from "./credentials.js";
import { FaultPlan } from "./faults.js";
import type { HandlerContext } from "./http.js";
import { isLoopbackHost } from "./loopback.js";
import { addPersonWithToken } from "./personal-tokens.js";
import { RateLimiter } from "./rate-limit.js";
import { Router } from "./router.js";
import { applicationRoutes } from "./routes/applications.js";
import { authorizationRoutes } from "./routes/authorizations.js";
import { licenseRoutes } from "./routes/licenses.js";
import { locationRoutes } from "./routes/locations.js";
import { organizationRoutes } from "./routes/organizations.js";
import { peopleRoutes } from "./routes/people.js";
import { tokenRoutes } from "./routes/tokens.js";
import { checkLifetime, configureTokens, revokeTokens } from "./token-controls.js";
import { PERSONAL_SCOPES } from "./scopes.js";
import { seedState } from "./seed.js";
import { createEmulatorServer } from "./server.js";
import { EmulatorState } from "./state.js";
import type { Emulator, EmulatorOptions, RequestLogEntry } from "./types.js";

export type {
  Emulator,
  EmulatorClock,
  EmulatorOptions,
  EmulatorOrg,
  InjectedFault,
  PersonalTokenRequest,
  RandomFaultOptions,
  RateLimitOptions,
  RequestLogEntry,
  RevokedTokens,
  RevokeTokensFilter,
  TokenSettings,
} from "./types.js";
export { PERSONAL_SCOPES } from "./scopes.js";

const DEFAULTS = {
  host: "127.0.0.1",
  randomSeed: 1,
  people: 300,
  accessTokenLifetimeSeconds: 1_209_600,
  refreshTokenLifetimeSeconds: 7_776_000,
  personalTokenLifetimeSeconds: 43_200,
} as const;

/**
 * Starts an emulator and resolves once it listens.
 * @throws Error when `host` is not a loopback address or the port cannot be bound.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? DEFAULTS.host;
  if (!isLoopbackHost(host)) {
    throw new Error(
      `The emulator binds loopback addresses only (127.0.0.1, ::1 or localhost), got host "${host}". It serves seeded tokens and must not be reachable from other machines.`,
    );
  }
  const randomSeed = options.randomSeed ?? DEFAULTS.randomSeed;

  const clock = createClock();
  const state = new EmulatorState();
  const world = seedState(state, {
    fixture: options.seed ?? "demo",
    randomSeed,
    people: options.people ?? DEFAULTS.people,
  });
  const credentials = new CredentialStore(clock.now, {
    accessSeconds: checkLifetime("accessTokenLifetimeSeconds", options.accessTokenLifetimeSeconds, DEFAULTS.accessTokenLifetimeSeconds),
    refreshSeconds: checkLifetime("refreshTokenLifetimeSeconds", options.refreshTokenLifetimeSeconds, DEFAULTS.refreshTokenLifetimeSeconds),
    personalSeconds: checkLifetime("personalTokenLifetimeSeconds", options.personalTokenLifetimeSeconds, DEFAULTS.personalTokenLifetimeSeconds),
  });
  const context: HandlerContext = {
    state,
    credentials,
    world,
    now: clock.now,
    settings: { rotateRefreshTokens: options.rotateRefreshTokens ?? false, personalScopes: PERSONAL_SCOPES },
  };

  const router = new Router();
  for (const routes of [organizationRoutes, peopleRoutes, licenseRoutes, locationRoutes, applicationRoutes, authorizationRoutes, tokenRoutes]) {
    router.add(routes);
  }
  const faults = new FaultPlan(options.faults, randomSeed);
  const requestLog: RequestLogEntry[] = [];
  const { server, cancelPending } = createEmulatorServer({
    router,
    context,
    faults,
    rateLimiter: options.rateLimit ? new RateLimiter(options.rateLimit) : undefined,
    requestLog,
    accessLog: options.accessLog,
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}/v1`,
    tokens: {
      developer: credentials.issuePersonalToken(world.developer, PERSONAL_SCOPES),
      customerAdmin: credentials.issuePersonalToken(world.customerAdmin, PERSONAL_SCOPES),
    },
    orgs: {
      developer: summarizeOrg(world.developerOrg),
      customer: summarizeOrg(world.customerOrg),
    },
    clock,
    inject: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    createPersonalToken: (request) => addPersonWithToken(context, request),
    configureTokens: (settings) => configureTokens(context, settings),
    revokeTokens: (filter) => revokeTokens(context, filter),
    requestLog,
    stop: () => stopServer(server, cancelPending),
  };
}

function summarizeOrg(org: { id: string; uuid: string; displayName: string }): { id: string; uuid: string; displayName: string } {
  return { id: org.id, uuid: org.uuid, displayName: org.displayName };
}

async function stopServer(server: import("node:http").Server, cancelPending: () => void): Promise<void> {
  cancelPending();
  const closed = new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
  });
  server.closeAllConnections();
  await closed;
}
