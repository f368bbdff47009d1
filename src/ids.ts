/**
 * Webex id codec.
 *
 * Webex resource ids are the base64 encoding of `ciscospark://CLUSTER/KIND/ID`, for example
 * `ciscospark://us/ORGANIZATION/8fe9a48e-…`. Ids appear with and without `=` padding, and the
 * part after the kind is not always a UUID (locations may be numeric, applications `C<hex>`).
 * The emulator shares this module with the SDK.
 */

const SCHEME = "ciscospark://";
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64_PATTERN = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** The parts of a decoded Webex id. */
export interface WebexIdParts {
  /** Cluster name, `us` for most commercial orgs. */
  cluster: string;
  /** Resource kind in upper case, such as `ORGANIZATION`, `PEOPLE` or `LOCATION`. */
  kind: string;
  /** The raw id after the kind: usually a UUID, sometimes a number or another string. */
  id: string;
}

/** Returns true when `value` is a bare UUID such as `8fe9a48e-535d-4bee-a155-d7c0a8acbf09`. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * Encodes `kind` and `id` as a Webex id: unpadded standard base64 of
 * `ciscospark://CLUSTER/KIND/ID`, the form Webex returns.
 */
export function encodeId(kind: string, id: string, cluster = "us"): string {
  const text = `${SCHEME}${cluster}/${kind.toUpperCase()}/${id}`;
  return Buffer.from(text, "utf8").toString("base64").replace(/=+$/, "");
}

/**
 * Decodes a Webex id into its cluster, kind and raw id. Accepts padded and unpadded ids and
 * the URL-safe alphabet. Returns `undefined` when `value` is not a Webex id.
 */
export function decodeId(value: string): WebexIdParts | undefined {
  if (value.length < 8 || !BASE64_PATTERN.test(value)) {
    return undefined;
  }

  const text = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8");
  if (!text.startsWith(SCHEME)) {
    return undefined;
  }

  const [cluster, kind, ...rest] = text.slice(SCHEME.length).split("/");
  const id = rest.join("/");
  if (!cluster || !kind || !id) {
    return undefined;
  }
  return { cluster, kind, id };
}

/** Returns true when `value` decodes as a Webex id of `kind` (any kind when omitted). */
export function isWebexId(value: string, kind?: string): boolean {
  const parts = decodeId(value);
  return parts !== undefined && (kind === undefined || parts.kind === kind.toUpperCase());
}

/**
 * Compares two ids by decoded kind and raw id, so padded, unpadded and re-encoded forms of one
 * id are equal. A bare UUID equals a Webex id that wraps it. Ids that do not decode are
 * compared as strings.
 */
export function isSameId(a: string, b: string): boolean {
  if (a === b) {
    return true;
  }

  const left = decodeId(a);
  const right = decodeId(b);
  if (left && right) {
    return left.kind === right.kind && left.id.toLowerCase() === right.id.toLowerCase();
  }
  if (left && isUuid(b)) {
    return left.id.toLowerCase() === b.toLowerCase();
  }
  if (right && isUuid(a)) {
    return right.id.toLowerCase() === a.toLowerCase();
  }
  return false;
}

/** Returns the raw id inside a Webex id (the UUID of an org, for example), or `value` itself. */
export function rawId(value: string): string {
  return decodeId(value)?.id ?? value;
}
