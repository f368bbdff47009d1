/**
 * Contract tests of the emulator's Webex Calling data over raw HTTP: the telephony lists and
 * their array keys, offset paging and caps, details, the partner token across customer orgs,
 * data changes and seeded audit findings.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { decodeId } from "../src/ids.js";
import { startEmulator, type Emulator, type EmulatorOptions } from "../src/emulator/index.js";
import { call, nextLink } from "./helpers/emulator-client.js";
import { captureApi, compareCaptures, sortChanges, walkList } from "./helpers/emulator-calling-client.js";

const running: Emulator[] = [];

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ people: 300, ...options });
  running.push(emulator);
  return emulator;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
});

/** Reads one page and checks it succeeded. */
async function getOk(emulator: Emulator, path: string, token = emulator.tokens.customerAdmin): Promise<any> {
  const response = await call(emulator, "GET", path, { token });
  assert.equal(response.status, 200, `GET ${path}: ${JSON.stringify(response.body)}`);
  return response;
}

const LISTS = [
  { path: "/telephony/config/locations", key: "locations" },
  { path: "/telephony/config/numbers", key: "phoneNumbers" },
  { path: "/telephony/config/queues", key: "queues" },
  { path: "/telephony/config/huntGroups", key: "huntGroups" },
  { path: "/telephony/config/autoAttendants", key: "autoAttendants" },
  { path: "/telephony/config/queues/agents", key: "agents" },
] as const;

describe("telephony lists", () => {
  test("use their array keys", async () => {
    const emulator = await start();
    for (const { path, key } of LISTS) {
      const page = await getOk(emulator, path);
      assert.ok(Array.isArray(page.body[key]), `${path} has "${key}"`);
      assert.ok(page.body[key].length > 0, `${path} is not empty`);
      assert.equal(page.body.items, undefined, `${path} has no "items"`);
    }
  });

  test("need the telephony read scope", async () => {
    const emulator = await start();
    const token = emulator.createPersonalToken({ org: "customer", role: "full_admin", scopes: ["spark-admin:people_read"] });
    const denied = await call(emulator, "GET", "/telephony/config/numbers", { token });
    assert.equal(denied.status, 403);
    assert.match(denied.body.message, /spark-admin:telephony_config_read/);
    const user = emulator.createPersonalToken({ org: "customer" });
    assert.equal((await call(emulator, "GET", "/telephony/config/queues", { token: user })).status, 403);
    assert.equal((await call(emulator, "GET", "/telephony/config/queues")).status, 401);
  });

  test("list calling locations only", async () => {
    const emulator = await start();
    const all = (await getOk(emulator, "/locations")).body.items;
    const calling = (await getOk(emulator, "/telephony/config/locations")).body.locations;
    assert.ok(calling.length >= 2);
    assert.equal(all.length, calling.length + 1, "one location has no Webex Calling");
    for (const location of calling) {
      assert.ok(all.some((item: any) => item.id === location.id));
      assert.match(location.routingPrefix, /^\d+$/);
      assert.equal(typeof location.callingLineId.name, "string");
      assert.equal(location.e911SetupRequired, false);
    }
  });
});

