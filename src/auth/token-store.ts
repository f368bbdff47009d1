/**
 * Token stores keep the service-app token pair of each (client id, org) so a provider can
 * refresh it, persist the new pair and pick it up again in a later process. The interface is
 * public so users can plug in their own store (a secrets manager, a database row).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { inspect } from "node:util";
import { decodeId, encodeId, isUuid } from "../ids.js";
import { maskSecret, registerSecret } from "../redact.js";
import { InvalidInputError, type TokenRejectionReason } from "../transport/errors.js";
import type { TokenFields } from "./token.js";

/** Identifies one stored entry: one service app (by OAuth client id) in one org. */
export interface TokenStoreKey {
  /** OAuth client id of the service app. */
  clientId: string;
  /** Org id: a base64 Webex id or a bare UUID, which the store encodes before keying. */
  orgId: string;
}

/** One stored token pair with what a provider needs to judge its expiry and health. */
export interface StoredToken {
  /** OAuth client id of the service app. */
  clientId: string;
  /** Base64 org id. Stores replace a bare UUID with its base64 form when writing. */
  orgId: string;
  /** Id of the service app, needed to re-mint the pair through `POST /v1/applications/{id}/token`. */
  appId?: string;
  /** The five wire fields of the last token response. */
  tokens: TokenFields;
  /** Epoch milliseconds when Webex issued `tokens`; `expires_in` and `refresh_token_expires_in` count from it. */
  obtainedAt: number;
  /** Epoch milliseconds of the last write of this entry. */
  updatedAt: number;
  /** `needs_reauthorization` once a refresh was rejected; a person must act before it works again. */
  state?: "ok" | "needs_reauthorization";
  /** Human-readable text of the last rejection, without secrets. */
  problem?: string;
  /** The reason of the last rejection, when `state` is `needs_reauthorization`. */
  rejectionReason?: TokenRejectionReason;
}

/** Storage for service-app token pairs, keyed by (client id, org id). */
export interface TokenStore {
  /**
   * Returns the entry of `key`, or `undefined` when there is none.
   *
   * @throws WebexError when the store cannot be read
   */
  get(key: TokenStoreKey): Promise<StoredToken | undefined>;
  /**
   * Creates or replaces the entry keyed by `entry.clientId` and `entry.orgId`.
   *
   * @throws InvalidInputError when the entry lacks a field
   */
  set(entry: StoredToken): Promise<void>;
  /** Removes the entry of `key`. Returns true when there was one. */
  delete(key: TokenStoreKey): Promise<boolean>;
  /** Returns every entry, ordered by client id and then org id. */
  list(): Promise<StoredToken[]>;
  /**
   * Runs `work` holding an exclusive lock on `key` (across processes for the file store), so a
   * refresh can re-read, refresh and write without another process doing the same at once.
   * Calling `withLock` for the same key inside `work` runs the inner `work` at once, since the
   * caller already holds the lock.
   */
  withLock<T>(key: TokenStoreKey, work: () => Promise<T>): Promise<T>;
  /** A description of the storage for log lines, such as `file store /home/x/.config/wxadmin/tokens.json`. Contains no secret. */
  describe(): string;
}

/**
 * Returns the canonical form of an org id for keying: a bare UUID becomes the base64 Webex id
 * with the `us` cluster, and a padded or URL-safe base64 id becomes the unpadded standard form.
 * Values that are neither are returned unchanged.
 */
export function normalizeOrgId(orgId: string): string {
  const trimmed = orgId.trim();
  if (isUuid(trimmed)) {
    return encodeId("ORGANIZATION", trimmed.toLowerCase());
  }
  const parts = decodeId(trimmed);
  if (parts) {
    return encodeId(parts.kind, parts.id, parts.cluster);
  }
  return trimmed;
}

/**
 * Returns the string under which a store files the entry of (`clientId`, `orgId`):
 * `"<clientId>|<base64 orgId>"`. A bare UUID and its base64 org id give the same key.
 */
export function tokenStoreKey(clientId: string, orgId: string): string {
  return `${clientId.trim()}|${normalizeOrgId(orgId)}`;
}

/**
 * Checks that `value` is a complete stored entry, registers its tokens as secrets and returns
 * a fresh copy with a normalized org id. `where` names the value in error messages.
 *
 * @throws InvalidInputError naming the first missing or mistyped field (never a token value)
 */
export function validateStoredToken(value: unknown, where: string): StoredToken {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidInputError(`${where} is not a token entry; expected an object with clientId, orgId, tokens, obtainedAt and updatedAt.`);
  }
  const record = value as Record<string, unknown>;
  const tokens = record.tokens as Record<string, unknown> | undefined;

  // Register before any check, so that no later message can carry a token in full.
  if (tokens !== null && typeof tokens === "object") {
    registerSecret(typeof tokens.access_token === "string" ? tokens.access_token : undefined);
    registerSecret(typeof tokens.refresh_token === "string" ? tokens.refresh_token : undefined);
  }

  const entry: StoredToken = {
    clientId: requireString(record, "clientId", where),
    orgId: normalizeOrgId(requireString(record, "orgId", where)),
    tokens: validateTokenFields(tokens, where),
    obtainedAt: requireNumber(record, "obtainedAt", where),
    updatedAt: requireNumber(record, "updatedAt", where),
  };
  if (record.appId !== undefined) {
    entry.appId = requireString(record, "appId", where);
  }
  if (record.state !== undefined) {
    if (record.state !== "ok" && record.state !== "needs_reauthorization") {
      throw new InvalidInputError(`${where} has an invalid state ${JSON.stringify(record.state)}; expected "ok" or "needs_reauthorization".`);
    }
    entry.state = record.state;
  }
  if (record.problem !== undefined) {
    entry.problem = requireString(record, "problem", where);
  }
  if (record.rejectionReason !== undefined) {
    // A reason this version does not know, written by a newer one, still marks a rejection.
    entry.rejectionReason = isRejectionReason(record.rejectionReason) ? record.rejectionReason : "unknown";
  }
  return entry;
}

