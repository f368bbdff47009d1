import { badRequest } from "./errors.js";
import type { EmulatorRequest } from "./http.js";

/** Reads a boolean query parameter (`true` or `false`). @throws ApiError 400 for any other value. */
export function readBoolean(request: EmulatorRequest, name: string, defaultValue = false): boolean {
  const raw = request.url.searchParams.get(name);
  if (raw === null || raw === "") {
    return defaultValue;
  }
  if (raw === "true" || raw === "false") {
    return raw === "true";
  }
  throw badRequest(`Invalid ${name} value "${raw}".`, `${name} must be true or false.`);
}

/** Reads a comma-separated query parameter; empty entries are dropped. */
export function readList(request: EmulatorRequest, name: string): string[] | undefined {
  const raw = request.url.searchParams.get(name);
  if (raw === null || raw === "") {
    return undefined;
  }
  return raw.split(",").map((item) => item.trim()).filter((item) => item !== "");
}