describe("offset paging", () => {
  test("walks numbers across pages", async () => {
    const emulator = await start();
    const token = emulator.tokens.customerAdmin;
    const whole = await walkList(emulator, "/telephony/config/numbers", token, "phoneNumbers");
    assert.equal(whole.pages, 1);
    const paged = await walkList(emulator, "/telephony/config/numbers?max=7", token, "phoneNumbers");
    assert.deepEqual(paged.items, whole.items);
    assert.equal(paged.pages, Math.ceil(whole.items.length / 7));
    paged.links.forEach((link, index) => {
      const url = new URL(link);
      assert.ok(link.startsWith(emulator.url), "next link is absolute and on the emulator host");
      assert.equal(url.searchParams.get("start"), String(7 * (index + 1)));
      assert.equal(url.searchParams.get("max"), "7");
    });
  });

  test("start picks an offset", async () => {
    const emulator = await start();
    const whole = (await getOk(emulator, "/telephony/config/numbers")).body.phoneNumbers;
    const page = await getOk(emulator, "/telephony/config/numbers?start=5&max=3");
    assert.deepEqual(page.body.phoneNumbers, whole.slice(5, 8));
    const last = await getOk(emulator, `/telephony/config/numbers?start=${whole.length - 2}&max=5`);
    assert.equal(last.body.phoneNumbers.length, 2);
    assert.equal(nextLink(last), undefined);
    const beyond = await getOk(emulator, `/telephony/config/numbers?start=${whole.length + 10}`);
    assert.deepEqual(beyond.body.phoneNumbers, []);
  });

  test("start counts matching objects", async () => {
    const emulator = await start();
    const token = emulator.tokens.customerAdmin;
    const people = (await walkList(emulator, "/telephony/config/numbers?ownerType=PEOPLE", token, "phoneNumbers")).items;
    const paged = await walkList(emulator, "/telephony/config/numbers?ownerType=PEOPLE&max=10", token, "phoneNumbers");
    assert.deepEqual(paged.items, people);
    assert.ok(paged.links.every((link) => new URL(link).searchParams.get("ownerType") === "PEOPLE"), "links keep the filter");
  });

  test("walks every feature list", async () => {
    const emulator = await start({ people: 1500 });
    const token = emulator.tokens.customerAdmin;
    for (const { path, key } of LISTS) {
      const whole = (await getOk(emulator, path)).body[key];
      const paged = await walkList(emulator, `${path}?max=2`, token, key);
      assert.deepEqual(paged.items, whole, path);
      assert.equal(paged.pages, Math.ceil(whole.length / 2), path);
    }
  });

  test("caps max per endpoint", async () => {
    const emulator = await start({ people: 3000 });
    const token = emulator.tokens.customerAdmin;
    const whole = await walkList(emulator, "/telephony/config/numbers", token, "phoneNumbers");
    assert.ok(whole.items.length > 2000, `the org has ${whole.items.length} numbers`);
    const first = await getOk(emulator, "/telephony/config/numbers");
    assert.equal(first.body.phoneNumbers.length, 2000, "default page size");
    const capped = await getOk(emulator, "/telephony/config/numbers?max=5000");
    assert.equal(capped.body.phoneNumbers.length, 2000, "max above the cap");
    const link = new URL(nextLink(capped) ?? "");
    assert.equal(link.searchParams.get("start"), "2000");
    assert.equal(link.searchParams.get("max"), "2000");

    const agents = await walkList(emulator, "/telephony/config/queues/agents", token, "agents");
    assert.ok(agents.items.length > 0);
    assert.equal((await getOk(emulator, "/telephony/config/queues/agents")).body.agents.length, Math.min(100, agents.items.length), "default page size");
  });

  test("rejects invalid max and start", async () => {
    const emulator = await start();
    for (const query of ["max=0", "max=abc", "start=-1", "start=1.5"]) {
      const response = await call(emulator, "GET", `/telephony/config/queues?${query}`, { token: emulator.tokens.customerAdmin });
      assert.equal(response.status, 400, query);
      assert.equal(typeof response.body.message, "string");
    }
  });
});

