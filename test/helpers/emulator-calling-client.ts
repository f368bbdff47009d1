/**
 * Raw HTTP helpers for the Webex Calling tests of the emulator: walking offset-paged lists,
 * capturing everything an org's lists show, and comparing two captures. They use plain
 * `fetch`, never the SDK or the emulator's own comparison code.
 */
import assert from "node:assert/strict";
import type { Emulator } from "../../src/emulator/index.js";
import { call, nextLink } from "./emulator-client.js";

/** Items of every page of a list, the pages' next links, and the page count. */
export interface WalkedList {
  items: any[];
  links: string[];
  pages: number;
}

/** Follows the `rel="next"` links from `path`, collecting the items under `key`. */
export async function walkList(emulator: Emulator, path: string, token: string, key: string): Promise<WalkedList> {
  const items: any[] = [];
  const links: string[] = [];
  let pages = 0;
  for (let url: string | undefined = path; url !== undefined; ) {
    const page = await call(emulator, "GET", url, { token });
    assert.equal(page.status, 200, `GET ${url} answered ${page.status}: ${JSON.stringify(page.body)}`);
    assert.ok(Array.isArray(page.body[key]), `GET ${url} has an array "${key}"`);
    items.push(...page.body[key]);
    pages += 1;
    url = nextLink(page);
    if (url !== undefined) {
      links.push(url);
    }
  }
  return { items, links, pages };
}

/** Objects of an org by kind and id, as a backup would store them. */
export type ApiCapture = Map<string, Map<string, any>>;

/**
 * Reads every list of one org through the API: people with calling data, licenses, locations,
 * calling locations, numbers, call features (list item merged with its details) and queue agents.
 */
export async function captureApi(emulator: Emulator, token: string, orgId: string): Promise<ApiCapture> {
  const org = `orgId=${encodeURIComponent(orgId)}`;
  const capture: ApiCapture = new Map();
  const put = (kind: string, items: any[], idOf: (item: any) => string = (item) => item.id): void => {
    capture.set(kind, new Map(items.map((item) => [idOf(item), item])));
  };

  put("people", (await walkList(emulator, `/people?callingData=true&max=100&${org}`, token, "items")).items);
  put("licenses", (await walkList(emulator, `/licenses?${org}`, token, "items")).items);
  put("locations", (await walkList(emulator, `/locations?${org}`, token, "items")).items);
  put("callingLocations", (await walkList(emulator, `/telephony/config/locations?${org}`, token, "locations")).items);
  put(
    "numbers",
    (await walkList(emulator, `/telephony/config/numbers?${org}`, token, "phoneNumbers")).items,
    (row) => (row.phoneNumber ? row.phoneNumber : `ext:${row.location.id}:${row.extension}`),
  );
  const features = [
    ["callQueues", "queues", "queues"],
    ["huntGroups", "huntGroups", "huntGroups"],
    ["autoAttendants", "autoAttendants", "autoAttendants"],
  ] as const;
  for (const [kind, path, key] of features) {
    const listed = (await walkList(emulator, `/telephony/config/${path}?${org}`, token, key)).items;
    const merged = [];
    for (const item of listed) {
      const cx = kind === "callQueues" ? `&hasCxEssentials=${item.hasCxEssentials}` : "";
      const detail = await call(emulator, "GET", `/telephony/config/locations/${item.locationId}/${path}/${item.id}?${org}${cx}`, { token });
      assert.equal(detail.status, 200, `details of ${item.id}: ${JSON.stringify(detail.body)}`);
      merged.push({ ...item, ...detail.body });
    }
    put(kind, merged);
  }
  put("callQueueAgents", (await walkList(emulator, `/telephony/config/queues/agents?${org}`, token, "agents")).items);
  return capture;
}

/** One difference between two captures, in the shape `Emulator.mutate` reports (without `orgId`). */
export interface CaptureChange {
  kind: string;
  id: string;
  change: "added" | "removed" | "changed";
  fields?: string[];
}

/** Lists what differs from `before` to `after`: whole objects, and changed leaf paths (arrays as unordered values). */
export function compareCaptures(before: ApiCapture, after: ApiCapture): CaptureChange[] {
  const changes: CaptureChange[] = [];
  for (const kind of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(kind) ?? new Map();
    const current = after.get(kind) ?? new Map();
    for (const [id, item] of old) {
      if (!current.has(id)) {
        changes.push({ kind, id, change: "removed" });
        continue;
      }
      const fields = changedPaths(item, current.get(id), "");
      if (fields.length > 0) {
        changes.push({ kind, id, change: "changed", fields: fields.sort() });
      }
    }
    for (const id of current.keys()) {
      if (!old.has(id)) {
        changes.push({ kind, id, change: "added" });
      }
    }
  }
  return sortChanges(changes);
}

/** Sorts changes by kind, id and change, so two lists can be compared with deepEqual. */
export function sortChanges<T extends CaptureChange>(changes: T[]): T[] {
  const key = (change: CaptureChange): string => `${change.kind}\u0000${change.id}\u0000${change.change}`;
  return [...changes].sort((left, right) => key(left).localeCompare(key(right)));
}

function changedPaths(before: any, after: any, prefix: string): string[] {
  const isObject = (value: unknown): boolean => typeof value === "object" && value !== null && !Array.isArray(value);
  if (isObject(before) && isObject(after)) {
    const paths: string[] = [];
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      paths.push(...changedPaths(before[key], after[key], prefix === "" ? key : `${prefix}.${key}`));
    }
    return paths;
  }
  return sortedJson(before) === sortedJson(after) ? [] : [prefix];
}

function sortedJson(value: any): string {
  if (Array.isArray(value)) {
    return `[${value.map(sortedJson).sort().join(",")}]`;
  }
  if (typeof value === "object" && value !== null) {
    return `{${Object.keys(value).sort().map((key) => `${key}:${sortedJson(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}
