import { randomBytes } from "node:crypto";
import type { ApplicationRecord, PersonRecord } from "./model.js";

/** Identity a bearer token acts as. */
export type Identity =
  | { kind: "person"; person: PersonRecord }
  /** The machine account of a service app inside the org that authorized it. */
  | { kind: "app"; app: ApplicationRecord; person: PersonRecord };

export interface AccessTokenRecord {
  identity: Identity;
  scopes: ReadonlySet<string>;
  /** Emulator-clock epoch milliseconds. */
  expiresAtMs: number;
}

interface RefreshTokenRecord {
  appUuid: string;
  orgUuid: string;
  expiresAtMs: number;
}

/** The token pair `/applications/{id}/token` and `/access_token` return, with Webex's field names. */
export interface TokenPair {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
  token_type: "Bearer";
}

/** Filter of `revokeServiceAppTokens`. An absent UUID matches every app or org. */
export interface ServiceAppTokenFilter {
  appUuid?: string;
  orgUuid?: string;
  access: boolean;
  refresh: boolean;
}

/** Lifetimes of issued tokens, in seconds. */
export interface TokenLifetimes {
  accessSeconds: number;
  refreshSeconds: number;
  personalSeconds: number;
}

/**
 * Issues, looks up and revokes access and refresh tokens. All times come from `now`, the
 * emulator clock. Tokens are random and never derived from the fixture seed.
 */
export class CredentialStore {
  readonly #accessTokens = new Map<string, AccessTokenRecord>();
  readonly #refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly #now: () => number;
  #lifetimes: TokenLifetimes;

  constructor(now: () => number, lifetimes: TokenLifetimes) {
    this.#now = now;
    this.#lifetimes = { ...lifetimes };
  }

  /** The lifetimes given to tokens issued from now on. */
  get lifetimes(): Readonly<TokenLifetimes> {
    return this.#lifetimes;
  }

  /** Changes the lifetimes of tokens issued from now on; tokens already issued keep theirs. */
  setLifetimes(changes: Partial<TokenLifetimes>): void {
    this.#lifetimes = { ...this.#lifetimes, ...changes };
  }

  issuePersonalToken(person: PersonRecord, scopes: readonly string[], lifetimeSeconds?: number): string {
    const token = createTokenString(person.orgUuid);
    const seconds = lifetimeSeconds ?? this.#lifetimes.personalSeconds;
    this.#accessTokens.set(token, {
      identity: { kind: "person", person },
      scopes: new Set(scopes),
      expiresAtMs: this.#now() + seconds * 1000,
    });
    return token;
  }

  /** Issues a new access and refresh token for the app's machine account in `account.orgUuid`. */
  issueServiceAppTokens(app: ApplicationRecord, account: PersonRecord): TokenPair {
    const refreshToken = createTokenString(account.orgUuid);
    this.#refreshTokens.set(refreshToken, {
      appUuid: app.uuid,
      orgUuid: account.orgUuid,
      expiresAtMs: this.#now() + this.#lifetimes.refreshSeconds * 1000,
    });
    return this.#pairWith(app, account, refreshToken);
  }

  /** Returns the access token record, or undefined when the token is unknown, revoked or expired. */
  findAccessToken(token: string): AccessTokenRecord | undefined {
    const record = this.#accessTokens.get(token);
    if (!record || record.expiresAtMs <= this.#now()) {
      return undefined;
    }
    return record;
  }

  /**
   * Returns the org UUID of a live refresh token issued to `app`, or undefined when it is
   * unknown, revoked, expired or belongs to another app.
   */
  findRefreshTokenOrg(app: ApplicationRecord, refreshToken: string): string | undefined {
    const record = this.#refreshTokens.get(refreshToken);
    if (!record || record.appUuid !== app.uuid || record.expiresAtMs <= this.#now()) {
      return undefined;
    }
    return record.orgUuid;
  }

  /**
   * Exchanges a live refresh token for a new access token. The refresh token's lifetime is
   * reset; with `rotate` a new refresh token replaces it instead.
   */
  refresh(app: ApplicationRecord, account: PersonRecord, refreshToken: string, rotate: boolean): TokenPair {
    if (rotate) {
      this.#refreshTokens.delete(refreshToken);
      return this.issueServiceAppTokens(app, account);
    }
    const record = this.#refreshTokens.get(refreshToken);
    if (record) {
      record.expiresAtMs = this.#now() + this.#lifetimes.refreshSeconds * 1000;
    }
    return this.#pairWith(app, account, refreshToken);
  }

  /** Revokes every access and refresh token of `app`, or only those for `orgUuid` when given. */
  revokeApplicationTokens(appUuid: string, orgUuid?: string): void {
    this.revokeServiceAppTokens({ appUuid, orgUuid, access: true, refresh: true });
  }

  /**
   * Revokes the service-app tokens that match every given field of `filter`: the app, the org
   * the tokens act in, and which kinds. Personal tokens are never touched. Returns how many
   * tokens of each kind were revoked.
   */
  revokeServiceAppTokens(filter: ServiceAppTokenFilter): { accessTokens: number; refreshTokens: number } {
    let accessTokens = 0;
    let refreshTokens = 0;
    const matches = (appUuid: string, orgUuid: string): boolean =>
      (filter.appUuid === undefined || appUuid === filter.appUuid) && (filter.orgUuid === undefined || orgUuid === filter.orgUuid);

    if (filter.access) {
      for (const [token, record] of this.#accessTokens) {
        const identity = record.identity;
        if (identity.kind === "app" && matches(identity.app.uuid, identity.person.orgUuid)) {
          this.#accessTokens.delete(token);
          accessTokens += 1;
        }
      }
    }
    if (filter.refresh) {
      for (const [token, record] of this.#refreshTokens) {
        if (matches(record.appUuid, record.orgUuid)) {
          this.#refreshTokens.delete(token);
          refreshTokens += 1;
        }
      }
    }
    return { accessTokens, refreshTokens };
  }

  #pairWith(app: ApplicationRecord, account: PersonRecord, refreshToken: string): TokenPair {
    const accessToken = createTokenString(account.orgUuid);
    this.#accessTokens.set(accessToken, {
      identity: { kind: "app", app, person: account },
      scopes: new Set(app.scopes),
      expiresAtMs: this.#now() + this.#lifetimes.accessSeconds * 1000,
    });
    return {
      access_token: accessToken,
      expires_in: this.#lifetimes.accessSeconds,
      refresh_token: refreshToken,
      refresh_token_expires_in: this.#lifetimes.refreshSeconds,
      token_type: "Bearer",
    };
  }
}

/** Creates a random client secret: 64 lower-case hex digits. */
export function createClientSecret(): string {
  return randomBytes(32).toString("hex");
}

/** Creates a client id in the form Webex uses: `C` and 64 hex digits. */
export function createClientId(): string {
  return `C${randomBytes(32).toString("hex")}`;
}

/**
 * Creates a bearer token shaped like Webex's: 64 random letters and digits, a cluster tag and
 * the org UUID.
 */
function createTokenString(orgUuid: string): string {
  const body = randomBytes(64).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, 64);
  return `${body}_P0A1_${orgUuid}`;
}