describe("numbers", () => {
  test("match the people's calling data", async () => {
    const emulator = await start();
    const token = emulator.tokens.customerAdmin;
    const people = (await walkList(emulator, "/people?callingData=true&max=100", token, "items")).items;
    const rows = (await walkList(emulator, "/telephony/config/numbers?ownerType=PEOPLE", token, "phoneNumbers")).items;
    const rowsByOwner = new Map(rows.map((row: any) => [row.owner.id, row]));
    assert.equal(rowsByOwner.size, rows.length, "one row per person");

    const callingUsers = people.filter((person: any) => person.locationId !== undefined);
    assert.ok(callingUsers.length > 50);
    for (const person of callingUsers) {
      const work = person.phoneNumbers.find((number: any) => number.type === "work")?.value;
      const row = rowsByOwner.get(person.id);
      if (person.extension === undefined && work === undefined) {
        assert.equal(row, undefined, `${person.displayName} has no line`);
        continue;
      }
      assert.ok(row, `${person.displayName} has a numbers row`);
      assert.equal(row.extension, person.extension);
      assert.equal(row.phoneNumber, work ?? "");
      assert.equal(row.location.id, person.locationId);
      assert.equal(row.owner.type, "PEOPLE");
      assert.equal(row.owner.lastName, person.lastName);
      if (person.extension !== undefined) {
        assert.equal(row.esn, `${row.routingPrefix}${person.extension}`);
      }
    }
    const calling = new Set(callingUsers.map((person: any) => person.id));
    assert.ok(rows.every((row: any) => calling.has(row.owner.id)), "every PEOPLE row belongs to a calling user");
  });

  test("filter by owner, state and type", async () => {
    const emulator = await start();
    const token = emulator.tokens.customerAdmin;
    const rows = (await walkList(emulator, "/telephony/config/numbers", token, "phoneNumbers")).items;
    const list = async (query: string) => (await walkList(emulator, `/telephony/config/numbers?${query}`, token, "phoneNumbers")).items;

    const available = await list("available=true");
    assert.ok(available.length > 0);
    assert.deepEqual(available, rows.filter((row: any) => row.phoneNumber !== "" && row.owner === undefined && !row.mainNumber));
    assert.deepEqual(await list("numberType=EXTENSION"), rows.filter((row: any) => row.phoneNumber === ""));
    assert.deepEqual(await list("state=INACTIVE"), rows.filter((row: any) => row.state === "INACTIVE" && row.phoneNumber !== ""));
    assert.deepEqual(await list("ownerType=CALL_QUEUE"), rows.filter((row: any) => row.owner?.type === "CALL_QUEUE"));

    const location = rows[0].location.id;
    assert.deepEqual(await list(`locationId=${location}`), rows.filter((row: any) => row.location.id === location));
    const extension = rows.find((row: any) => row.extension !== undefined).extension;
    assert.deepEqual(await list(`extension=${extension}`), rows.filter((row: any) => row.extension === extension));

    const conflict = await call(emulator, "GET", "/telephony/config/numbers?available=true&ownerType=PEOPLE", { token });
    assert.equal(conflict.status, 400);
    assert.equal((await call(emulator, "GET", "/telephony/config/numbers?ownerType=ROBOT", { token })).status, 400);
  });

  test("details=true counts the org", async () => {
    const emulator = await start();
    const token = emulator.tokens.customerAdmin;
    const rows = (await walkList(emulator, "/telephony/config/numbers", token, "phoneNumbers")).items;
    const page = await getOk(emulator, "/telephony/config/numbers?details=true&max=5");
    const count = page.body.count;
    assert.equal(count.total, rows.length);
    assert.equal(count.extensionOnly, rows.filter((row: any) => row.phoneNumber === "").length);
    assert.equal(count.unAssigned, rows.filter((row: any) => row.phoneNumber !== "" && !row.owner && !row.mainNumber).length);
    assert.equal(count.assigned + count.unAssigned + count.extensionOnly, count.total);
    assert.equal(page.body.phoneNumbers.length, 5);
  });
});

