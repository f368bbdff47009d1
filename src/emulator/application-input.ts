import { badRequest } from "./errors.js";

/** Validated body of `POST /v1/applications`. */
export interface ApplicationInput {
  name: string;
  contactEmail: string;
  logo: string;
  scopes: string[];
  description: string;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SCOPE_PATTERN = /^[a-z][a-z0-9_-]*:[a-z0-9_]+$/i;
const MAX_NAME_LENGTH = 128;

/**
 * Checks a create request. The emulator creates Service Apps only, so `type` must be
 * `authorizedAppIssuer`.
 * @throws ApiError 400 naming the first invalid field.
 */
export function validateApplicationInput(body: Record<string, unknown>): ApplicationInput {
  if (body.type !== "authorizedAppIssuer") {
    throw badRequest(
      body.type === undefined ? "type is required." : `Invalid type "${String(body.type)}".`,
      'type must be "authorizedAppIssuer"; the emulator creates Service Apps only.',
    );
  }

  const name = readString(body, "name");
  if (name.length > MAX_NAME_LENGTH) {
    throw badRequest(`name is too long (${name.length} characters).`, `name must have at most ${MAX_NAME_LENGTH} characters.`);
  }

  const contactEmail = readString(body, "contactEmail");
  if (!EMAIL_PATTERN.test(contactEmail)) {
    throw badRequest(`Invalid contactEmail "${contactEmail}".`, "contactEmail must be an email address.");
  }

  const logo = readString(body, "logo");
  if (!isHttpUrl(logo)) {
    throw badRequest(`Invalid logo "${logo}".`, "logo must be an http or https URL of an image.");
  }

  const scopes = readScopes(body.scopes);
  const description = body.description;
  if (description !== undefined && typeof description !== "string") {
    throw badRequest("Invalid description.", "description must be a string.");
  }
  return { name, contactEmail, logo, scopes, description: description ?? "" };
}

function readString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (value === undefined || value === null || value === "") {
    throw badRequest(`${field} is required.`);
  }
  if (typeof value !== "string" || value.trim() === "") {
    throw badRequest(`Invalid ${field}.`, `${field} must be a non-empty string.`);
  }
  return value.trim();
}

function readScopes(value: unknown): string[] {
  if (value === undefined || value === null) {
    throw badRequest("scopes is required.", "scopes must be a non-empty array of scope names.");
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw badRequest("Invalid scopes.", "scopes must be a non-empty array of scope names.");
  }
  for (const scope of value) {
    if (typeof scope !== "string" || !SCOPE_PATTERN.test(scope)) {
      throw badRequest(`Invalid scope "${String(scope)}".`, 'Each scope must look like "spark-admin:people_read".');
    }
  }
  return [...new Set(value as string[])];
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}
