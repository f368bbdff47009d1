/**
 * The emulator's control endpoints. They change the running emulator, as `Emulator.mutate()`
 * does in code, for a person at the shell (`wxadmin emulator mutate`) or a script. They live
 * under `/_emulator/`, outside the Webex API's `/v1`, and are no part of the Webex API.
 *
 * They take no Webex token, so they accept only requests that only programs on this machine
 * can send. A request must come from a loopback address, which the emulator binds anyway. Its
 * `Host` header must name a loopback host, because a web page that rebinds a DNS name to
 * 127.0.0.1 sends its own host name. Its body must be declared as JSON, because a cross-site
 * form cannot send `application/json` without a CORS preflight, which the emulator never grants.
 */
import { readJsonObject } from "./body.js";
import { ApiError, badRequest } from "./errors.js";
import type { EmulatorRequest, HandlerContext } from "./http.js";
import { isLoopbackHost } from "./loopback.js";
import type { Route } from "./router.js";
import type { DataChange, MutateOptions } from "./types.js";

/** Path prefix of the control endpoints. */
export const CONTROL_PATH_PREFIX = "/_emulator/";

/** Maximum operations per control request, so a typo cannot stall the emulator. */
export const MAX_CONTROL_CHANGES = 10_000;

/** True when `pathname` belongs to a control endpoint rather than to the Webex API. */
export function isControlPath(pathname: string): boolean {
  return pathname.startsWith(CONTROL_PATH_PREFIX);
}

/** Response of `POST /_emulator/mutate`. */
export interface MutateResponse {
  /** The org that was changed. */
  org: { id: string; displayName: string };
  /** The objects the list endpoints show differently now. */
  changes: DataChange[];
}

/**
 * Returns the control routes. `mutate` is the emulator's own `Emulator.mutate`, so a request
 * without `randomSeed` draws its changes as a call in code would.
 */
export function controlRoutes(mutate: (options: MutateOptions) => DataChange[]): Route[] {
  return [
    {
      method: "POST",
      path: "/_emulator/mutate",
      handler: (request, context) => ({ status: 200, body: handleMutate(request, context, mutate) }),
    },
  ];
}

/**
 * Checks that a control request comes from this machine; see the file comment.
 * @throws ApiError 403 for a request from elsewhere, 415 for a body that is not declared as JSON
 */
export function checkControlRequest(request: EmulatorRequest, remoteAddress: string | undefined): void {
  if (remoteAddress === undefined || !isLoopbackHost(remoteAddress)) {
    throw new ApiError(403, `Emulator control requests are accepted from loopback addresses only, not from ${remoteAddress ?? "an unknown address"}.`);
  }
  const host = request.url.hostname;
  if (!isLoopbackHost(host)) {
    throw new ApiError(403, `Emulator control requests must name a loopback host, such as 127.0.0.1, in their Host header, not ${host}.`);
  }
  const contentType = String(request.headers["content-type"] ?? "").toLowerCase();
  if (!contentType.startsWith("application/json")) {
    throw new ApiError(415, "Emulator control requests must send a JSON body with Content-Type: application/json.");
  }
}

function handleMutate(request: EmulatorRequest, context: HandlerContext, mutate: (options: MutateOptions) => DataChange[]): MutateResponse {
  const options = readMutateOptions(readJsonObject(request));
  const org = options.orgId === undefined ? context.world.customerOrg : context.state.findOrg(options.orgId);
  if (org === undefined) {
    throw badRequest(`orgId ${options.orgId} names no org of this emulator.`, "Use an org id that the emulator printed when it started, or leave orgId out for the customer org.");
  }
  const changes = mutate({ ...options, orgId: org.id });
  return { org: { id: org.id, displayName: org.displayName }, changes };
}

/**
 * Reads the options of `Emulator.mutate` from a request body.
 * @throws ApiError 400 naming an unknown field or a value of the wrong type or range
 */
function readMutateOptions(body: Record<string, unknown>): MutateOptions {
  const known = new Set(["orgId", "changes", "randomSeed"]);
  const unknown = Object.keys(body).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw badRequest(`Unknown field ${unknown.map((key) => JSON.stringify(key)).join(", ")} in the mutate request.`, "Send any of orgId (string), changes (whole number) and randomSeed (whole number).");
  }

  const options: MutateOptions = {};
  if (body.orgId !== undefined) {
    if (typeof body.orgId !== "string" || body.orgId.trim() === "") {
      throw badRequest(`orgId must be an org id string, got ${JSON.stringify(body.orgId)}.`);
    }
    options.orgId = body.orgId.trim();
  }
  if (body.changes !== undefined) {
    if (!Number.isInteger(body.changes) || (body.changes as number) < 1 || (body.changes as number) > MAX_CONTROL_CHANGES) {
      throw badRequest(`changes must be a whole number from 1 to ${MAX_CONTROL_CHANGES}, got ${JSON.stringify(body.changes)}.`);
    }
    options.changes = body.changes as number;
  }
  if (body.randomSeed !== undefined) {
    if (!Number.isSafeInteger(body.randomSeed)) {
      throw badRequest(`randomSeed must be a whole number, got ${JSON.stringify(body.randomSeed)}.`);
    }
    options.randomSeed = body.randomSeed as number;
  }
  return options;
}
