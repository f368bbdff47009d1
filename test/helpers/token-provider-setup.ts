/**
 * Fixtures for the service-app token provider tests: an emulator with a service app authorized
 * in the customer org, its first token pair in a store, and counters over the request log.
 */
import type { Emulator, EmulatorOptions } from "../../src/emulator/index.js";
import type { StoredToken, TokenStore } from "../../src/auth/token-store.js";
import { MemoryTokenStore } from "../../src/auth/token-store.js";
import type { Application } from "../../src/resources/applications.js";
import { Webex, type ServiceAppOptions } from "../../src/webex.js";
import type { ServiceAppTokenProvider } from "../../src/auth/service-app-token-provider.js";
import { createAuthorizedApp, startTestEmulator } from "./sdk-emulator.js";

/** A running emulator with an authorized service app and its first pair in `store`. */
export interface ServiceAppFixture {
  emulator: Emulator;
  app: Application;
  clientId: string;
  clientSecret: string;
  /** Base64 id of the customer org, where the app is authorized. */
  orgId: string;
  /** The pair the developer fetched first, as stored. */
  firstEntry: StoredToken;
  store: MemoryTokenStore;
  /** The developer's connection, which manages the app. */
  developer: Webex;
  /** The customer admin's connection, which authorized the app. */
  admin: Webex;
}

/**
 * Starts an emulator, creates and authorizes a service app, fetches its first pair with the
 * emulator clock as the SDK clock, and puts the pair in a `MemoryTokenStore`.
 */
export async function startServiceAppFixture(options: EmulatorOptions = {}): Promise<ServiceAppFixture> {
  const emulator = await startTestEmulator({ people: 20, ...options });
  const now = (): number => emulator.clock.now();
  const setup = await createAuthorizedApp(emulator, `Token Robot ${Math.random().toString(36).slice(2, 8)}`, { now });
  const orgId = emulator.orgs.customer.id;
  const info = await setup.app.getToken(setup.clientSecret, orgId);
  const firstEntry: StoredToken = {
    clientId: setup.app.clientId as string,
    orgId,
    appId: setup.app.id,
    tokens: info.toJSON(),
    obtainedAt: info.obtainedAt().getTime(),
    updatedAt: info.obtainedAt().getTime(),
    state: "ok",
  };
  return {
    emulator,
    app: setup.app,
    clientId: firstEntry.clientId,
    clientSecret: setup.clientSecret,
    orgId,
    firstEntry,
    store: new MemoryTokenStore([firstEntry]),
    developer: setup.developer,
    admin: setup.admin,
  };
}

/** Connects as the fixture's service app through `Webex.fromServiceApp`, on the emulator clock. */
export function connectServiceApp(
  fixture: ServiceAppFixture,
  options: Partial<ServiceAppOptions> = {},
): Webex & { readonly tokenProvider: ServiceAppTokenProvider } {
  return Webex.fromServiceApp({
    clientId: fixture.clientId,
    clientSecret: fixture.clientSecret,
    orgId: fixture.orgId,
    store: fixture.store,
    baseUrl: fixture.emulator.url,
    now: () => fixture.emulator.clock.now(),
    ...options,
  });
}

/** Counts requests in the emulator's log whose method and path (query excluded) match. */
export function countRequests(emulator: Emulator, method: string, path: string, status?: number): number {
  return emulator.requestLog.filter(
    (entry) => entry.method === method && entry.path.split("?")[0] === path && (status === undefined || entry.status === status),
  ).length;
}

/** Counts refresh-grant requests (`POST /v1/access_token`), optionally only those with `status`. */
export function countRefreshes(emulator: Emulator, status?: number): number {
  return countRequests(emulator, "POST", "/v1/access_token", status);
}

/** A store that counts calls to each method of `inner` and can fail `set` on demand. */
export class CountingStore implements TokenStore {
  readonly calls = { get: 0, set: 0, delete: 0, list: 0, withLock: 0 };
  /** The next this-many `set` calls throw. */
  failNextSets = 0;
  /** Awaited at the start of every `set`, so a test can act while a write is pending. */
  beforeSet: () => Promise<void> = async () => undefined;
  readonly inner: TokenStore;

  constructor(inner: TokenStore) {
    this.inner = inner;
  }

  get(key: { clientId: string; orgId: string }): Promise<StoredToken | undefined> {
    this.calls.get += 1;
    return this.inner.get(key);
  }

  async set(entry: StoredToken): Promise<void> {
    this.calls.set += 1;
    await this.beforeSet();
    if (this.failNextSets > 0) {
      this.failNextSets -= 1;
      throw new Error("disk full (simulated)");
    }
    await this.inner.set(entry);
  }

  delete(key: { clientId: string; orgId: string }): Promise<boolean> {
    this.calls.delete += 1;
    return this.inner.delete(key);
  }

  list(): Promise<StoredToken[]> {
    this.calls.list += 1;
    return this.inner.list();
  }

  withLock<T>(key: { clientId: string; orgId: string }, work: () => Promise<T>): Promise<T> {
    this.calls.withLock += 1;
    return this.inner.withLock(key, work);
  }

  describe(): string {
    return `counting ${this.inner.describe()}`;
  }
}
