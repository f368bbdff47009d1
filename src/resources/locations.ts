/** `GET /v1/locations`: the locations of an org, calling-enabled or not. */
import { paginate, type Paginator } from "../transport/paginate.js";
import type { CallOptions, Transport } from "../transport/request.js";
import { checkCount } from "./list-params.js";
import { pathSegment, requireText } from "./validate.js";

/** A location's postal address as Webex returns it. */
export interface LocationAddress {
  address1?: string;
  address2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  /** ISO 3166 alpha-2 country code. */
  country?: string;
  [field: string]: unknown;
}

/** A location as the Locations API returns it. */
export interface Location {
  id: string;
  name: string;
  orgId?: string;
  address?: LocationAddress;
  timeZone?: string;
  preferredLanguage?: string;
  /** Webex sends coordinates as strings. */
  latitude?: string;
  longitude?: string;
  notes?: string;
  [field: string]: unknown;
}

/** Filters of `Locations.list`, as Webex names them. */
export interface ListLocationsParams {
  /** Locations whose name contains this text, case-insensitive. */
  name?: string;
  /** One location id. */
  id?: string;
  /** Locations per page. Webex's default is 500. */
  max?: number;
}

/** Reads the locations of one org. Needs `spark-admin:locations_read` (or people or device read). */
export class Locations {
  readonly #transport: Transport;
  readonly #orgId: string;

  /** @param orgId base64 id of the org every request names */
  constructor(transport: Transport, orgId: string) {
    this.#transport = transport;
    this.#orgId = orgId;
  }

  /**
   * Lists locations, page by page as the iterator is consumed.
   *
   * @throws InvalidInputError (on the call) for a `max` below 1
   */
  list(params: ListLocationsParams = {}, call: CallOptions = {}): Paginator<Location> {
    const query = { name: params.name, id: params.id, max: checkCount(params.max, "max", 1) };
    return paginate<Location>(this.#transport, { method: "GET", path: "/locations", query, orgId: this.#orgId, signal: call.signal }, "items");
  }

  /**
   * Reads one location.
   *
   * @throws InvalidInputError for an empty id; NotFoundError, PermissionError and other `WebexError`s
   */
  async get(id: string, call: CallOptions = {}): Promise<Location> {
    const locationId = requireText(id, "location id", "a base64 location id");
    const response = await this.#transport.request<Location>({ method: "GET", path: `/locations/${pathSegment(locationId)}`, orgId: this.#orgId, signal: call.signal });
    return response.body;
  }
}
