/**
 * Webex error bodies: `{message, errors: [{description}], trackingId}`, the shape of the
 * `Error` schema in Webex's OpenAPI spec. The texts of 401 and 429 are the ones Webex sends.
 */

export const UNAUTHORIZED_MESSAGE = "The request requires a valid access token set in the Authorization request header.";
export const TOO_MANY_REQUESTS_MESSAGE =
  "The user has sent too many requests in a given amount of time. Please refer to the Retry-After response header to wait before making a new request.";
export const NOT_FOUND_MESSAGE = "The requested resource could not be found.";

const DEFAULT_MESSAGES: Record<number, string> = {
  400: "The request was invalid.",
  401: UNAUTHORIZED_MESSAGE,
  403: "The authenticated user is not allowed to perform this request.",
  404: NOT_FOUND_MESSAGE,
  405: "The request method is not supported for this resource.",
  409: "The request conflicts with the current state of the resource.",
  423: "The resource is locked. Retry after the time given in the Retry-After header.",
  429: TOO_MANY_REQUESTS_MESSAGE,
  500: "An unexpected error occurred on the server.",
  502: "The server received an invalid response from an upstream server.",
  503: "The service is temporarily overloaded. Retry later.",
  504: "An upstream server timed out. Retry later or reduce the page size (max).",
};

/** Returns the standard message of `status`. */
export function messageForStatus(status: number): string {
  return DEFAULT_MESSAGES[status] ?? `The request failed with status ${status}.`;
}

/**
 * An error a handler throws to respond with a Webex error body. `fields` are added to the body
 * (the OAuth `error` and `error_description` of `/access_token`).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly description: string;
  readonly headers: Record<string, string>;
  readonly fields: Record<string, string>;

  constructor(
    status: number,
    message: string,
    options: { description?: string; headers?: Record<string, string>; fields?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.description = options.description ?? message;
    this.headers = options.headers ?? {};
    this.fields = options.fields ?? {};
  }
}

/** Builds a Webex error body. */
export function buildErrorBody(
  message: string,
  trackingId: string,
  description = message,
  fields: Record<string, string> = {},
): Record<string, unknown> {
  return { ...fields, message, errors: [{ description }], trackingId };
}

/** Creates a 400 for an invalid or missing request value, naming it. */
export function badRequest(message: string, description?: string): ApiError {
  return new ApiError(400, message, description === undefined ? {} : { description });
}

/** Creates a 403 naming the scope the token lacks. */
export function missingScope(scope: string): ApiError {
  return new ApiError(403, `The access token is missing the required scope ${scope}.`, {
    description: `This request requires an access token with the scope ${scope}. Create the token (or the Service App) with that scope.`,
  });
}

/** Creates a 403 for a caller whose role does not allow the request. */
export function forbidden(message: string): ApiError {
  return new ApiError(403, message);
}

/** Creates a 404 for a resource that does not exist or is not visible to the caller. */
export function notFound(message: string): ApiError {
  return new ApiError(404, message);
}
