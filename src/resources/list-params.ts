/** Checks of the paging parameters that list endpoints share: `max` (page size) and `start` (offset). */
import { InvalidInputError } from "../transport/errors.js";

/** Paging parameters of the telephony lists, which page by a zero-based `start` offset. */
export interface OffsetPagingParams {
  /** Items per page. Webex lowers a value above the endpoint's cap to the cap and still pages. */
  max?: number;
  /** Zero-based offset of the first item of the first page. Default 0. */
  start?: number;
}

/**
 * Returns `value` when it is undefined or a whole number of at least `minimum`.
 *
 * @throws InvalidInputError naming the parameter otherwise
 */
export function checkCount(value: number | undefined, name: string, minimum: number): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!Number.isInteger(value) || value < minimum) {
    throw new InvalidInputError(`Invalid ${name} ${String(value)}: expected a whole number of at least ${minimum}.`);
  }
  return value;
}

/**
 * Returns the `max` and `start` query values of `params`, checked.
 *
 * @throws InvalidInputError for a `max` below 1 or a negative `start`
 */
export function readOffsetPaging(params: OffsetPagingParams): { max: number | undefined; start: number | undefined } {
  return { max: checkCount(params.max, "max", 1), start: checkCount(params.start, "start", 0) };
}
