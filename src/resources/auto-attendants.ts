/** `GET /v1/telephony/config/autoAttendants`: the auto attendants of an org. */
import type { Paginator } from "../transport/paginate.js";
import type { CallOptions, Transport } from "../transport/request.js";
import { readOffsetPaging, type OffsetPagingParams } from "./list-params.js";
import { LocationFeatures } from "./location-features.js";

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
export class AutoAttendants extends LocationFeatures<AutoAttendant, AutoAttendantDetails> {
  /** @param orgId base64 id of the org every request names */
  constructor(transport: Transport, orgId: string) {
    super(transport, orgId, { listPath: "/telephony/config/autoAttendants", itemsKey: "autoAttendants", detailSegment: "autoAttendants", label: "auto attendant" });
  }

  /**
   * Lists auto attendants (array key `autoAttendants`), page by page.
   *
   * @throws InvalidInputError (on the call) for a `max` below 1 or a negative `start`
   */
  list(params: ListAutoAttendantsParams = {}, call: CallOptions = {}): Paginator<AutoAttendant> {
    const query = { locationId: params.locationId, name: params.name, phoneNumber: params.phoneNumber, ...readOffsetPaging(params) };
    return this.listFeatures(query, call);
  }

  /**
   * Reads one auto attendant's detail.
   *
   * @throws InvalidInputError for an empty id; NotFoundError, PermissionError and other `WebexError`s
   */
  get(locationId: string, autoAttendantId: string, call: CallOptions = {}): Promise<AutoAttendantDetails> {
    return this.getFeature(locationId, autoAttendantId, {}, call);
  }
}
