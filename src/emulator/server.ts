import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { checkControlRequest, isControlPath } from "./control.js";
import { ApiError, buildErrorBody, messageForStatus } from "./errors.js";
import type { FaultAction, FaultPlan } from "./faults.js";
import type { EmulatorRequest, EmulatorResponse, HandlerContext } from "./http.js";
import type { RateLimiter } from "./rate-limit.js";
import { formatAccessLine, maskTarget } from "./request-log.js";
import type { Router } from "./router.js";
import type { RequestLogEntry } from "./types.js";

/** Largest request body accepted, in bytes. */
const MAX_BODY_BYTES = 1024 * 1024;
/** A client-sent TrackingID is echoed only when it is printable ASCII of at most this length. */
const MAX_TRACKING_ID_LENGTH = 256;
/** The request log keeps about this many newest entries, so a long-running emulator stays bounded. */
const MAX_LOG_ENTRIES = 10_000;
/** Retry-After sent with an injected 429 that does not set one. */
const DEFAULT_INJECTED_RETRY_AFTER = "1";

/** Parts the HTTP server ties together. */
export interface ServerParts {
  router: Router;
  /** Routes of the control endpoints under `/_emulator/`, which no fault or rate limit touches. */
  controlRouter: Router;
  context: HandlerContext;
  faults: FaultPlan;
  rateLimiter: RateLimiter | undefined;
  requestLog: RequestLogEntry[];
  accessLog: ((line: string) => void) | undefined;
}

/**
 * Creates the HTTP server. Per request, in order: read the body, apply a scripted or random
 * fault, apply the rate limit, route to the handler, respond and log. Control requests skip
 * the faults and the rate limit, which apply to the Webex API only.
 */
export function createEmulatorServer(parts: ServerParts): { server: Server; cancelPending: () => void } {
  const pendingTimers = new Set<NodeJS.Timeout>();
  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        resolve();
      }, ms);
      pendingTimers.add(timer);
    });

  const server = createServer((req, res) => {
    handleRequest(parts, req, res, delay).catch((error: unknown) => {
      // Reached only when writing the response itself failed, so the socket is gone.
      res.destroy(error instanceof Error ? error : undefined);
    });
  });
  const cancelPending = (): void => {
    for (const timer of pendingTimers) {
      clearTimeout(timer);
    }
    pendingTimers.clear();
  };
  return { server, cancelPending };
}

async function handleRequest(
  parts: ServerParts,
  req: IncomingMessage,
  res: ServerResponse,
  delay: (ms: number) => Promise<void>,
): Promise<void> {
  const startedAt = performance.now();
  const arrivedAtMs = Date.now();
  const method = (req.method ?? "GET").toUpperCase();
  const trackingId = chooseTrackingId(req);
  const url = buildUrl(req);
  const loggedPath = maskTarget(url);
  const finish = (status: number): void => {
    const entry = { method, path: loggedPath, status, trackingId, at: arrivedAtMs, durationMs: performance.now() - startedAt };
    parts.requestLog.push(entry);
    if (parts.requestLog.length > 2 * MAX_LOG_ENTRIES) {
      parts.requestLog.splice(0, parts.requestLog.length - MAX_LOG_ENTRIES);
    }
    parts.accessLog?.(formatAccessLine(entry));
  };

  const body = await readBody(req);
  if (body === undefined) {
    send(res, trackingId, errorResponse(new ApiError(413, `The request body exceeds ${MAX_BODY_BYTES} bytes.`), trackingId));
    finish(413);
    return;
  }

  if (isControlPath(url.pathname)) {
    const request: EmulatorRequest = { method, url, headers: req.headers, body, trackingId, params: {} };
    const response = dispatch(parts.controlRouter, parts.context, request, () => checkControlRequest(request, req.socket.remoteAddress));
    send(res, trackingId, response);
    finish(response.status);
    return;
  }

  const fault = parts.faults.decide(method, url.pathname, url.pathname + url.search);
  if (fault?.delayMs) {
    await delay(fault.delayMs);
  }
  if (res.destroyed || req.socket.destroyed) {
    finish(0);
    return;
  }

  const request: EmulatorRequest = { method, url, headers: req.headers, body, trackingId, params: {} };
  const immediateFault = fault && !fault.processBeforeFault && (fault.reset || fault.status !== undefined);
  if (!immediateFault) {
    const limited = checkRateLimit(parts.rateLimiter, req);
    const response = limited ?? dispatch(parts.router, parts.context, request);
    if (!fault?.processBeforeFault) {
      send(res, trackingId, response);
      finish(response.status);
      return;
    }
  }

  if (fault?.reset) {
    resetSocket(req);
    finish(0);
    return;
  }
  const faultResponse = buildFaultResponse(fault as FaultAction, trackingId);
  send(res, trackingId, faultResponse);
  finish(faultResponse.status);
}