const REJECTION_REASONS: ReadonlySet<unknown> = new Set<TokenRejectionReason>([
  "client_secret",
  "refresh_token",
  "token_manager",
  "not_authorized",
  "app_not_found",
  "no_pair",
  "unknown",
]);

function isRejectionReason(value: unknown): value is TokenRejectionReason {
  return REJECTION_REASONS.has(value);
}

/**
 * Makes `inspect()` (and so `console.log`) of an entry show its tokens masked. The hook is a
 * non-enumerable symbol property, so `JSON.stringify` and `structuredClone` still see the full
 * values that a store must write.
 */
export function maskStoredTokenInspection(entry: StoredToken): StoredToken {
  Object.defineProperty(entry.tokens, inspect.custom, {
    value: function inspectMaskedTokens(this: TokenFields): string {
      return `{ access_token: '${maskSecret(this.access_token)}', expires_in: ${this.expires_in}, refresh_token: '${maskSecret(this.refresh_token)}', refresh_token_expires_in: ${this.refresh_token_expires_in}, token_type: '${this.token_type}' }`;
    },
    enumerable: false,
    configurable: true,
  });
  return entry;
}

function validateTokenFields(tokens: Record<string, unknown> | undefined, where: string): TokenFields {
  if (tokens === null || typeof tokens !== "object" || Array.isArray(tokens)) {
    throw new InvalidInputError(`${where} has no tokens object; expected the five fields of a token response.`);
  }
  return {
    access_token: requireString(tokens, "access_token", where, "tokens."),
    expires_in: requireNumber(tokens, "expires_in", where, "tokens."),
    refresh_token: requireString(tokens, "refresh_token", where, "tokens."),
    refresh_token_expires_in: requireNumber(tokens, "refresh_token_expires_in", where, "tokens."),
    token_type: typeof tokens.token_type === "string" && tokens.token_type !== "" ? tokens.token_type : "Bearer",
  };
}

function requireString(record: Record<string, unknown>, field: string, where: string, prefix = ""): string {
  const value = record[field];
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidInputError(`${where} has no ${prefix}${field}; expected a non-empty string.`);
  }
  return value;
}

function requireNumber(record: Record<string, unknown>, field: string, where: string, prefix = ""): number {
  const value = record[field];
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidInputError(`${where} has no usable ${prefix}${field}; expected a non-negative number.`);
  }
  return value;
}

/** Orders entries by client id, then org id. */
export function compareEntries(a: StoredToken, b: StoredToken): number {
  if (a.clientId !== b.clientId) {
    return a.clientId < b.clientId ? -1 : 1;
  }
  if (a.orgId !== b.orgId) {
    return a.orgId < b.orgId ? -1 : 1;
  }
  return 0;
}

/**
 * A per-key queue of promises: `run` starts `work` once every earlier `run` for the same key
 * has settled. It serializes callers inside one process only. A `run` for a key that the
 * calling async context already holds starts at once, so nested calls do not deadlock.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();
  /** Keys held by the current async context. */
  readonly #held = new AsyncLocalStorage<ReadonlySet<string>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const heldKeys = this.#held.getStore();
    if (heldKeys?.has(key)) {
      return work();
    }

    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.#tails.set(key, tail);

    await previous;
    try {
      return await this.#held.run(new Set([...(heldKeys ?? []), key]), work);
    } finally {
      release();
      // Drop the key when no caller queued behind this one, so the map stays small.
      if (this.#tails.get(key) === tail) {
        this.#tails.delete(key);
      }
    }
  }

  /** Returns true when the calling async context has the lock of `key`. */
  isHeld(key: string): boolean {
    return this.#held.getStore()?.has(key) ?? false;
  }
}

/**
 * A store that keeps entries in this process only. Entries are copied in and out, so changing
 * a returned entry does not change the store.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, StoredToken>();
  readonly #mutex = new KeyedMutex();

  /** @param entries entries to start with */
  constructor(entries: StoredToken[] = []) {
    for (const entry of entries) {
      const checked = validateStoredToken(entry, "A token entry");
      this.#entries.set(tokenStoreKey(checked.clientId, checked.orgId), checked);
    }
  }

  async get(key: TokenStoreKey): Promise<StoredToken | undefined> {
    const entry = this.#entries.get(tokenStoreKey(key.clientId, key.orgId));
    return entry === undefined ? undefined : maskStoredTokenInspection(structuredClone(entry));
  }

  async set(entry: StoredToken): Promise<void> {
    const checked = validateStoredToken(entry, "The token entry");
    this.#entries.set(tokenStoreKey(checked.clientId, checked.orgId), checked);
  }

  async delete(key: TokenStoreKey): Promise<boolean> {
    return this.#entries.delete(tokenStoreKey(key.clientId, key.orgId));
  }

  async list(): Promise<StoredToken[]> {
    return [...this.#entries.values()].map((entry) => maskStoredTokenInspection(structuredClone(entry))).sort(compareEntries);
  }

  withLock<T>(key: TokenStoreKey, work: () => Promise<T>): Promise<T> {
    return this.#mutex.run(tokenStoreKey(key.clientId, key.orgId), work);
  }

  describe(): string {
    return `memory store (${this.#entries.size} ${this.#entries.size === 1 ? "entry" : "entries"})`;
  }
}
