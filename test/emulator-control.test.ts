/**
 * The emulator's control endpoint `POST /_emulator/mutate` over raw HTTP. It changes the data
 * as `Emulator.mutate()` does, takes no token and skips faults and the rate limit. It accepts
 * only JSON requests that name a loopback host.
 */
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { afterEach, describe, test } from "node:test";
import { startEmulator, type Emulator, type EmulatorOptions } from "../src/emulator/index.js";
import { call, type RawResponse } from "./helpers/emulator-client.js";

const running: Emulator[] = [];

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ people: 40, randomSeed: 5, ...options });
  running.push(emulator);
  return emulator;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
});

function controlUrl(emulator: Emulator, path = "/_emulator/mutate"): string {
  return `${new URL(emulator.url).origin}${path}`;
}

function mutate(emulator: Emulator, body: unknown): Promise<RawResponse> {
  return call(emulator, "POST", controlUrl(emulator), { json: body });
}

async function countPeople(emulator: Emulator): Promise<number> {
  const response = await call(emulator, "GET", "/people?max=1000", { token: emulator.tokens.customerAdmin });
  assert.equal(response.status, 200);
  return response.body.items.length;
}

/** Sends a POST with a chosen Host header, which fetch does not let a caller set. */
function postWithHost(url: string, host: string, body: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: "POST", headers: { host, "content-type": "application/json" } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

describe("emulator control endpoint", () => {
  test("mutate matches Emulator.mutate", async () => {
    const overHttp = await start();
    const inProcess = await start();
    const peopleBefore = await countPeople(overHttp);

    const response = await mutate(overHttp, { changes: 8, randomSeed: 21 });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.org, { id: overHttp.orgs.customer.id, displayName: overHttp.orgs.customer.displayName });
    assert.deepEqual(response.body.changes, inProcess.mutate({ changes: 8, randomSeed: 21 }));

    const people = response.body.changes.filter((change: { kind: string }) => change.kind === "people");
    const added = people.filter((change: { change: string }) => change.change === "added").length;
    const removed = people.filter((change: { change: string }) => change.change === "removed").length;
    assert.equal(await countPeople(overHttp), peopleBefore + added - removed);
  });

  test("mutate takes an org id", async () => {
    const emulator = await start({ orgs: 2 });
    const other = emulator.orgs.customers[1];
    assert.ok(other);
    const response = await mutate(emulator, { orgId: other.id, changes: 2 });
    assert.equal(response.status, 200);
    assert.equal(response.body.org.id, other.id);
    assert.ok(response.body.changes.length > 0);
    for (const change of response.body.changes) {
      assert.equal(change.orgId, other.id);
    }
  });

  test("control skips faults and rate limit", async () => {
    const emulator = await start({ rateLimit: { requestsPerSecond: 1 } });
    emulator.inject({ status: 500 });
    for (let index = 0; index < 3; index += 1) {
      assert.equal((await mutate(emulator, { changes: 1 })).status, 200);
    }
    // The injected fault is still queued for the first API request.
    const api = await call(emulator, "GET", "/people/me", { token: emulator.tokens.customerAdmin });
    assert.equal(api.status, 500);
  });

  test("control rejects bodies not sent as JSON", async () => {
    const emulator = await start();
    const response = await fetch(controlUrl(emulator), { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    assert.equal(response.status, 415);
    assert.match(((await response.json()) as { message: string }).message, /Content-Type: application\/json/);
  });

  test("control rejects a foreign Host header", async () => {
    const emulator = await start();
    const response = await postWithHost(controlUrl(emulator), "webex-emulator.example.com", "{}");
    assert.equal(response.status, 403);
    assert.match(response.body.message, /loopback host, such as 127\.0\.0\.1, in their Host header, not webex-emulator\.example\.com/);
  });

  test("mutate rejects invalid options", async () => {
    const emulator = await start();
    const cases: Array<[body: unknown, message: RegExp]> = [
      [{ change: 3 }, /Unknown field "change"/],
      [{ changes: 0 }, /changes must be a whole number from 1 to 10000, got 0/],
      [{ changes: 1.5 }, /changes must be a whole number/],
      [{ randomSeed: "seven" }, /randomSeed must be a whole number, got "seven"/],
      [{ orgId: 42 }, /orgId must be an org id string, got 42/],
      [{ orgId: "no-such-org" }, /orgId no-such-org names no org of this emulator/],
      [[1, 2], /must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const response = await mutate(emulator, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(response.body.message, message, JSON.stringify(body));
    }
  });

  test("unknown control path is 404", async () => {
    const emulator = await start();
    const response = await call(emulator, "POST", controlUrl(emulator, "/_emulator/reset"), { json: {} });
    assert.equal(response.status, 404);
    assert.match(response.body.errors[0].description, /No endpoint at POST \/_emulator\/reset/);
  });
});
