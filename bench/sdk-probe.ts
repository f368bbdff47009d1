/**
 * Records the requests the SDK sends for each benchmark operation, so the raw baseline sends
 * the same URL with the same headers. The probe uses its own connection with a recording
 * `fetch`; the measured connection uses the global `fetch` with nothing wrapped around it.
 */
import { Webex } from "../src/index.js";
import type { RequestTemplate } from "./raw-client.js";

/** The requests the raw baseline copies. */
export interface ProbedRequests {
  /** The one GET that `webex.org.people.me()` sends. */
  get: RequestTemplate;
  /** The first page request of `webex.org.people.list({ max })`. */
  listFirstPage: RequestTemplate;
}

/**
 * Runs each benchmark operation once through a recording connection.
 *
 * @throws Error when an operation sends other than the expected number of requests, or a
 *   request that is not a GET, so that the comparison would not be like for like.
 */
export async function probeSdkRequests(baseUrl: string, accessToken: string, pageSize: number): Promise<ProbedRequests> {
  const recorded: RequestTemplate[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (request.method !== "GET") {
      throw new Error(`The SDK sent ${request.method} ${request.url} where the benchmark expects only GETs.`);
    }
    recorded.push({ url: request.url, headers: Object.fromEntries(request.headers) });
    return fetch(input, init);
  };
  const webex = await Webex.connect({ accessToken, baseUrl, fetch: recordingFetch });

  recorded.length = 0;
  await webex.org.people.me();
  await webex.org.people.me();
  const get = takeOnly(recorded, 2, "two calls of webex.org.people.me()");

  recorded.length = 0;
  for await (const page of webex.org.people.list({ max: pageSize }).pages()) {
    if (page.items.length === 0) {
      throw new Error("The first page of webex.org.people.list() is empty; the emulator seeded no people.");
    }
    break;
  }
  const listFirstPage = takeOnly(recorded, 1, "reading the first page of webex.org.people.list()");

  return { get, listFirstPage };
}

function takeOnly(recorded: RequestTemplate[], expected: number, operation: string): RequestTemplate {
  const first = recorded[0];
  if (recorded.length !== expected || first === undefined) {
    const urls = recorded.map((request) => request.url).join(", ") || "none";
    throw new Error(`Expected ${expected} request(s) from ${operation}, saw ${recorded.length}: ${urls}.`);
  }
  return first;
}
