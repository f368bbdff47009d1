/**
 * The calling resources against the emulator: array keys, paging by Link header, `start`
 * offsets, `orgId` on every telephony request, details, and input checks.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../src/emulator/index.js";
import { InvalidInputError, NotFoundError } from "../src/transport/errors.js";
import type { Paginator } from "../src/transport/paginate.js";
import type { Org, Webex } from "../src/webex.js";
import { connectTo, startTestEmulator } from "./helpers/sdk-emulator.js";

type Item = Record<string, unknown>;

/** One list resource: how the SDK lists it and where its raw items come from. */
interface ListCase {
  name: string;
  path: string;
  key: string;
  list(org: Org, params: { max?: number; start?: number }): Paginator<Item>;
  /** True for the telephony lists, which page by `start` and need `orgId` on every request. */
  telephony: boolean;
}

const CASES: ListCase[] = [
  { name: "locations", path: "/locations", key: "items", telephony: false, list: (org, params) => org.locations.list({ max: params.max }) as Paginator<Item> },
  {
    name: "callingLocations",
    path: "/telephony/config/locations",
    key: "locations",
    telephony: true,
    list: (org, params) => org.callingLocations.list(params) as Paginator<Item>,
  },
  { name: "numbers", path: "/telephony/config/numbers", key: "phoneNumbers", telephony: true, list: (org, params) => org.numbers.list(params) as Paginator<Item> },
  { name: "callQueues", path: "/telephony/config/queues", key: "queues", telephony: true, list: (org, params) => org.callQueues.list(params) as Paginator<Item> },
  { name: "huntGroups", path: "/telephony/config/huntGroups", key: "huntGroups", telephony: true, list: (org, params) => org.huntGroups.list(params) as Paginator<Item> },
  {
    name: "autoAttendants",
    path: "/telephony/config/autoAttendants",
    key: "autoAttendants",
    telephony: true,
    list: (org, params) => org.autoAttendants.list(params) as Paginator<Item>,
  },
  {
    name: "callQueueAgents",
    path: "/telephony/config/queues/agents",
    key: "agents",
    telephony: true,
    list: (org, params) => org.callQueueAgents.list(params) as Paginator<Item>,
  },
];

/** Reads a whole list with plain fetch, following Link headers, as the reference for the SDK. */
async function fetchAll(emulator: Emulator, token: string, path: string, key: string, orgId: string): Promise<Item[]> {
  const items: Item[] = [];
  let url: string | undefined = `${emulator.url}${path}?orgId=${encodeURIComponent(orgId)}&max=1000`;
  while (url !== undefined) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200, `GET ${url}`);
    const body = (await response.json()) as Record<string, unknown>;
    items.push(...(body[key] as Item[]));
    url = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get("link") ?? "")?.[1];
  }
  return items;
}

