/** `GET /v1/people`: the people of an org. */
import { InvalidInputError } from "../transport/errors.js";
import { paginate, type Paginator } from "../transport/paginate.js";
import type { CallOptions, Transport } from "../transport/request.js";
import { pathSegment, requireText } from "./validate.js";

/** A person as Webex returns it. Admin-only fields are present only for admin tokens. */
export interface Person {
  id: string;
  emails?: string[];
  phoneNumbers?: Array<{ type?: string; value?: string; primary?: boolean }>;
  extension?: string;
  locationId?: string;
  displayName?: string;
  nickName?: string;
  firstName?: string;
  lastName?: string;
  orgId: string;
  roles?: string[];
  licenses?: string[];
  department?: string;
  title?: string;
  created?: string;
  lastModified?: string;
  timezone?: string;
  lastActivity?: string;
  status?: string;
  /** `"true"` or `"false"`: Webex sends a string. */
  invitePending?: string;
  /** `"true"` or `"false"`: Webex sends a string. */
  loginEnabled?: string;
  /** `person`, `bot` or `appuser` (the machine account of a service-app token). */
  type?: string;
  [field: string]: unknown;
}

/** Filters of `People.list`, as Webex names them. */
export interface ListPeopleParams {
  /** Exact email address. */
  email?: string;
  /** Display name prefix. */
  displayName?: string;
  /** Person ids, at most 85. */
  id?: string[];
  /** Role ids, comma-separated. */
  roles?: string;
  locationId?: string;
  /** Include calling fields (phone numbers, extension, location). Webex caps `max` at 100 with it. */
  callingData?: boolean;
  /** People per page. Webex's default is 100. */
  max?: number;
  /** Leave out people with this status, such as `inactive`. */
  excludeStatus?: string;
}

/** Options of `People.get`. */
export interface GetPersonOptions {
  /** Include calling fields. Default false. */
  callingData?: boolean;
}

/** Webex's limit on ids in one `id=` filter. */
const MAX_IDS_PER_REQUEST = 85;

/** Reads the people of one org. Needs `spark-admin:people_read` for other people. */
export class People {
  readonly #transport: Transport;
  readonly #orgId: string;

  /** @param orgId base64 id of the org the list names */
  constructor(transport: Transport, orgId: string) {
    this.#transport = transport;
    this.#orgId = orgId;
  }

  /**
   * Lists people, page by page as the iterator is consumed.
   *
   * @throws InvalidInputError (on the call) for more than 85 ids or a bad `max`
   */
  list(params: ListPeopleParams = {}, call: CallOptions = {}): Paginator<Person> {
    if (params.id !== undefined && params.id.length > MAX_IDS_PER_REQUEST) {
      throw new InvalidInputError(`Too many person ids: Webex accepts at most ${MAX_IDS_PER_REQUEST} in one list request, got ${params.id.length}; split them into batches.`);
    }
    if (params.max !== undefined && (!Number.isInteger(params.max) || params.max < 1)) {
      throw new InvalidInputError(`Invalid max ${String(params.max)}: expected a whole number of at least 1.`);
    }

    const query = {
      email: params.email,
      displayName: params.displayName,
      id: params.id,
      roles: params.roles,
      locationId: params.locationId,
      callingData: params.callingData,
      max: params.max,
      excludeStatus: params.excludeStatus,
    };
    return paginate<Person>(this.#transport, { method: "GET", path: "/people", query, orgId: this.#orgId, signal: call.signal }, "items");
  }

  /**
   * Reads one person.
   *
   * @throws InvalidInputError for an empty id; NotFoundError, PermissionError and other `WebexError`s
   */
  async get(id: string, options: GetPersonOptions = {}, call: CallOptions = {}): Promise<Person> {
    const personId = requireText(id, "person id", "a base64 person id");
    const response = await this.#transport.request<Person>({
      method: "GET",
      path: `/people/${pathSegment(personId)}`,
      query: { callingData: options.callingData },
      signal: call.signal,
    });
    return response.body;
  }

  /**
   * Reads the person (or, for a service-app token, the machine account) that owns the token.
   *
   * @throws AuthError for a rejected token; other `WebexError`s
   */
  async me(): Promise<Person> {
    const response = await this.#transport.request<Person>({ method: "GET", path: "/people/me" });
    return response.body;
  }
}
