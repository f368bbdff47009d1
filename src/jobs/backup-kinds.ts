/**
 * What the backup reads for each kind of object: the list it pages through, the list's array
 * key and the id each object is stored under. For call queues, hunt groups and auto attendants
 * it also reads each object's detail, because the list leaves out agents, routing policies and menus.
 */
import { InvalidInputError, NotFoundError } from "../transport/errors.js";
import type { Paginator } from "../transport/paginate.js";
import type { Org } from "../webex.js";

/** The kinds a backup stores, in the order it starts them (the largest list first). */
export const BACKUP_KINDS = [
  "people",
  "licenses",
  "locations",
  "callingLocations",
  "numbers",
  "callQueues",
  "huntGroups",
  "autoAttendants",
  "callQueueAgents",
] as const;

/** A kind of object the backup stores. */
export type BackupKind = (typeof BACKUP_KINDS)[number];

/** A list item or stored object: a JSON object as Webex returned it. */
export type WireObject = Record<string, unknown>;

/** The backup's reading plan for one kind. */
export interface KindSpec {
  kind: BackupKind;
  /** The array key of the list's pages, used when a resumed backup continues from a stored next-page URL. */
  itemsKey: string;
  /** Paths (below the base URL) of the kind's requests, to attribute a 429 to the kind. */
  paths: readonly RegExp[];
  /**
   * Starts the kind's list at its first page, with `pageSize` items per page or the kind's
   * default. `signal` cancels the page request in flight and every later one.
   */
  list(org: Org, pageSize: number | undefined, signal: AbortSignal | undefined): Paginator<WireObject>;
  /** Returns the id the object is stored under, or undefined when it has none. */
  idOf(item: WireObject): string | undefined;
  /**
   * Returns the object to store for a list item, which is the item merged with its detail.
   * Kinds without this method store the item itself. Undefined leaves the item out. `signal`
   * cancels the detail request.
   */
  expand?(org: Org, item: WireObject, signal: AbortSignal | undefined): Promise<WireObject | undefined>;
}

/** People per page: Webex's cap for `callingData=true`. */
const PEOPLE_PAGE_SIZE = 100;
/** Locations per page: the Locations API's documented default. */
const LOCATIONS_PAGE_SIZE = 500;
/**
 * Items per page of the telephony feature lists.
 * NOTE: Webex documents no default or cap for these lists. Webex lowers a `max` above an
 * endpoint's cap to the cap and still pages, so asking for 1000 is safe where the cap is lower.
 */
const TELEPHONY_PAGE_SIZE = 1000;

const TELEPHONY = "/telephony/config";

/** The spec of each kind. */
export const KIND_SPECS: Readonly<Record<BackupKind, KindSpec>> = {
  people: {
    kind: "people",
    itemsKey: "items",
    paths: [/^\/people$/],
    list: (org, pageSize, signal) => org.people.list({ callingData: true, max: pageSize ?? PEOPLE_PAGE_SIZE }, { signal }) as Paginator<WireObject>,
    idOf: readId,
  },
  licenses: {
    kind: "licenses",
    itemsKey: "items",
    paths: [/^\/licenses$/],
    // Webex returns every license on one page and takes no page size.
    list: (org, _pageSize, signal) => org.licenses.list({ signal }) as Paginator<WireObject>,
    idOf: readId,
  },
  locations: {
    kind: "locations",
    itemsKey: "items",
    paths: [/^\/locations$/],
    list: (org, pageSize, signal) => org.locations.list({ max: pageSize ?? LOCATIONS_PAGE_SIZE }, { signal }) as Paginator<WireObject>,
    idOf: readId,
  },
  callingLocations: {
    kind: "callingLocations",
    itemsKey: "locations",
    paths: [new RegExp(`^${TELEPHONY}/locations$`)],
    list: (org, pageSize, signal) => org.callingLocations.list({ max: pageSize ?? TELEPHONY_PAGE_SIZE }, { signal }) as Paginator<WireObject>,
    idOf: readId,
  },
  numbers: {
    kind: "numbers",
    itemsKey: "phoneNumbers",
    paths: [new RegExp(`^${TELEPHONY}/numbers$`)],
    // Webex's default page of 2000 numbers is the largest it documents.
    list: (org, pageSize, signal) => org.numbers.list({ max: pageSize }, { signal }) as Paginator<WireObject>,
    idOf: numberId,
  },
  callQueues: {
    kind: "callQueues",
    itemsKey: "queues",
    paths: [new RegExp(`^${TELEPHONY}/queues$`), new RegExp(`^${TELEPHONY}/locations/[^/]+/queues/[^/]+$`)],
    list: (org, pageSize, signal) => org.callQueues.list({ max: pageSize ?? TELEPHONY_PAGE_SIZE }, { signal }) as Paginator<WireObject>,
    idOf: readId,
    // Webex serves the detail of a Customer Assist queue only with hasCxEssentials=true.
    expand: (org, item, signal) =>
      mergeDetail(item, (locationId, id) =>
        org.callQueues.get(locationId, id, { hasCxEssentials: item.hasCxEssentials === true ? true : undefined }, { signal }),
      ),
  },
  huntGroups: {
    kind: "huntGroups",
    itemsKey: "huntGroups",
    paths: [new RegExp(`^${TELEPHONY}/huntGroups$`), new RegExp(`^${TELEPHONY}/locations/[^/]+/huntGroups/[^/]+$`)],
    list: (org, pageSize, signal) => org.huntGroups.list({ max: pageSize ?? TELEPHONY_PAGE_SIZE }, { signal }) as Paginator<WireObject>,
    idOf: readId,
    expand: (org, item, signal) => mergeDetail(item, (locationId, id) => org.huntGroups.get(locationId, id, { signal })),
  },
  autoAttendants: {
    kind: "autoAttendants",
    itemsKey: "autoAttendants",
    paths: [new RegExp(`^${TELEPHONY}/autoAttendants$`), new RegExp(`^${TELEPHONY}/locations/[^/]+/autoAttendants/[^/]+$`)],
    list: (org, pageSize, signal) => org.autoAttendants.list({ max: pageSize ?? TELEPHONY_PAGE_SIZE }, { signal }) as Paginator<WireObject>,
    idOf: readId,
    // The detail has the menus and schedules, which a restore or an audit of routing needs.
    expand: (org, item, signal) => mergeDetail(item, (locationId, id) => org.autoAttendants.get(locationId, id, { signal })),
  },
  callQueueAgents: {
    kind: "callQueueAgents",
    itemsKey: "agents",
    paths: [new RegExp(`^${TELEPHONY}/queues/agents$`)],
    list: (org, pageSize, signal) => org.callQueueAgents.list({ max: pageSize ?? TELEPHONY_PAGE_SIZE }, { signal }) as Paginator<WireObject>,
    idOf: readId,
  },
};