describe("details", () => {
  test("call queues carry their agents", async () => {
    const emulator = await start();
    const queues = (await getOk(emulator, "/telephony/config/queues")).body.queues;
    const agents = (await getOk(emulator, "/telephony/config/queues/agents?max=1000")).body.agents;
    const agentIds = new Set<string>();
    for (const queue of queues) {
      const detail = await getOk(emulator, `/telephony/config/locations/${queue.locationId}/queues/${queue.id}?hasCxEssentials=${queue.hasCxEssentials}`);
      for (const field of ["id", "name", "enabled", "hasCxEssentials", "extension", "phoneNumber"]) {
        assert.deepEqual(detail.body[field], queue[field], `${queue.name} ${field}`);
      }
      assert.ok(Array.isArray(detail.body.agents));
      assert.equal(typeof detail.body.callPolicies.policy, "string");
      assert.equal(typeof detail.body.queueSettings.queueSize, "number");
      for (const agent of detail.body.agents) {
        assert.equal(decodeId(agent.id)?.kind, "PEOPLE");
        agentIds.add(agent.id);
      }
    }
    assert.deepEqual(new Set(agents.map((agent: any) => agent.id)), agentIds, "the agents list has every queue agent");
  });

  test("Customer Assist queues need hasCxEssentials", async () => {
    const emulator = await start();
    const queues = (await getOk(emulator, "/telephony/config/queues")).body.queues;
    const cx = queues.find((queue: any) => queue.hasCxEssentials === true);
    assert.ok(cx, "the seed has a Customer Assist queue");
    const path = `/telephony/config/locations/${cx.locationId}/queues/${cx.id}`;
    assert.equal((await call(emulator, "GET", path, { token: emulator.tokens.customerAdmin })).status, 400);
    assert.equal((await getOk(emulator, `${path}?hasCxEssentials=true`)).body.id, cx.id);
    const onlyCx = (await getOk(emulator, "/telephony/config/queues?hasCxEssentials=true")).body.queues;
    assert.deepEqual(onlyCx, queues.filter((queue: any) => queue.hasCxEssentials));
  });

  test("hunt groups and auto attendants", async () => {
    const emulator = await start();
    const group = (await getOk(emulator, "/telephony/config/huntGroups")).body.huntGroups[1];
    const groupDetail = await getOk(emulator, `/telephony/config/locations/${group.locationId}/huntGroups/${group.id}`);
    assert.equal(groupDetail.body.name, group.name);
    assert.ok(groupDetail.body.agents.length > 0);
    assert.ok(groupDetail.body.agents.every((agent: any) => agent.routingPrefix !== undefined));

    const attendant = (await getOk(emulator, "/telephony/config/autoAttendants")).body.autoAttendants[0];
    const attendantDetail = await getOk(emulator, `/telephony/config/locations/${attendant.locationId}/autoAttendants/${attendant.id}`);
    assert.equal(attendantDetail.body.name, attendant.name);
    assert.equal(attendantDetail.body.tollFreeNumber, attendant.tollFreeNumber);
    assert.ok(Array.isArray(attendantDetail.body.businessHoursMenu.keyConfigurations));
  });

  test("calling location details", async () => {
    const emulator = await start();
    const location = (await getOk(emulator, "/telephony/config/locations")).body.locations[0];
    const detail = await getOk(emulator, `/telephony/config/locations/${location.id}`);
    assert.equal(detail.body.name, location.name);
    assert.equal(detail.body.routingPrefix, location.routingPrefix);
    assert.deepEqual(detail.body.callingLineId, location.callingLineId);
  });

  test("wrong location or id is 404", async () => {
    const emulator = await start();
    const token = emulator.tokens.customerAdmin;
    const [first, second] = (await getOk(emulator, "/telephony/config/huntGroups")).body.huntGroups;
    assert.notEqual(first.locationId, second.locationId);
    const wrongLocation = await call(emulator, "GET", `/telephony/config/locations/${second.locationId}/huntGroups/${first.id}`, { token });
    assert.equal(wrongLocation.status, 404);
    const queue = (await getOk(emulator, "/telephony/config/queues")).body.queues[0];
    const wrongKind = await call(emulator, "GET", `/telephony/config/locations/${first.locationId}/huntGroups/${queue.id}`, { token });
    assert.equal(wrongKind.status, 404);
    const otherOrg = await call(emulator, "GET", `/telephony/config/locations/${first.locationId}/huntGroups/${first.id}`, { token: emulator.tokens.developer });
    assert.equal(otherOrg.status, 404);
  });
});

