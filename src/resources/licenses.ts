/** `GET /v1/licenses`: the licenses of an org and their usage. */
import { paginate, type Paginator } from "../transport/paginate.js";
import type { CallOptions, Transport } from "../transport/request.js";
import { pathSegment, requireText } from "./validate.js";

/** A license as Webex returns it. */
export interface License {
  id: string;
  name: string;
  totalUnits?: number;
  consumedUnits?: number;
  consumedByUsers?: number;
  consumedByWorkspaces?: number;
  subscriptionId?: string;
  siteUrl?: string;
  siteType?: string;
  [field: string]: unknown;
}

/** Reads the licenses of one org. Needs `spark-admin:licenses_read`. */
export class Licenses {
  readonly #transport: Transport;
  readonly #orgId: string;

  /** @param orgId base64 id of the org every request names */
  constructor(transport: Transport, orgId: string) {
    this.#transport = transport;
    this.#orgId = orgId;
  }

  /** Lists the org's licenses. Webex returns them on one page; a `Link` header would still be followed. */
  list(call: CallOptions = {}): Paginator<License> {
    return paginate<License>(this.#transport, { method: "GET", path: "/licenses", orgId: this.#orgId, signal: call.signal }, "items");
  }

  /**
   * Reads one license.
   *
   * @throws InvalidInputError for an empty id; NotFoundError, PermissionError and other `WebexError`s
   */
  async get(id: string, call: CallOptions = {}): Promise<License> {
    const licenseId = requireText(id, "license id", "a base64 license id");
    const response = await this.#transport.request<License>({ method: "GET", path: `/licenses/${pathSegment(licenseId)}`, signal: call.signal });
    return response.body;
  }
}
