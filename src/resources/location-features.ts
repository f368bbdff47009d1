/**
 * The shape that call queues, hunt groups and auto attendants share: an org-wide telephony list
 * paged by `start` offset, and a detail read below the feature's location,
 * `/telephony/config/locations/{locationId}/{segment}/{featureId}`.
 */
import { paginate, type Paginator } from "../transport/paginate.js";
import type { CallOptions, QueryValue, Transport } from "../transport/request.js";
import { pathSegment, requireText } from "./validate.js";

/** API paths and names of one kind of location feature. */
export interface LocationFeaturePaths {
  /** Path of the org-wide list, such as `/telephony/config/queues`. */
  listPath: string;
  /** Array key of the list's pages, such as `queues`. */
  itemsKey: string;
  /** Path segment of the detail below the location, such as `queues`. */
  detailSegment: string;
  /** Name of the feature in messages, such as "call queue". */
  label: string;
}

/** Base of the resources that read one kind of location feature of one org. */
export abstract class LocationFeatures<Summary, Details> {
  readonly #transport: Transport;
  readonly #orgId: string;
  readonly #paths: LocationFeaturePaths;

  /** @param orgId base64 id of the org every request names */
  protected constructor(transport: Transport, orgId: string, paths: LocationFeaturePaths) {
    this.#transport = transport;
    this.#orgId = orgId;
    this.#paths = paths;
  }

  /** Starts the org-wide list with an already checked query. */
  protected listFeatures(query: Record<string, QueryValue>, call: CallOptions): Paginator<Summary> {
    return paginate<Summary>(this.#transport, { method: "GET", path: this.#paths.listPath, query, orgId: this.#orgId, signal: call.signal }, this.#paths.itemsKey);
  }

  /**
   * Reads one feature's detail below its location.
   *
   * @throws InvalidInputError for an empty id; NotFoundError, PermissionError and other `WebexError`s
   */
  protected async getFeature(
    locationId: string,
    featureId: string,
    query: Record<string, QueryValue>,
    call: CallOptions,
  ): Promise<Details> {
    const { label, detailSegment } = this.#paths;
    const location = requireText(locationId, "location id", "a base64 location id");
    const feature = requireText(featureId, `${label} id`, `a base64 ${label} id`);
    const response = await this.#transport.request<Details>({
      method: "GET",
      path: `/telephony/config/locations/${pathSegment(location)}/${detailSegment}/${pathSegment(feature)}`,
      query,
      orgId: this.#orgId,
      signal: call.signal,
    });
    return response.body;
  }
}
