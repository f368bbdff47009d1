/**
 * Local Webex API emulator: serves organizations, people, licenses, locations, the Webex
 * Calling configuration lists, applications and the Service App token endpoints on a loopback
 * port, with seeded orgs (a partner with many customer orgs on request), data that changes on
 * request, a settable clock, a per-token rate limit and fault injection.
 */
import type { AddressInfo } from "node:net";
import { createClock } from "./clock.js";
import { controlRoutes } from "./control.js";
import { CredentialStore } from "./credentials.js";
import { createEmulatorData } from "./emulator-data.js";
import { FaultPlan } from "./faults.js";
import type { HandlerContext } from "./http.js";
import { isLoopbackHost } from "./loopback.js";
import { mutateOrg } from "./mutate.js";
import { addPersonWithToken } from "./personal-tokens.js";
import { RateLimiter } from "./rate-limit.js";
import { Router } from "./router.js";
import { applicationRoutes } from "./routes/applications.js";
import { authorizationRoutes } from "./routes/authorizations.js";
import { callFeatureRoutes } from "./routes/call-features.js";
import { callingLocationRoutes } from "./routes/calling-locations.js";
import { licenseRoutes } from "./routes/licenses.js";
import { locationRoutes } from "./routes/locations.js";
import { numberRoutes } from "./routes/numbers.js";
import { organizationRoutes } from "./routes/organizations.js";
import { peopleRoutes } from "./routes/people.js";
import { queueAgentRoutes } from "./routes/queue-agents.js";
import { tokenRoutes } from "./routes/tokens.js";
import { checkLifetime, configureTokens, revokeTokens } from "./token-controls.js";
import { PERSONAL_SCOPES } from "./scopes.js";
import { seedState } from "./seed.js";
import { createEmulatorServer } from "./server.js";
import { EmulatorState } from "./state.js";
import type { DataChange, Emulator, EmulatorOptions, EmulatorOrg, MutateOptions, RequestLogEntry } from "./types.js";

export type {
  CallFeatureInput,
  CallFeaturePatch,
  CallingInput,
  DataChange,
  DataKind,
  Emulator,
  EmulatorClock,
  EmulatorData,
  EmulatorOptions,
  EmulatorOrg,
  InjectedFault,
  LicensePatch,
  LocationInput,
  LocationPatch,
  MutateOptions,
  NumberInput,
  PersonalTokenRequest,
  PersonInput,
  PersonPatch,
  RandomFaultOptions,
  RateLimitOptions,
  RequestLogEntry,
  RevokedTokens,
  RevokeTokensFilter,
  TokenSettings,
} from "./types.js";
export type { MutateResponse } from "./control.js";
export { PERSONAL_SCOPES } from "./scopes.js";

const DEFAULTS = {
  host: "127.0.0.1",
  randomSeed: 1,
  people: 300,
  orgs: 1,
  customerOrgPeople: 50,
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
    people: checkCount("people", options.people, DEFAULTS.people, MAX_PEOPLE),
    orgs: checkCount("orgs", options.orgs, DEFAULTS.orgs, MAX_ORGS),
    customerOrgPeople: checkCount("customerOrgPeople", options.customerOrgPeople, DEFAULTS.customerOrgPeople, MAX_PEOPLE),
    overConsumedLicense: options.overConsumedLicense ?? false,
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
  const routeGroups = [
    organizationRoutes,
    peopleRoutes,
    licenseRoutes,
    locationRoutes,
    callingLocationRoutes,
    numberRoutes,
    queueAgentRoutes,
    callFeatureRoutes,
    applicationRoutes,
    authorizationRoutes,
    tokenRoutes,
  ];
  for (const routes of routeGroups) {
    router.add(routes);
  }
  const faults = new FaultPlan(options.faults, randomSeed);
  let mutations = 0;
  const mutate = (mutateOptions: MutateOptions = {}): DataChange[] => {
    mutations += 1;
    // Each call without a seed gets its own, derived from the emulator's seed and the call count.
    return mutateOrg(context, mutateOptions, randomSeed * 31 + mutations * 7919);
  };
  const controlRouter = new Router();
  controlRouter.add(controlRoutes(mutate));
  const requestLog: RequestLogEntry[] = [];
  const { server, cancelPending } = createEmulatorServer({
    router,
    controlRouter,
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
      partnerAdmin: credentials.issuePersonalToken(world.partnerAdmin, PERSONAL_SCOPES),
    },
    orgs: {
      developer: summarizeOrg(world.developerOrg),
      customer: summarizeOrg(world.customerOrg),
      partner: summarizeOrg(world.partnerOrg),
      customers: world.customerOrgs.map(summarizeOrg),
    },
    data: createEmulatorData(context),
    mutate,
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

function summarizeOrg(org: { id: string; uuid: string; displayName: string }): EmulatorOrg {
  return { id: org.id, uuid: org.uuid, displayName: org.displayName };
}

/** Customer orgs the partner may manage; each is seeded in full, so the bound keeps start-up time in check. */
const MAX_ORGS = 1000;
/** People per org; memory grows by roughly 1 KB per person. */
const MAX_PEOPLE = 1_000_000;

/** Returns `value ?? fallback` after checking it is a whole number from 1 to `max`. @throws RangeError naming the option otherwise */
function checkCount(name: string, value: number | undefined, fallback: number, max: number): number {
  const count = value ?? fallback;
  if (!Number.isInteger(count) || count < 1 || count > max) {
    throw new RangeError(`${name} must be a whole number from 1 to ${max}, got ${value}.`);
  }
  return count;
}

async function stopServer(server: import("node:http").Server, cancelPending: () => void): Promise<void> {
  cancelPending();
  const closed = new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
  });
  server.closeAllConnections();
  await closed;
}
