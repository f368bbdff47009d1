import type { IncomingHttpHeaders } from "node:http";
import type { CredentialStore } from "./credentials.js";
import type { EmulatorState } from "./state.js";
import type { SeededWorld } from "./seed.js";

/** A parsed request as route handlers see it. */
export interface EmulatorRequest {
  method: string;
  /** Absolute URL built from the request's Host header, so links point where the client connected. */
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  trackingId: string;
  /** Path parameters by name, URI-decoded. */
  params: Record<string, string>;
}

/** Response a handler returns. The server adds the tracking id and content headers. */
export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON body; undefined sends no body. */
  body?: unknown;
}

/** Settings handlers read. */
export interface HandlerSettings {
  rotateRefreshTokens: boolean;
  personalScopes: readonly string[];
}

/** Everything a route handler may use. */
export interface HandlerContext {
  state: EmulatorState;
  credentials: CredentialStore;
  world: SeededWorld;
  now: () => number;
  settings: HandlerSettings;
}

export type RouteHandler = (request: EmulatorRequest, context: HandlerContext) => EmulatorResponse;
