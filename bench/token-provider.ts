/**
 * Benchmark (c): the cost of the self-refreshing service-app token provider on each request,
 * against a static token. Both variants send the same `GET /v1/people/me` with the same
 * service-app access token through the SDK; they differ only in the token provider.
 */
import { performance } from "node:perf_hooks";
import { MemoryTokenStore, StaticTokenProvider, Webex, type StoredToken, type TokenProvider } from "../src/index.js";
import type { BenchConfig } from "./config.js";
import type { EmulatorHandle } from "./emulator-handle.js";
import { runInterleaved } from "./interleaved-runner.js";
import type { BenchmarkResult } from "./report.js";
import { median, summarize } from "./stats.js";

/** Highest acceptable median ratio service-app provider / static token. */
const TOKEN_PROVIDER_TARGET = 1.02;
/** Calls of `getAccessToken()` per timing round of the call-cost note. */
const CALLS_PER_ROUND = 1_000_000;
/** Timing rounds of the call-cost note, alternating the two providers. */
const CALL_ROUNDS = 7;

/**
 * Runs the token-provider benchmark against the emulator: creates and authorizes a service
 * app, gets its token pair, and compares `Webex.fromServiceApp` with `Webex.connect` on the
 * same access token.
 *
 * @throws Error when the provider renews the pair during the run, which would add refresh
 *   requests to one variant only
 */
export async function benchmarkTokenProvider(config: BenchConfig, emulator: EmulatorHandle): Promise<BenchmarkResult> {
  const label = "(c) token provider";
  const started = performance.now();
  const { serviceApp, staticToken } = await connectBothWays(emulator.url, emulator.tokens);

  let renewals = 0;
  serviceApp.tokenProvider.on("refreshed", () => {
    renewals += 1;
  });
  serviceApp.tokenProvider.on("reminted", () => {
    renewals += 1;
  });

  const count = config.getRequests;
  const runGets = async (webex: Webex): Promise<number> => {
    let done = 0;
    for (let index = 0; index < count; index += 1) {
      const person = await webex.org.people.me();
      if (person) {
        done += 1;
      }
    }
    return done;
  };
  const blocks = await runInterleaved({
    sdk: () => runGets(serviceApp),
    raw: () => runGets(staticToken),
    expectedCount: count,
    measuredBlocks: config.tokenReps,
    warmupBlocks: config.tokenWarmupReps,
  });
  if (renewals > 0) {
    throw new Error(`The service-app provider renewed its token pair ${renewals} time(s) during the benchmark; the emulator's token lifetime is too short for it.`);
  }

  const callCost = await measureCallCost(serviceApp.tokenProvider, staticToken.tokenProvider);
  console.log(`${label} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return {
    label,
    workload: `${count} sequential GET /v1/people/me per sample with one service-app access token, through Webex.fromServiceApp and Webex.connect`,
    unitsPerSample: count,
    unitName: "request",
    target: TOKEN_PROVIDER_TARGET,
    blocks: blocks.length,
    wall: summarize(blocks, "wallMs"),
    cpu: summarize(blocks, "cpuMs"),
    samples: blocks,
    variantNames: { sdk: "provider", raw: "static" },
    notes: [
      `getAccessToken() alone: provider ${callCost.providerNs.toFixed(1)} ns, static ${callCost.staticNs.toFixed(1)} ns per call ` +
        `(median of ${CALL_ROUNDS} rounds of ${CALLS_PER_ROUND.toLocaleString("en-US")} calls, promise not awaited)`,
    ],
  };
}

/** Creates a service app as the developer, authorizes it as the admin and connects with its token both ways. */
async function connectBothWays(baseUrl: string, tokens: EmulatorHandle["tokens"]): Promise<{ serviceApp: ReturnType<typeof Webex.fromServiceApp>; staticToken: Webex }> {
  const developer = await Webex.connect({ accessToken: tokens.developer, baseUrl });
  const admin = await Webex.connect({ accessToken: tokens.customerAdmin, baseUrl });
  const app = await developer.org.applications.createServiceApplication({
    name: `Benchmark Robot ${Date.now()}`,
    contactEmail: "bench@example.com",
    logo: "https://example.com/logo.png",
    scopes: ["spark-admin:people_read"],
  });
  await (await admin.org.applications.getAppById(app.id)).authorize();
  const clientSecret = app.clientSecret as string;
  const pair = await app.getToken(clientSecret, admin.org.id);

  const entry: StoredToken = {
    clientId: app.clientId as string,
    orgId: admin.org.id,
    appId: app.id,
    tokens: pair.toJSON(),
    obtainedAt: pair.obtainedAt().getTime(),
    updatedAt: pair.obtainedAt().getTime(),
  };
  const serviceApp = Webex.fromServiceApp({ clientId: entry.clientId, clientSecret, orgId: entry.orgId, store: new MemoryTokenStore([entry]), baseUrl });
  const staticToken = await Webex.connect({ accessToken: pair.access_token, baseUrl });
  if (staticToken.org.id !== serviceApp.org.id) {
    throw new Error(`The two connections act in different orgs (${staticToken.org.id} and ${serviceApp.org.id}), so their requests would differ.`);
  }
  return { serviceApp, staticToken };
}

/**
 * Times `getAccessToken()` of each provider on its own, in alternating rounds, and returns the
 * median nanoseconds per call. The promise is not awaited, so this is the provider's own work.
 */
async function measureCallCost(provider: TokenProvider, staticProvider: TokenProvider): Promise<{ providerNs: number; staticNs: number }> {
  if (!(staticProvider instanceof StaticTokenProvider)) {
    throw new Error("The static variant does not use a StaticTokenProvider.");
  }
  // Both providers hold a settled token; one awaited call each makes sure of it.
  await provider.getAccessToken();
  await staticProvider.getAccessToken();

  const time = (target: TokenProvider): number => {
    let last: Promise<string> | undefined;
    const startedAt = performance.now();
    for (let index = 0; index < CALLS_PER_ROUND; index += 1) {
      last = target.getAccessToken();
    }
    const elapsedMs = performance.now() - startedAt;
    if (last === undefined) {
      throw new Error("No call was timed.");
    }
    return (elapsedMs * 1e6) / CALLS_PER_ROUND;
  };
  const providerNs: number[] = [];
  const staticNs: number[] = [];
  for (let round = 0; round < CALL_ROUNDS; round += 1) {
    providerNs.push(time(provider));
    staticNs.push(time(staticProvider));
  }
  return { providerNs: median(providerNs), staticNs: median(staticNs) };
}