/**
 * Returns the kinds named in `kinds`, in `BACKUP_KINDS` order.
 *
 * @throws InvalidInputError naming the unknown kind and the known ones
 */
export function selectKinds(kinds: readonly string[] | undefined): BackupKind[] {
  if (kinds === undefined) {
    return [...BACKUP_KINDS];
  }
  if (kinds.length === 0) {
    throw new InvalidInputError(`The list of kinds to back up is empty; give at least one of ${BACKUP_KINDS.join(", ")}.`);
  }
  const unknown = kinds.filter((kind) => !(BACKUP_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0) {
    throw new InvalidInputError(`Unknown backup kind ${unknown.map((kind) => JSON.stringify(kind)).join(", ")}; the kinds are ${BACKUP_KINDS.join(", ")}.`);
  }
  return BACKUP_KINDS.filter((kind) => kinds.includes(kind));
}

/** A stored next-page URL on another origin than the connection's. */
export interface ForeignCursor {
  kind: string;
  /** The origin of the stored URL, such as `http://127.0.0.1:8082`. */
  origin: string;
  /** The base URL the snapshot was read from: the origin and the path before the kind's list path. */
  baseUrl: string;
}

/**
 * Returns the first stored next-page URL of `kinds` whose origin is not the origin of
 * `baseUrl`, or undefined when all are on it. A resumed backup may send its requests only to
 * the connection's origin, so such a snapshot has to be resumed with the base URL it started on.
 * An unreadable URL is skipped here, because the request for it fails with its own message.
 */
export function findForeignCursor(kinds: ReadonlyArray<{ kind: string; nextUrl: string | undefined }>, baseUrl: string): ForeignCursor | undefined {
  const current = new URL(baseUrl);
  for (const { kind, nextUrl } of kinds) {
    if (nextUrl === undefined || !URL.canParse(nextUrl)) {
      continue;
    }
    const stored = new URL(nextUrl);
    if (stored.origin === current.origin) {
      continue;
    }
    const paths = (BACKUP_KINDS as readonly string[]).includes(kind) ? KIND_SPECS[kind as BackupKind].paths : [];
    const prefix = findPathPrefix(stored.pathname, paths) ?? current.pathname.replace(/\/+$/, "");
    return { kind, origin: stored.origin, baseUrl: stored.origin + prefix };
  }
  return undefined;
}

/** Returns the part of `pathname` before the first of `paths` that matches its rest, such as `/v1` of `/v1/people`. */
function findPathPrefix(pathname: string, paths: readonly RegExp[]): string | undefined {
  for (let index = pathname.indexOf("/"); index !== -1; index = pathname.indexOf("/", index + 1)) {
    const rest = pathname.slice(index);
    if (paths.some((path) => path.test(rest))) {
      return pathname.slice(0, index);
    }
  }
  return undefined;
}

/** Returns the object's `id` when it is a non-empty string. */
export function readId(item: WireObject): string | undefined {
  const id = item.id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/**
 * Returns a number's id: the phone number, or for an extension without one
 * `ext:<location id>:<extension>`, since extensions are unique only within a location.
 */
export function numberId(item: WireObject): string | undefined {
  const phoneNumber = item.phoneNumber;
  if (typeof phoneNumber === "string" && phoneNumber !== "") {
    return phoneNumber;
  }
  const extension = item.extension;
  if (typeof extension !== "string" || extension === "") {
    return undefined;
  }
  const location = item.location;
  const locationId = location !== null && typeof location === "object" ? (location as WireObject).id : undefined;
  return `ext:${typeof locationId === "string" ? locationId : ""}:${extension}`;
}

/**
 * Reads an item's detail and returns the item's fields overlaid with the detail's. The list
 * has the location fields and the detail has the rest, agents included. An item deleted
 * between list and detail (404) is left out. An item without a location id is stored as
 * listed, because its detail URL needs the location.
 */
async function mergeDetail(item: WireObject, readDetail: (locationId: string, id: string) => Promise<WireObject>): Promise<WireObject | undefined> {
  const id = readId(item);
  const locationId = item.locationId;
  if (id === undefined || typeof locationId !== "string" || locationId === "") {
    return item;
  }
  try {
    return { ...item, ...(await readDetail(locationId, id)) };
  } catch (error) {
    if (error instanceof NotFoundError) {
      return undefined;
    }
    throw error;
  }
}