describe("partner", () => {
  test("lists every customer org", async () => {
    const emulator = await start({ orgs: 4, customerOrgPeople: 30 });
    assert.equal(emulator.orgs.customers.length, 4);
    assert.equal(emulator.orgs.customers[0]?.id, emulator.orgs.customer.id);
    const orgs = (await getOk(emulator, "/organizations", emulator.tokens.partnerAdmin)).body.items;
    assert.deepEqual(
      orgs.map((org: any) => org.id),
      [emulator.orgs.partner.id, ...emulator.orgs.customers.map((org) => org.id)],
    );
    assert.equal(new Set(orgs.map((org: any) => org.displayName)).size, 5, "names are distinct");
    const own = (await getOk(emulator, "/organizations")).body.items;
    assert.deepEqual(own.map((org: any) => org.id), [emulator.orgs.customer.id]);
  });

  test("reads customer orgs with orgId", async () => {
    const emulator = await start({ orgs: 3, customerOrgPeople: 40 });
    const token = emulator.tokens.partnerAdmin;
    const third = emulator.orgs.customers[2]!;
    const people = (await walkList(emulator, `/people?orgId=${third.id}&max=100`, token, "items")).items;
    assert.equal(people.length, 40);
    assert.ok(people.every((person: any) => person.orgId === third.id));
    for (const { path, key } of LISTS) {
      const page = await getOk(emulator, `${path}?orgId=${third.id}`, token);
      assert.ok(page.body[key].length > 0, `${path} of the third org`);
    }
    const numbers = (await getOk(emulator, `/telephony/config/numbers?orgId=${third.id}&ownerType=PEOPLE`, token)).body.phoneNumbers;
    const personIds = new Set(people.map((person: any) => person.id));
    assert.ok(numbers.every((row: any) => personIds.has(row.owner.id)), "numbers belong to that org's people");

    const queue = (await getOk(emulator, `/telephony/config/queues?orgId=${third.id}`, token)).body.queues[0];
    const detail = await getOk(emulator, `/telephony/config/locations/${queue.locationId}/queues/${queue.id}?orgId=${third.id}&hasCxEssentials=${queue.hasCxEssentials}`, token);
    assert.equal(detail.body.id, queue.id);
    assert.equal((await getOk(emulator, `/people/${people[3].id}`, token)).body.id, people[3].id);
    assert.equal((await getOk(emulator, `/organizations/${third.id}`, token)).body.displayName, third.displayName);
    const license = (await getOk(emulator, `/licenses?orgId=${third.id}`, token)).body.items[0];
    assert.equal((await getOk(emulator, `/licenses/${license.id}`, token)).body.id, license.id);
  });

  test("other admins cannot use orgId", async () => {
    const emulator = await start({ orgs: 2, customerOrgPeople: 10 });
    const second = emulator.orgs.customers[1]!;
    for (const path of ["/people", "/licenses", "/telephony/config/numbers", "/telephony/config/queues"]) {
      const response = await call(emulator, "GET", `${path}?orgId=${second.id}`, { token: emulator.tokens.customerAdmin });
      assert.equal(response.status, 403, path);
    }
    const partnerOwn = await call(emulator, "GET", `/people?orgId=${emulator.orgs.developer.id}`, { token: emulator.tokens.partnerAdmin });
    assert.equal(partnerOwn.status, 403, "the developer org is not a customer of the partner");
  });
});

