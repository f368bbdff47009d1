/** `GET /v1/telephony/config/autoAttendants`: the auto attendants of an org. */
import { paginate, type Paginator } from "../transport/paginate.js";
import type { CallOptions, Transport } from "../transport/request.js";
import { readOffsetPaging, type OffsetPagingParams } from "./list-params.js";
import { pathSegment, requireText } from "./validate.js";

/** An auto attendant as the list returns it. */
export interface AutoAttendant {
  id: string;
  name: string;
  locationId?: string;
  locationName?: string;
  phoneNumber?: string;
  extension?: string;
  routingPrefix?: string;
  esn?: string;
  tollFreeNumber?: boolean;
  [field: string]: unknown;
}

/** An auto attendant's detail: menus, schedules and numbers. It has no location fields. */
export interface AutoAttendantDetails {
  id: string;
  name: string;
  enabled?: boolean;
  phoneNumber?: string;
  extension?: string;
  alternateNumbers?: Array<Record<string, unknown>>;
  timeZone?: string;
  /** Name of the schedule that switches between the business hours and after hours menus. */
  businessSchedule?: string;
  holidaySchedule?: string;
  businessHoursMenu?: Record<string, unknown>;
  afterHoursMenu?: Record<string, unknown>;
  [field: string]: unknown;
}

/** Filters of `AutoAttendants.list`, as Webex names them. */
export interface ListAutoAttendantsParams extends OffsetPagingParams {
  locationId?: string;
  /** Auto attendants with this name. */
  name?: string;
  /** Auto attendants with this primary phone number or extension. */
  phoneNumber?: string;
}

/** Reads the auto attendants of one org. Needs `spark-admin:telephony_config_read`. */
export class AutoAttendants {
  readonly #transport: Transport;
  readonly #orgId: string;

  /** @param orgId base64 id of the org every request names */
  constructor(transport: Transport, orgId: string) {
    this.#transport = transport;
    this.#orgId = orgId;
  }

  /**
   * Lists auto attendants (array key `autoAttendants`), page by page.
   *
   * @throws InvalidInputError (on the call) for a `max` below 1 or a negative `start`
   */
  list(params: ListAutoAttendantsParams = {}, call: CallOptions = {}): Paginator<AutoAttendant> {
    const query = { locationId: params.locationId, name: params.name, phoneNumber: params.phoneNumber, ...readOffsetPaging(params) };
    return paginate<AutoAttendant>(
      this.#transport,
      { method: "GET", path: "/telephony/config/autoAttendants", query, orgId: this.#orgId, signal: call.signal },
      "autoAttendants",
    );
  }

  /**
   * Reads one auto attendant's detail.
   *
   * @throws InvalidInputError for an empty id; NotFoundError, PermissionError and other `WebexError`s
   */
  async get(locationId: string, autoAttendantId: string, call: CallOptions = {}): Promise<AutoAttendantDetails> {
    const location = requireText(locationId, "location id", "a base64 location id");
    const autoAttendant = requireText(autoAttendantId, "auto attendant id", "a base64 auto attendant id");
    const response = await this.#transport.request<AutoAttendantDetails>({
      method: "GET",
      path: `/telephony/config/locations/${pathSegment(location)}/autoAttendants/${pathSegment(autoAttendant)}`,
      orgId: this.#orgId,
      signal: call.signal,
    });
    return response.body;
  }
}
