import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StaticTokenProvider } from "../src/auth/token-provider.js";
import { ServerError, WebexApiError } from "../src/transport/errors.js";
import { findNextLink, paginate } from "../src/transport/paginate.js";
import { Transport } from "../src/transport/request.js";
import { createFakeClock, createScriptedFetch, type ScriptedStep } from "./helpers/sdk-fakes.js";

const BASE = "https://webex.test/v1";

function transportWith(steps: ScriptedStep[]) {
  const fetch = createScriptedFetch(steps);
  const clock = createFakeClock();
  const transport = new Transport({
    baseUrl: BASE,
    tokenProvider: new StaticTokenProvider("paginate-test-token-0001"),
    fetch,
    sleep: clock.sleep,
    now: clock.now,
  });
  return { transport, fetch };
}

function page(items: unknown[], next?: string): ScriptedStep {
  return { status: 200, body: { items }, headers: next === undefined ? {} : { link: `<${next}>; rel="next"` } };
}

describe("findNextLink", () => {
  test("reads the Webex form", () => {
    assert.equal(findNextLink(`<${BASE}/people?max=2&cursor=abc>; rel="next"`), `${BASE}/people?max=2&cursor=abc`);
  });

  test("picks next among several links", () => {
    const header = `<${BASE}/a?x=1>; rel="first", <${BASE}/a?x=3>; rel="next", <${BASE}/a?x=0>; rel="prev"`;
    assert.equal(findNextLink(header), `${BASE}/a?x=3`);
  });

  test("accepts unquoted and multi-valued rel", () => {
    assert.equal(findNextLink(`<${BASE}/a>;rel=next`), `${BASE}/a`);
    assert.equal(findNextLink(`<${BASE}/b>; title="x"; rel="next last"`), `${BASE}/b`);
    assert.equal(findNextLink(`<${BASE}/c>; REL="NEXT"`), `${BASE}/c`);
  });

  test("keeps commas inside the URL", () => {
    assert.equal(findNextLink(`<${BASE}/people?id=a,b,c>; rel="next"`), `${BASE}/people?id=a,b,c`);
  });

  test("ignores other relations", () => {
    assert.equal(findNextLink(`<${BASE}/a>; rel="prev", <${BASE}/b>; rel="nextpage"`), undefined);
    assert.equal(findNextLink(""), undefined);
    assert.equal(findNextLink(null), undefined);
    assert.equal(findNextLink("garbage without brackets"), undefined);
  });

  test("runs in linear time on pathological input", () => {
    const inputs = [
      "<".repeat(200_000),
      `<${"a".repeat(200_000)}`,
      `<a>${";".repeat(200_000)}`,
      `<a>; rel=${" ".repeat(200_000)}x`,
      "<a>;".repeat(50_000),
      `${"<>".repeat(100_000)}; rel="next"`,
    ];
    for (const input of inputs) {
      const startedAt = performance.now();
      findNextLink(input);
      const elapsedMs = performance.now() - startedAt;
      assert.ok(elapsedMs < 500, `took ${elapsedMs.toFixed(0)} ms on an input of ${input.length} characters`);
    }
  });
});

