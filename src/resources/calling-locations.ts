/**
 * `GET /v1/telephony/config/locations`: the locations of an org that have Webex Calling
 * enabled, with their calling settings. A location of the Locations API without Calling is not
 * listed here.
 */
import { paginate, type Paginator } from "../transport/paginate.js";
import type { CallOptions, Transport } from "../transport/request.js";
import { readOffsetPaging, type OffsetPagingParams } from "./list-params.js";
import { pathSegment, requireText } from "./validate.js";

/** A calling-enabled location as the telephony list returns it. */
export interface CallingLocation {
  id: string;
  name: string;
  /** Digits dialled before an extension to reach this location from another one. */
  routingPrefix?: string;
  /** Digit dialled for an outside line, such as `9`. */
  outsideDialDigit?: string;
  /** The location's caller id; `phoneNumber` is its main number. */
  callingLineId?: { name?: string; phoneNumber?: string; [field: string]: unknown };
  e911SetupRequired?: boolean;
  enforceOutsideDialDigit?: boolean;
  [field: string]: unknown;
}

/** A calling-enabled location with the fields only its detail returns. */
export interface CallingLocationDetails extends CallingLocation {
  announcementLanguage?: string;
  /** The PSTN connection, such as `{ type: "TRUNK", id }`. */
  connection?: { type?: string; id?: string; [field: string]: unknown };
  externalCallerIdName?: string;
  userLimit?: number;
  defaultDomain?: string;
  chargeNumber?: string;
}

/** Filters of `CallingLocations.list`, as Webex names them. */
export interface ListCallingLocationsParams extends OffsetPagingParams {
  /** Locations whose name contains this text. */
  name?: string;
  /** Sort order, such as `name-asc`. */
  order?: string;
}

/** Reads the calling-enabled locations of one org. Needs `spark-admin:telephony_config_read`. */
export class CallingLocations {
  readonly #transport: Transport;
  readonly #orgId: string;

  /** @param orgId base64 id of the org every request names */
  constructor(transport: Transport, orgId: string) {
    this.#transport = transport;
    this.#orgId = orgId;
  }

  /**
   * Lists calling-enabled locations (array key `locations`), page by page.
   *
   * @throws InvalidInputError (on the call) for a `max` below 1 or a negative `start`
   */
  list(params: ListCallingLocationsParams = {}, call: CallOptions = {}): Paginator<CallingLocation> {
    const query = { name: params.name, order: params.order, ...readOffsetPaging(params) };
    return paginate<CallingLocation>(
      this.#transport,
      { method: "GET", path: "/telephony/config/locations", query, orgId: this.#orgId, signal: call.signal },
      "locations",
    );
  }

  /**
   * Reads the calling settings of one location.
   *
   * @throws InvalidInputError for an empty id; NotFoundError (no such location, or Calling is
   *   not enabled there), PermissionError and other `WebexError`s
   */
  async get(locationId: string, call: CallOptions = {}): Promise<CallingLocationDetails> {
    const id = requireText(locationId, "location id", "a base64 location id");
    const response = await this.#transport.request<CallingLocationDetails>({
      method: "GET",
      path: `/telephony/config/locations/${pathSegment(id)}`,
      orgId: this.#orgId,
      signal: call.signal,
    });
    return response.body;
  }
}
