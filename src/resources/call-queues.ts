/**
 * `GET /v1/telephony/config/queues`: the call queues of an org. The list carries no agents;
 * `get(locationId, queueId)` reads a queue's detail, which has them.
 */
import type { Paginator } from "../transport/paginate.js";
import type { CallOptions, Transport } from "../transport/request.js";
import { readOffsetPaging, type OffsetPagingParams } from "./list-params.js";
import { LocationFeatures } from "./location-features.js";

/** A call queue as the list returns it. */
export interface CallQueue {
  id: string;
  name: string;
  locationId?: string;
  locationName?: string;
  phoneNumber?: string;
  extension?: string;
  /** False when the queue is disabled and takes no calls. */
  enabled?: boolean;
  /** True for a Customer Assist queue, false for a Customer Experience Basic queue. */
  hasCxEssentials?: boolean;
  department?: { id?: string; name?: string; [field: string]: unknown };
  [field: string]: unknown;
}

/** A person, workspace or virtual line that receives a queue's or hunt group's calls. */
export interface FeatureAgent {
  id: string;
  /** `PEOPLE`, `PLACE` or `VIRTUAL_LINE`. */
  type?: string;
  firstName?: string;
  lastName?: string;
  phoneNumber?: string;
  extension?: string;
  /** Share of calls for the `WEIGHTED` policy, as a string such as `"50"`. */
  weight?: string;
  [field: string]: unknown;
}

/** A call queue's detail. It has no location fields; those come from the list. */
export interface CallQueueDetails {
  id: string;
  name: string;
  enabled?: boolean;
  phoneNumber?: string;
  extension?: string;
  language?: string;
  languageCode?: string;
  timeZone?: string;
  /** Routing policy, such as `{ policy: "CIRCULAR", ... }`. */
  callPolicies?: Record<string, unknown>;
  queueSettings?: Record<string, unknown>;
  alternateNumberSettings?: Record<string, unknown>;
  agents?: FeatureAgent[];
  [field: string]: unknown;
}

/** Filters of `CallQueues.list`, as Webex names them. */
export interface ListCallQueuesParams extends OffsetPagingParams {
  locationId?: string;
  /** Queues with this name. */
  name?: string;
  /** Queues with this primary phone number or extension. */
  phoneNumber?: string;
  departmentId?: string;
  departmentName?: string;
  /** True lists only Customer Assist queues, false only Customer Experience Basic ones. */
  hasCxEssentials?: boolean;
}

/** Reads the call queues of one org. Needs `spark-admin:telephony_config_read`. */
export class CallQueues extends LocationFeatures<CallQueue, CallQueueDetails> {
  /** @param orgId base64 id of the org every request names */
  constructor(transport: Transport, orgId: string) {
    super(transport, orgId, { listPath: "/telephony/config/queues", itemsKey: "queues", detailSegment: "queues", label: "call queue" });
  }

  /**
   * Lists call queues (array key `queues`), page by page.
   *
   * @throws InvalidInputError (on the call) for a `max` below 1 or a negative `start`
   */
  list(params: ListCallQueuesParams = {}, call: CallOptions = {}): Paginator<CallQueue> {
    const query = {
      locationId: params.locationId,
      name: params.name,
      phoneNumber: params.phoneNumber,
      departmentId: params.departmentId,
      departmentName: params.departmentName,
      hasCxEssentials: params.hasCxEssentials,
      ...readOffsetPaging(params),
    };
    return this.listFeatures(query, call);
  }

  /**
   * Reads one call queue's detail, agents included. Webex requires `hasCxEssentials: true` for
   * a Customer Assist queue (one listed with `hasCxEssentials: true`).
   *
   * @throws InvalidInputError for an empty id; NotFoundError, PermissionError and other `WebexError`s
   */
  get(locationId: string, queueId: string, options: { hasCxEssentials?: boolean } = {}, call: CallOptions = {}): Promise<CallQueueDetails> {
    return this.getFeature(locationId, queueId, { hasCxEssentials: options.hasCxEssentials }, call);
  }
}