describe("paginate", () => {
  test("follows next links in order", async () => {
    const { transport, fetch } = transportWith([page([1, 2], `${BASE}/things?cursor=2`), page([3], `${BASE}/things?cursor=3`), page([4])]);
    const items = await paginate<number>(transport, { method: "GET", path: "/things", query: { max: 2 } }, "items").toArray();
    assert.deepEqual(items, [1, 2, 3, 4]);
    assert.deepEqual(
      fetch.requests.map((request) => request.url),
      [`${BASE}/things?max=2`, `${BASE}/things?cursor=2`, `${BASE}/things?cursor=3`],
    );
  });

  test("fetches pages only when asked", async () => {
    const { transport, fetch } = transportWith([page([1, 2], `${BASE}/things?cursor=2`), page([3])]);
    const iterator = paginate<number>(transport, { method: "GET", path: "/things" }, "items")[Symbol.asyncIterator]();
    assert.equal(fetch.requests.length, 0);
    assert.deepEqual(await iterator.next(), { value: 1, done: false });
    assert.deepEqual(await iterator.next(), { value: 2, done: false });
    assert.equal(fetch.requests.length, 1);
    assert.deepEqual(await iterator.next(), { value: 3, done: false });
    assert.equal(fetch.requests.length, 2);
  });

  test("stops fetching after an early break", async () => {
    const { transport, fetch } = transportWith([page([1, 2], `${BASE}/things?cursor=2`), page([3])]);
    for await (const item of paginate<number>(transport, { method: "GET", path: "/things" }, "items")) {
      if (item === 1) {
        break;
      }
    }
    assert.equal(fetch.requests.length, 1);
  });

  test("toArray honours the limit", async () => {
    const { transport, fetch } = transportWith([page([1, 2], `${BASE}/things?cursor=2`), page([3])]);
    assert.deepEqual(await paginate<number>(transport, { method: "GET", path: "/things" }, "items").toArray({ limit: 2 }), [1, 2]);
    assert.equal(fetch.requests.length, 1);
  });

  test("skips empty pages", async () => {
    const { transport } = transportWith([page([], `${BASE}/things?cursor=2`), page([7])]);
    assert.deepEqual(await paginate<number>(transport, { method: "GET", path: "/things" }, "items").toArray(), [7]);
  });

  test("reads the endpoint's array key", async () => {
    const { transport } = transportWith([{ status: 200, body: { phoneNumbers: ["+1"], count: {} } }]);
    assert.deepEqual(await paginate<string>(transport, { method: "GET", path: "/telephony/config/numbers" }, "phoneNumbers").toArray(), ["+1"]);
  });

  test("pages carry headers", async () => {
    const { transport } = transportWith([page([1], `${BASE}/things?cursor=2`), page([2])]);
    const pages = [];
    for await (const one of paginate<number>(transport, { method: "GET", path: "/things" }, "items").pages()) {
      pages.push(one);
    }
    assert.equal(pages.length, 2);
    assert.equal(pages[0]?.headers.get("link"), `<${BASE}/things?cursor=2>; rel="next"`);
    assert.equal(pages[1]?.url, `${BASE}/things?cursor=2`);
  });

  test("rejects a page without the array", async () => {
    const { transport } = transportWith([{ status: 200, body: { things: [] } }]);
    await assert.rejects(paginate(transport, { method: "GET", path: "/things" }, "items").toArray(), (error: unknown) => {
      assert.ok(error instanceof WebexApiError);
      assert.match(error.message, /Page 1 of GET .*\/things has no "items" array/);
      return true;
    });
  });

  test("rejects a link to another origin", async () => {
    const { transport, fetch } = transportWith([page([1], "https://elsewhere.test/v1/things?cursor=2"), page([2])]);
    await assert.rejects(paginate(transport, { method: "GET", path: "/things" }, "items").toArray(), /leaves https:\/\/webex\.test/);
    assert.equal(fetch.requests.length, 1);
  });

  test("rejects a link loop", async () => {
    const { transport } = transportWith([page([1], `${BASE}/things?cursor=2`), page([2], `${BASE}/things`)]);
    await assert.rejects(paginate(transport, { method: "GET", path: "/things" }, "items").toArray(), /links back to an earlier page/);
  });

  test("raises a failed page instead of ending early", async () => {
    const failure: ScriptedStep = { status: 500, body: { message: "boom", errors: [], trackingId: "T500" } };
    const { transport } = transportWith([page([1], `${BASE}/things?cursor=2`), failure]);
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const item of paginate<number>(transport, { method: "GET", path: "/things" }, "items")) {
          seen.push(item);
        }
      })(),
      ServerError,
    );
    assert.deepEqual(seen, [1]);
  });
});
