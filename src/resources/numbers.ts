/** `GET /v1/telephony/config/numbers`: the phone numbers and extensions of an org. */
import { paginate, type Paginator } from "../transport/paginate.js";
import type { CallOptions, Transport } from "../transport/request.js";
import { readOffsetPaging, type OffsetPagingParams } from "./list-params.js";

/** A number as Webex lists it. An extension without a phone number has `phoneNumber` empty or missing. */
export interface PhoneNumber {
  phoneNumber?: string;
  extension?: string;
  routingPrefix?: string;
  /** Routing prefix plus extension. */
  esn?: string;
  /** `ACTIVE` or `INACTIVE`. */
  state?: string;
  /** `PRIMARY`, `ALTERNATE`, `FAX` or `DNIS`. */
  phoneNumberType?: string;
  /** True for the main number of its location. */
  mainNumber?: boolean;
  /** `PSTN_NUMBER` or `MOBILE_NUMBER`. */
  includedTelephonyTypes?: string;
  tollFreeNumber?: boolean;
  isServiceNumber?: boolean;
  location?: { id?: string; name?: string; [field: string]: unknown };
  /** The person, workspace or feature the number is assigned to. Missing for an unassigned number. */
  owner?: { id?: string; type?: string; firstName?: string; lastName?: string; [field: string]: unknown };
  [field: string]: unknown;
}

/** Filters of `Numbers.list`, as Webex names them. */
export interface ListNumbersParams extends OffsetPagingParams {
  locationId?: string;
  phoneNumber?: string;
  /** True lists only numbers not assigned to anyone. */
  available?: boolean;
  /** Sort order: `lastName`, `dn` or `extension`. */
  order?: string;
  ownerName?: string;
  ownerId?: string;
  /** `PEOPLE`, `PLACE`, `AUTO_ATTENDANT`, `CALL_QUEUE`, `HUNT_GROUP`, `VIRTUAL_LINE` and others. */
  ownerType?: string;
  extension?: string;
  /** `NUMBER` or `EXTENSION`. */
  numberType?: string;
  /** `PRIMARY`, `ALTERNATE`, `FAX` or `DNIS`. */
  phoneNumberType?: string;
  /** `ACTIVE` or `INACTIVE`. */
  state?: string;
  /** Adds a `count` summary to each page body; the items are the same. */
  details?: boolean;
  tollFreeNumbers?: boolean;
  restrictedNonGeoNumbers?: boolean;
  /** `PSTN_NUMBER` or `MOBILE_NUMBER`. */
  includedTelephonyTypes?: string;
  serviceNumber?: boolean;
}

/** Reads the numbers of one org. Needs `spark-admin:telephony_config_read`. */
export class Numbers {
  readonly #transport: Transport;
  readonly #orgId: string;

  /** @param orgId base64 id of the org every request names */
  constructor(transport: Transport, orgId: string) {
    this.#transport = transport;
    this.#orgId = orgId;
  }

  /**
   * Lists numbers (array key `phoneNumbers`), page by page. Webex's default page size is 2000.
   *
   * @throws InvalidInputError (on the call) for a `max` below 1 or a negative `start`
   */
  list(params: ListNumbersParams = {}, call: CallOptions = {}): Paginator<PhoneNumber> {
    const query = {
      locationId: params.locationId,
      phoneNumber: params.phoneNumber,
      available: params.available,
      order: params.order,
      ownerName: params.ownerName,
      ownerId: params.ownerId,
      ownerType: params.ownerType,
      extension: params.extension,
      numberType: params.numberType,
      phoneNumberType: params.phoneNumberType,
      state: params.state,
      details: params.details,
      tollFreeNumbers: params.tollFreeNumbers,
      restrictedNonGeoNumbers: params.restrictedNonGeoNumbers,
      includedTelephonyTypes: params.includedTelephonyTypes,
      serviceNumber: params.serviceNumber,
      ...readOffsetPaging(params),
    };
    return paginate<PhoneNumber>(this.#transport, { method: "GET", path: "/telephony/config/numbers", query, orgId: this.#orgId, signal: call.signal }, "phoneNumbers");
  }
}