describe("mutate", () => {
  test("returns exactly the visible changes", async () => {
    const emulator = await start({ people: 120 });
    const token = emulator.tokens.customerAdmin;
    const orgId = emulator.orgs.customer.id;
    const before = await captureApi(emulator, token, orgId);
    const changes = emulator.mutate({ changes: 10, randomSeed: 42 });
    const after = await captureApi(emulator, token, orgId);

    const seen = compareCaptures(before, after);
    const reported = sortChanges(changes.map(({ orgId: changeOrg, ...change }) => {
      assert.equal(changeOrg, orgId);
      return change.fields ? { ...change, fields: [...change.fields].sort() } : change;
    }));
    assert.deepEqual(reported, seen);
    const kinds = new Set(changes.map((change) => change.kind));
    assert.ok(kinds.size >= 4, `changes touch ${[...kinds].join(", ")}`);
    assert.ok(changes.some((change) => change.change === "added"));
    assert.ok(changes.some((change) => change.change === "removed"));
    assert.ok(changes.some((change) => change.change === "changed"));
  });

  test("works in a partner customer org", async () => {
    const emulator = await start({ orgs: 2, customerOrgPeople: 60 });
    const token = emulator.tokens.partnerAdmin;
    const orgId = emulator.orgs.customers[1]!.id;
    const untouched = await captureApi(emulator, token, emulator.orgs.customer.id);
    const before = await captureApi(emulator, token, orgId);
    const changes = emulator.mutate({ orgId, changes: 5, randomSeed: 7 });
    const after = await captureApi(emulator, token, orgId);
    assert.deepEqual(sortChanges(changes.map(({ orgId: _org, ...change }) => ({ ...change, ...(change.fields ? { fields: [...change.fields].sort() } : {}) }))), compareCaptures(before, after));
    assert.deepEqual(compareCaptures(untouched, await captureApi(emulator, token, emulator.orgs.customer.id)), [], "other orgs stay as they were");
  });

  test("same seed gives the same changes", async () => {
    const first = await start({ people: 80 });
    const second = await start({ people: 80 });
    assert.deepEqual(first.mutate({ randomSeed: 3 }), second.mutate({ randomSeed: 3 }));
    assert.notDeepEqual(first.mutate(), first.mutate(), "calls without a seed differ");
  });

  test("rejects bad options", async () => {
    const emulator = await start({ people: 10 });
    assert.throws(() => emulator.mutate({ changes: 0 }), RangeError);
    assert.throws(() => emulator.mutate({ orgId: "nope" }), RangeError);
    assert.throws(() => emulator.mutate({ randomSeed: 1.5 }), RangeError);
  });
});

