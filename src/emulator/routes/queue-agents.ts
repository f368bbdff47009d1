import type { QueueAgentRow } from "../calling-views.js";
import { toQueueAgentView } from "../calling-views.js";
import type { RouteHandler } from "../http.js";
import type { OrgRecord, PersonRecord } from "../model.js";
import { paginateByOffset, readMax } from "../pagination.js";
import { readBoolean } from "../query.js";
import type { Route } from "../router.js";
import type { EmulatorState } from "../state.js";
import { authorizeTelephonyRead, readEnum, readLocationFilter, readText } from "./telephony-access.js";

/** NOTE: Webex documents no default or cap of `max` for this list; 100 and 1000 are assumed. */
const DEFAULT_MAX = 100;
const MAX_CAP = 1000;
const ORDERS = ["firstName", "lastName", "firstName-desc", "lastName-desc"] as const;

/**
 * Lists the people who are agents of the org's call queues, one row per agent with counts over
 * the queues they serve. `queueId`, `hasCxEssentials` and `joinEnabled` narrow the queues (and
 * memberships) counted; `locationId`, `name` and `phoneNumber` filter the agents. Without
 * `order` the agents come in the order they first appear in the queues list.
 * NOTE: as for the queues list, no `hasCxEssentials` counts every queue.
 */
const listQueueAgents: RouteHandler = (request, context) => {
  const org = authorizeTelephonyRead(request, context);
  const params = request.url.searchParams;
  const queueId = params.get("queueId") || undefined;
  const cx = params.has("hasCxEssentials") ? readBoolean(request, "hasCxEssentials") : undefined;
  const joinEnabled = params.has("joinEnabled") ? readBoolean(request, "joinEnabled") : undefined;
  const rows = collectAgentRows(org, context.state, { queueId, cx, joinEnabled });

  const locationId = readLocationFilter(request, context, org);
  const name = readText(request, "name");
  const phoneNumber = params.get("phoneNumber") || undefined;
  const accept = (row: QueueAgentRow): boolean =>
    (locationId === undefined || row.location.id === locationId) &&
    (name === undefined || `${row.agent.firstName} ${row.agent.lastName}`.toLowerCase().includes(name)) &&
    (phoneNumber === undefined || row.agent.calling?.workNumber === phoneNumber || row.agent.calling?.extension === phoneNumber);

  const order = readEnum(request, "order", ORDERS);
  if (order !== undefined) {
    const field = order.startsWith("firstName") ? "firstName" : "lastName";
    const direction = order.endsWith("-desc") ? -1 : 1;
    rows.sort((left, right) => direction * left.agent[field].localeCompare(right.agent[field]));
  }
  const page = paginateByOffset(request, rows, readMax(request, DEFAULT_MAX, MAX_CAP), accept);
  return { status: 200, headers: page.headers, body: { agents: page.items.map(toQueueAgentView) } };
};

/** Filter of the queues and memberships that count towards the agent rows. */
export interface AgentRowFilter {
  queueId?: string;
  cx?: boolean;
  joinEnabled?: boolean;
}

/** Aggregates the agents of the org's call queues into one row per person. */
export function collectAgentRows(org: OrgRecord, state: EmulatorState, filter: AgentRowFilter = {}): QueueAgentRow[] {
  const wantedQueue = filter.queueId === undefined ? undefined : state.findFeature(filter.queueId, "callQueue");
  const rows = new Map<PersonRecord, QueueAgentRow>();
  for (const queue of org.callQueues) {
    if ((filter.queueId !== undefined && queue !== wantedQueue) || (filter.cx !== undefined && queue.hasCxEssentials !== filter.cx)) {
      continue;
    }
    for (const agent of queue.agents) {
      if (filter.joinEnabled !== undefined && agent.joinEnabled !== filter.joinEnabled) {
        continue;
      }
      let row = rows.get(agent.person);
      if (!row) {
        const home = agent.person.calling ? state.findLocation(agent.person.calling.locationId) : undefined;
        row = { agent: agent.person, location: home ?? queue.location, queueCount: 0, locationIds: new Set(), joinCount: 0, unjoinCount: 0 };
        rows.set(agent.person, row);
      }
      row.queueCount += 1;
      row.locationIds.add(queue.location.id);
      if (agent.joinEnabled) {
        row.joinCount += 1;
      } else {
        row.unjoinCount += 1;
      }
    }
  }
  return [...rows.values()];
}

export const queueAgentRoutes: Route[] = [{ method: "GET", path: "/v1/telephony/config/queues/agents", handler: listQueueAgents }];
