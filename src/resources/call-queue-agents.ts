/**
 * `GET /v1/telephony/config/queues/agents`: every person, workspace or virtual line that takes
 * calls of one or more of an org's call queues, with how many queues each one is in and has
 * joined. An auditor reviews this list to see who takes queue calls, and spots agents who
 * have left (unjoined) every queue they belong to.
 */
import { paginate, type Paginator } from "../transport/paginate.js";
import type { CallOptions, Transport } from "../transport/request.js";
import { readOffsetPaging, type OffsetPagingParams } from "./list-params.js";

/** A call queue agent as the list returns it. */
export interface CallQueueAgent {
  id: string;
  firstName?: string;
  lastName?: string;
  phoneNumber?: string;
  extension?: string;
  routingPrefix?: string;
  esn?: string;
  /** Queues the agent belongs to. */
  queueCount?: number;
  /** Locations of those queues. */
  locationCount?: number;
  /** Queues the agent has joined, so their calls reach the agent. */
  joinCount?: number;
  /** Queues the agent belongs to but has left. */
  unjoinCount?: number;
  location?: { id?: string; name?: string; [field: string]: unknown };
  /**
   * `PEOPLE`, `PLACE` or `VIRTUAL_LINE`. The Webex reference notes that it currently returns
   * `PEOPLE` for workspaces and virtual lines too.
   */
  type?: string;
  [field: string]: unknown;
}

/** Filters of `CallQueueAgents.list`, as Webex names them. */
export interface ListCallQueueAgentsParams extends OffsetPagingParams {
  locationId?: string;
  /** Agents of this queue only. */
  queueId?: string;
  /** Agents with this name. */
  name?: string;
  /** Agents with this phone number or extension. */
  phoneNumber?: string;
  /** Agents whose `joinEnabled` has this value. */
  joinEnabled?: boolean;
  /** True for agents of Customer Assist queues, false for Customer Experience Basic queues. */
  hasCxEssentials?: boolean;
  /** `firstName`, `lastName`, `firstName-desc` or `lastName-desc`. */
  order?: string;
}

/** Reads the call queue agents of one org. Needs `spark-admin:telephony_config_read`. */
export class CallQueueAgents {
  readonly #transport: Transport;
  readonly #orgId: string;

  /** @param orgId base64 id of the org every request names */
  constructor(transport: Transport, orgId: string) {
    this.#transport = transport;
    this.#orgId = orgId;
  }

  /**
   * Lists call queue agents (array key `agents`), page by page.
   *
   * @throws InvalidInputError (on the call) for a `max` below 1 or a negative `start`
   */
  list(params: ListCallQueueAgentsParams = {}, call: CallOptions = {}): Paginator<CallQueueAgent> {
    const query = {
      locationId: params.locationId,
      queueId: params.queueId,
      name: params.name,
      phoneNumber: params.phoneNumber,
      joinEnabled: params.joinEnabled,
      hasCxEssentials: params.hasCxEssentials,
      order: params.order,
      ...readOffsetPaging(params),
    };
    return paginate<CallQueueAgent>(
      this.#transport,
      { method: "GET", path: "/telephony/config/queues/agents", query, orgId: this.#orgId, signal: call.signal },
      "agents",
    );
  }
}