describe("data", () => {
  test("addPerson assigns a spare number", async () => {
    const emulator = await start();
    const token = emulator.tokens.customerAdmin;
    const spare = (await getOk(emulator, "/telephony/config/numbers?available=true&state=ACTIVE&max=1")).body.phoneNumbers[0];
    const licenses = (await getOk(emulator, "/licenses")).body.items;
    const pro = licenses.find((license: any) => license.name === "Webex Calling - Professional");

    const { id, changes } = emulator.data.addPerson({
      firstName: "Robin",
      lastName: "Test",
      licenses: [pro.id],
      calling: { locationId: spare.location.id, workNumber: spare.phoneNumber },
    });
    const person = (await getOk(emulator, `/people/${id}?callingData=true`)).body;
    assert.equal(person.locationId, spare.location.id);
    assert.match(person.extension, /^\d+$/);
    const row = (await getOk(emulator, `/telephony/config/numbers?phoneNumber=${encodeURIComponent(spare.phoneNumber)}`)).body.phoneNumbers[0];
    assert.equal(row.owner.id, id);
    assert.equal(row.extension, person.extension);
    const license = (await getOk(emulator, `/licenses/${pro.id}`)).body;
    assert.equal(license.consumedByUsers, pro.consumedByUsers + 1);
    assert.deepEqual(
      sortChanges(changes).map((change) => `${change.kind} ${change.change}`),
      ["licenses changed", "numbers changed", "people added"],
    );
    assert.equal((await call(emulator, "GET", "/people?email=robin.test@example-customer.example", { token })).body.items.length, 1);
  });

  test("removePerson frees the number", async () => {
    const emulator = await start();
    const row = (await getOk(emulator, "/telephony/config/numbers?ownerType=PEOPLE&numberType=NUMBER&max=1")).body.phoneNumbers[0];
    const before = (await getOk(emulator, `/people/${row.owner.id}`)).body;
    const licenses = (await getOk(emulator, "/licenses")).body.items;

    const changes = emulator.data.removePerson(row.owner.id);
    assert.equal((await call(emulator, "GET", `/people/${row.owner.id}`, { token: emulator.tokens.customerAdmin })).status, 404);
    const freed = (await getOk(emulator, `/telephony/config/numbers?phoneNumber=${encodeURIComponent(row.phoneNumber)}`)).body.phoneNumbers[0];
    assert.equal(freed.owner, undefined);
    assert.equal(freed.extension, undefined);
    for (const license of (await getOk(emulator, "/licenses")).body.items) {
      const old = licenses.find((item: any) => item.id === license.id);
      assert.equal(license.consumedByUsers, old.consumedByUsers - (before.licenses.includes(license.id) ? 1 : 0), license.name);
    }
    assert.ok(changes.some((change) => change.kind === "people" && change.change === "removed" && change.id === row.owner.id));
    assert.ok(changes.some((change) => change.kind === "numbers" && change.id === row.phoneNumber && change.change === "changed"));
  });

  test("updatePerson reports fields", async () => {
    const emulator = await start();
    const person = (await getOk(emulator, "/people?max=5")).body.items[4];
    const changes = emulator.data.updatePerson(person.id, { title: "Chief Auditor" });
    assert.deepEqual(changes, [{ orgId: emulator.orgs.customer.id, kind: "people", id: person.id, change: "changed", fields: ["lastModified", "title"] }]);
    assert.equal((await getOk(emulator, `/people/${person.id}`)).body.title, "Chief Auditor");
  });

  test("setLicense can overconsume", async () => {
    const emulator = await start();
    const license = (await getOk(emulator, "/licenses")).body.items.find((item: any) => item.consumedUnits > 3);
    const changes = emulator.data.setLicense(license.id, { totalUnits: license.consumedUnits - 3 });
    assert.deepEqual(changes.map((change) => change.fields), [["totalUnits"]]);
    const after = (await getOk(emulator, `/licenses/${license.id}`)).body;
    assert.ok(after.consumedUnits > after.totalUnits);
    assert.throws(() => emulator.data.setLicense(license.id, { totalUnits: -1 }), TypeError);
  });

  test("call features and locations", async () => {
    const emulator = await start();
    const location = (await getOk(emulator, "/telephony/config/locations")).body.locations[0];
    const { id, changes } = emulator.data.addCallFeature({ kind: "huntGroup", locationId: location.id, name: "Test Group" });
    assert.deepEqual(changes.map((change) => `${change.kind} ${change.change}`), ["numbers added", "huntGroups added"]);
    const detail = await getOk(emulator, `/telephony/config/locations/${location.id}/huntGroups/${id}`);
    assert.deepEqual(detail.body.agents, []);
    assert.deepEqual(emulator.data.updateCallFeature(id, { enabled: false }).map((change) => change.fields), [["enabled"]]);

    const removed = emulator.data.updateLocation(location.id, { mainNumber: null });
    assert.ok(removed.some((change) => change.kind === "callingLocations" && change.fields?.includes("callingLineId.phoneNumber")));
    const added = emulator.data.addLocation({ name: "Test Branch", city: "Denver" });
    assert.deepEqual(added.changes.map((change) => `${change.kind} ${change.change}`), ["locations added", "callingLocations added", "numbers added"]);
    assert.throws(() => emulator.data.removeLocation(location.id), /still has/);
    assert.deepEqual(emulator.data.removeLocation(added.id).map((change) => change.change), ["removed", "removed", "removed"]);
    assert.throws(() => emulator.data.removePerson("not-an-id"), RangeError);
  });
});