describe("calling resources", () => {
  let emulator: Emulator;
  let admin: Webex;

  before(async () => {
    emulator = await startTestEmulator({ people: 80, orgs: 2 });
    admin = await connectTo(emulator, emulator.tokens.customerAdmin);
  });

  after(async () => {
    await emulator.stop();
  });

  for (const listCase of CASES) {
    test(`${listCase.name}: pages hold every item`, async () => {
      const expected = await fetchAll(emulator, emulator.tokens.customerAdmin, listCase.path, listCase.key, admin.org.id);
      assert.ok(expected.length >= 2, `the emulator lists only ${expected.length} ${listCase.name}`);

      const logStart = emulator.requestLog.length;
      const pageSizes: number[] = [];
      const items: Item[] = [];
      for await (const page of listCase.list(admin.org, { max: 1 }).pages()) {
        pageSizes.push(page.items.length);
        items.push(...page.items);
      }
      assert.deepEqual(items, expected);
      assert.equal(pageSizes.length, expected.length);

      const requests = emulator.requestLog.slice(logStart).filter((entry) => entry.path.startsWith(`/v1${listCase.path}?`));
      assert.equal(requests.length, pageSizes.length);
      for (const request of requests) {
        assert.match(request.path, /[?&]max=1(&|$)/);
        if (listCase.telephony) {
          assert.match(request.path, /[?&]orgId=/, `${request.path} has no orgId`);
        }
      }
    });

    if (listCase.telephony) {
      test(`${listCase.name}: start skips items`, async () => {
        const expected = await fetchAll(emulator, emulator.tokens.customerAdmin, listCase.path, listCase.key, admin.org.id);
        const items = await listCase.list(admin.org, { start: 1, max: 1 }).toArray();
        assert.deepEqual(items, expected.slice(1));
      });
    }
  }

  test("numbers: extension-only ids", async () => {
    const numbers = await admin.org.numbers.list().toArray();
    assert.ok(numbers.length > 0);
    for (const number of numbers) {
      const hasNumber = typeof number.phoneNumber === "string" && number.phoneNumber !== "";
      const hasExtension = typeof number.extension === "string" && number.extension !== "";
      assert.ok(hasNumber || hasExtension, `number entry ${JSON.stringify(number)} has neither a number nor an extension`);
      assert.equal(typeof number.location?.id, "string");
    }
  });

  test("call queue detail has agents", async () => {
    const [queue] = await admin.org.callQueues.list().toArray({ limit: 1 });
    assert.ok(queue?.locationId !== undefined);
    const detail = await admin.org.callQueues.get(queue.locationId, queue.id);
    assert.equal(detail.id, queue.id);
    assert.equal(detail.name, queue.name);
    assert.ok(Array.isArray(detail.agents));
  });

  test("hunt group detail has agents", async () => {
    const [huntGroup] = await admin.org.huntGroups.list().toArray({ limit: 1 });
    assert.ok(huntGroup?.locationId !== undefined);
    const detail = await admin.org.huntGroups.get(huntGroup.locationId, huntGroup.id);
    assert.equal(detail.id, huntGroup.id);
    assert.ok(Array.isArray(detail.agents));
  });

  test("auto attendant detail", async () => {
    const [autoAttendant] = await admin.org.autoAttendants.list().toArray({ limit: 1 });
    assert.ok(autoAttendant?.locationId !== undefined);
    const detail = await admin.org.autoAttendants.get(autoAttendant.locationId, autoAttendant.id);
    assert.equal(detail.id, autoAttendant.id);
    assert.equal(detail.name, autoAttendant.name);
  });

  test("calling location and location detail", async () => {
    const [callingLocation] = await admin.org.callingLocations.list().toArray({ limit: 1 });
    assert.ok(callingLocation !== undefined);
    const calling = await admin.org.callingLocations.get(callingLocation.id);
    assert.equal(calling.id, callingLocation.id);
    assert.equal(calling.name, callingLocation.name);

    const location = await admin.org.locations.get(callingLocation.id);
    assert.equal(location.id, callingLocation.id);
  });

  test("detail of unknown queue is not found", async () => {
    const [queue] = await admin.org.callQueues.list().toArray({ limit: 1 });
    assert.ok(queue?.locationId !== undefined);
    const unknownId = queue.id.slice(0, -4) + (queue.id.endsWith("AAAA") ? "BBBB" : "AAAA");
    await assert.rejects(admin.org.callQueues.get(queue.locationId, unknownId), NotFoundError);
  });

  test("rejects bad paging values", () => {
    assert.throws(() => admin.org.numbers.list({ max: 0 }), InvalidInputError);
    assert.throws(() => admin.org.callQueues.list({ max: 2.5 }), /Invalid max 2.5/);
    assert.throws(() => admin.org.huntGroups.list({ start: -1 }), /Invalid start -1/);
    assert.throws(() => admin.org.locations.list({ max: -3 }), InvalidInputError);
  });

  test("rejects empty ids", async () => {
    await assert.rejects(admin.org.callQueues.get("", "x"), /Invalid location id/);
    await assert.rejects(admin.org.huntGroups.get("x", " "), /Invalid hunt group id/);
    await assert.rejects(admin.org.callingLocations.get(""), InvalidInputError);
  });

  test("partner lists each org's own data", async () => {
    const partner = await connectTo(emulator, emulator.tokens.partnerAdmin);
    const [first, second] = emulator.orgs.customers;
    assert.ok(first !== undefined);
    assert.ok(second !== undefined);

    for (const org of [first, second]) {
      const scoped = partner.forOrg(org.id);
      const locationIds = new Set((await scoped.callingLocations.list().toArray()).map((location) => location.id));
      const numbers = await scoped.numbers.list().toArray();
      const expected = await fetchAll(emulator, emulator.tokens.partnerAdmin, "/telephony/config/numbers", "phoneNumbers", org.id);
      assert.deepEqual(numbers, expected);
      for (const number of numbers) {
        assert.ok(locationIds.has(number.location?.id ?? ""), `number ${number.phoneNumber} is in a location of another org`);
      }
    }
  });
});