/**
 * Runs the matching handler, after `check` when given, and turns errors into Webex error
 * responses. An unknown path gets 404 before `check` runs.
 */
function dispatch(router: Router, context: HandlerContext, request: EmulatorRequest, check?: () => void): EmulatorResponse {
  try {
    const match = router.match(request.method, request.url.pathname);
    check?.();
    request.params = match.params;
    return match.handler(request, context);
  } catch (error) {
    if (error instanceof ApiError) {
      return errorResponse(error, request.trackingId);
    }
    const description = error instanceof Error ? error.message : String(error);
    return errorResponse(new ApiError(500, "The emulator failed to handle the request.", { description }), request.trackingId);
  }
}

function checkRateLimit(limiter: RateLimiter | undefined, req: IncomingMessage): EmulatorResponse | undefined {
  if (!limiter) {
    return undefined;
  }
  const key = req.headers.authorization ?? `anonymous ${req.socket.remoteAddress ?? ""}`;
  const decision = limiter.take(key);
  if (decision.allowed) {
    return undefined;
  }
  return { status: 429, headers: { "Retry-After": String(decision.retryAfterSeconds) }, body: undefined };
}

function buildFaultResponse(fault: FaultAction, trackingId: string): EmulatorResponse {
  const status = fault.status ?? 500;
  const headers: Record<string, string> = {};
  const retryAfter = fault.retryAfter === undefined && status === 429 ? DEFAULT_INJECTED_RETRY_AFTER : fault.retryAfter;
  if (typeof retryAfter === "string") {
    headers["Retry-After"] = retryAfter;
  }
  return errorResponse(new ApiError(status, messageForStatus(status), { headers }), trackingId);
}

function errorResponse(error: ApiError, trackingId: string): EmulatorResponse {
  return {
    status: error.status,
    headers: error.headers,
    body: buildErrorBody(error.message, trackingId, error.description, error.fields),
  };
}

/** Writes a response with the Trackingid header. A 429 without a body gets Webex's 429 body. */
function send(res: ServerResponse, trackingId: string, response: EmulatorResponse): void {
  let body = response.body;
  if (body === undefined && response.status === 429) {
    body = buildErrorBody(messageForStatus(429), trackingId);
  }
  const headers: Record<string, string | number> = { Trackingid: trackingId, ...response.headers };
  if (body === undefined || response.status === 204) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  headers["Content-Type"] = "application/json;charset=UTF-8";
  headers["Content-Length"] = Buffer.byteLength(text);
  res.writeHead(response.status, headers);
  res.end(text);
}

/** Reads the whole body; undefined when it is larger than the limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function chooseTrackingId(req: IncomingMessage): string {
  const sent = req.headers.trackingid;
  const value = Array.isArray(sent) ? sent[0] : sent;
  if (value && value.length <= MAX_TRACKING_ID_LENGTH && /^[\x21-\x7e]+$/.test(value)) {
    return value;
  }
  return `ROUTER_${randomUUID()}`;
}

/** Builds the absolute request URL from the Host header, so next links point where the client connected. */
function buildUrl(req: IncomingMessage): URL {
  const fallbackHost = `${req.socket.localAddress?.includes(":") ? `[${req.socket.localAddress}]` : req.socket.localAddress}:${req.socket.localPort}`;
  // Leading slashes collapse to one, so "//host/path" cannot act as a protocol-relative URL.
  const target = (req.url ?? "/").replace(/^\/+/, "/");
  try {
    return new URL(target, `http://${req.headers.host ?? fallbackHost}`);
  } catch {
    return new URL(target, `http://${fallbackHost}`);
  }
}

/** Closes the connection with a TCP reset, as a failing proxy would. */
function resetSocket(req: IncomingMessage): void {
  const socket = req.socket as IncomingMessage["socket"] & { resetAndDestroy?: () => void };
  if (typeof socket.resetAndDestroy === "function") {
    socket.resetAndDestroy();
  } else {
    socket.destroy();
  }
}