describe("seeded findings", () => {
  test("are present in the demo seed", async () => {
    const emulator = await start({ overConsumedLicense: true });
    const token = emulator.tokens.customerAdmin;
    const people = (await walkList(emulator, "/people?callingData=true&max=100", token, "items")).items;
    const licenses = (await getOk(emulator, "/licenses")).body.items;
    const numbers = (await walkList(emulator, "/telephony/config/numbers", token, "phoneNumbers")).items;
    const locations = (await getOk(emulator, "/telephony/config/locations")).body.locations;
    const groups = (await getOk(emulator, "/telephony/config/huntGroups")).body.huntGroups;
    const queues = (await getOk(emulator, "/telephony/config/queues")).body.queues;

    const callingLicenses = new Set(licenses.filter((license: any) => /^Webex Calling - (Professional|Basic)$/.test(license.name)).map((license: any) => license.id));
    const withoutLine = people.filter(
      (person: any) => person.licenses.some((id: string) => callingLicenses.has(id)) && person.extension === undefined && !person.phoneNumbers.some((number: any) => number.type === "work"),
    );
    assert.ok(withoutLine.length >= 1, "a calling user without number or extension");
    assert.ok(people.some((person: any) => person.licenses.length === 0), "a person without any license");
    assert.ok(licenses.some((license: any) => license.consumedUnits > license.totalUnits), "a license consumed beyond its total");
    assert.ok(numbers.some((row: any) => row.phoneNumber !== "" && row.owner === undefined && !row.mainNumber), "an unassigned number");
    assert.ok(locations.some((location: any) => location.callingLineId.phoneNumber === undefined), "a location without a main number");
    assert.ok(groups.some((group: any) => group.enabled === false), "a disabled hunt group");

    let emptyQueues = 0;
    for (const queue of queues) {
      const detail = await getOk(emulator, `/telephony/config/locations/${queue.locationId}/queues/${queue.id}?hasCxEssentials=${queue.hasCxEssentials}`);
      emptyQueues += detail.body.agents.length === 0 ? 1 : 0;
    }
    assert.ok(emptyQueues >= 1, "a queue without agents");

    const extensions = new Map<string, number>();
    for (const person of people.filter((item: any) => item.extension !== undefined)) {
      const key = `${person.locationId} ${person.extension}`;
      extensions.set(key, (extensions.get(key) ?? 0) + 1);
    }
    assert.ok([...extensions.values()].some((count) => count > 1), "a duplicate extension within a location");
  });

  test("licenses have free units by default", async () => {
    const emulator = await start();
    const licenses = (await getOk(emulator, "/licenses")).body.items;
    assert.ok(licenses.every((license: any) => license.totalUnits > license.consumedUnits));
  });
});

describe("scale", () => {
  test("seeds 100,000 people", async () => {
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const startedAt = performance.now();
    const emulator = await start({ people: 100_000 });
    const elapsedMs = performance.now() - startedAt;
    global.gc?.();
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    console.log(`# seeded 100,000 people in ${elapsedMs.toFixed(0)} ms, heap +${heapMb.toFixed(0)} MB`);

    const page = await getOk(emulator, "/people?max=1000");
    assert.equal(page.body.items.length, 1000);
    const numbers = await getOk(emulator, "/telephony/config/numbers?details=true&max=1");
    assert.ok(numbers.body.count.total > 60_000, `${numbers.body.count.total} numbers`);
    const locations = (await getOk(emulator, "/telephony/config/locations")).body.locations;
    assert.equal(locations.length, 40);
  });

  test("checks the counts", async () => {
    await assert.rejects(startEmulator({ orgs: 0 }), RangeError);
    await assert.rejects(startEmulator({ people: 1.5 }), RangeError);
    await assert.rejects(startEmulator({ customerOrgPeople: 0 }), RangeError);
  });
});
