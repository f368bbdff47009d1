/** `GET /v1/organizations`: the orgs a token can see. */
import type { Transport } from "../transport/request.js";
import { pathSegment, requireText } from "./validate.js";

/** An organization as Webex returns it. */
export interface OrganizationData {
  /** Base64 Webex org id. */
  id: string;
  displayName: string;
  /** Creation time, ISO 8601. */
  created?: string;
  [field: string]: unknown;
}

/** An org given by base64 id, bare UUID, or any object with an `id` (such as an `Org`). */
export type OrgRef = string | { readonly id: string };

/** Reads organizations. */
export class Organizations {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Lists the orgs the token can see. Webex does not paginate this list.
   *
   * @throws PermissionError when the token lacks `spark-admin:organizations_read`; other `WebexError`s
   */
  async list(): Promise<OrganizationData[]> {
    const response = await this.#transport.request<{ items?: OrganizationData[] }>({ method: "GET", path: "/organizations" });
    return Array.isArray(response.body?.items) ? response.body.items : [];
  }

  /**
   * Reads one org. Webex accepts the base64 id and the bare UUID here and returns the base64 `id`.
   *
   * @throws InvalidInputError for an empty id; NotFoundError, PermissionError and other `WebexError`s
   */
  async get(idOrUuid: string): Promise<OrganizationData> {
    const id = requireText(idOrUuid, "org id", "a base64 org id or a UUID");
    const response = await this.#transport.request<OrganizationData>({ method: "GET", path: `/organizations/${pathSegment(id)}` });
    return response.body;
  }
}
