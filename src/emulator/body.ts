import { badRequest } from "./errors.js";
import type { EmulatorRequest } from "./http.js";

/** Parses a JSON object body. @throws ApiError 400 when the body is missing or not a JSON object. */
export function readJsonObject(request: EmulatorRequest): Record<string, unknown> {
  const text = request.body.toString("utf8").trim();
  if (text === "") {
    throw badRequest("The request body is missing.", "Send a JSON object with Content-Type: application/json.");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest("The request body is not valid JSON.", "Send a JSON object with Content-Type: application/json.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw badRequest("The request body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}

/**
 * Parses a form-encoded or JSON body into string fields. The body is read as JSON when the
 * content type is JSON or the body starts with `{`, and as form encoding otherwise. Non-string
 * JSON values are dropped.
 */
export function readFields(request: EmulatorRequest): Record<string, string> {
  const contentType = String(request.headers["content-type"] ?? "").toLowerCase();
  const text = request.body.toString("utf8").trim();
  if (contentType.includes("application/json") || text.startsWith("{")) {
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(readJsonObject(request))) {
      if (typeof value === "string") {
        fields[key] = value;
      }
    }
    return fields;
  }
  return Object.fromEntries(new URLSearchParams(text));
}
