/**
 * `GET /v1/telephony/config/huntGroups`: the hunt groups of an org. The list carries no agents;
 * `get(locationId, huntGroupId)` reads a hunt group's detail, which has them.
 */
import type { Paginator } from "../transport/paginate.js";
import type { CallOptions, Transport } from "../transport/request.js";
import type { FeatureAgent } from "./call-queues.js";
import { readOffsetPaging, type OffsetPagingParams } from "./list-params.js";
import { LocationFeatures } from "./location-features.js";

/** A hunt group as the list returns it. */
export interface HuntGroup {
  id: string;
  name: string;
  locationId?: string;
  locationName?: string;
  phoneNumber?: string;
  extension?: string;
  routingPrefix?: string;
  esn?: string;
  /** False when the hunt group is disabled and takes no calls. */
  enabled?: boolean;
  [field: string]: unknown;
}

/** A hunt group's detail. It has no location fields; those come from the list. */
export interface HuntGroupDetails {
  id: string;
  name: string;
  enabled?: boolean;
  phoneNumber?: string;
  extension?: string;
  distinctiveRing?: boolean;
  alternateNumbers?: Array<Record<string, unknown>>;
  language?: string;
  languageCode?: string;
  timeZone?: string;
  /** Routing policy, such as `{ policy: "REGULAR", ... }`. */
  callPolicies?: Record<string, unknown>;
  agents?: FeatureAgent[];
  [field: string]: unknown;
}

/** Filters of `HuntGroups.list`, as Webex names them. */
export interface ListHuntGroupsParams extends OffsetPagingParams {
  locationId?: string;
  /** Hunt groups with this name. */
  name?: string;
  /** Hunt groups with this primary phone number or extension. */
  phoneNumber?: string;
}

/** Reads the hunt groups of one org. Needs `spark-admin:telephony_config_read`. */
export class HuntGroups extends LocationFeatures<HuntGroup, HuntGroupDetails> {
  /** @param orgId base64 id of the org every request names */
  constructor(transport: Transport, orgId: string) {
    super(transport, orgId, { listPath: "/telephony/config/huntGroups", itemsKey: "huntGroups", detailSegment: "huntGroups", label: "hunt group" });
  }

  /**
   * Lists hunt groups (array key `huntGroups`), page by page.
   *
   * @throws InvalidInputError (on the call) for a `max` below 1 or a negative `start`
   */
  list(params: ListHuntGroupsParams = {}, call: CallOptions = {}): Paginator<HuntGroup> {
    const query = { locationId: params.locationId, name: params.name, phoneNumber: params.phoneNumber, ...readOffsetPaging(params) };
    return this.listFeatures(query, call);
  }

  /**
   * Reads one hunt group's detail, agents included.
   *
   * @throws InvalidInputError for an empty id; NotFoundError, PermissionError and other `WebexError`s
   */
  get(locationId: string, huntGroupId: string, call: CallOptions = {}): Promise<HuntGroupDetails> {
    return this.getFeature(locationId, huntGroupId, {}, call);
  }
}
