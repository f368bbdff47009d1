import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeId, encodeId, isSameId, isUuid, isWebexId, rawId } from "../src/ids.js";

const ORG_UUID = "8fe9a48e-535d-4bee-a155-d7c0a8acbf09";
// The org id of the Webex spec examples: unpadded base64 of ciscospark://us/ORGANIZATION/<uuid>.
const ORG_ID = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi84ZmU5YTQ4ZS01MzVkLTRiZWUtYTE1NS1kN2MwYThhY2JmMDk";

describe("ids", () => {
  test("encodeId matches a Webex org id", () => {
    assert.equal(encodeId("ORGANIZATION", ORG_UUID), ORG_ID);
  });

  test("encodeId upper-cases the kind and strips padding", () => {
    const id = encodeId("people", "abc");
    assert.equal(id.endsWith("="), false);
    assert.deepEqual(decodeId(id), { cluster: "us", kind: "PEOPLE", id: "abc" });
  });

  test("encodeId uses another cluster", () => {
    assert.equal(decodeId(encodeId("LOCATION", "63715", "eu"))?.cluster, "eu");
  });

  test("decodeId reads an unpadded id", () => {
    assert.deepEqual(decodeId(ORG_ID), { cluster: "us", kind: "ORGANIZATION", id: ORG_UUID });
  });

  test("decodeId reads a padded id", () => {
    const padded = Buffer.from(`ciscospark://us/PEOPLE/${ORG_UUID}`).toString("base64");
    assert.match(padded, /=$/);
    assert.equal(decodeId(padded)?.id, ORG_UUID);
  });

  test("decodeId reads the URL-safe alphabet", () => {
    const standard = Buffer.from("ciscospark://us/HUNT_GROUP/a??b>>c").toString("base64");
    const urlSafe = standard.replace(/\+/g, "-").replace(/\//g, "_");
    assert.notEqual(standard, urlSafe);
    assert.equal(decodeId(urlSafe)?.id, "a??b>>c");
  });

  test("decodeId keeps slashes in the raw id", () => {
    assert.equal(decodeId(encodeId("HUNT_GROUP", "a/b"))?.id, "a/b");
  });

  test("decodeId rejects non-ids", () => {
    for (const value of ["", "short", ORG_UUID, "not base64 at all!", Buffer.from("https://example.com/x/y").toString("base64")]) {
      assert.equal(decodeId(value), undefined, value);
    }
  });

  test("isUuid accepts only bare UUIDs", () => {
    assert.equal(isUuid(ORG_UUID), true);
    assert.equal(isUuid(ORG_UUID.toUpperCase()), true);
    assert.equal(isUuid(ORG_ID), false);
    assert.equal(isUuid(`${ORG_UUID}x`), false);
  });

  test("isWebexId checks the kind", () => {
    assert.equal(isWebexId(ORG_ID), true);
    assert.equal(isWebexId(ORG_ID, "organization"), true);
    assert.equal(isWebexId(ORG_ID, "PEOPLE"), false);
    assert.equal(isWebexId(ORG_UUID), false);
  });

  test("isSameId compares padded and unpadded forms", () => {
    const padded = `${ORG_ID}=`;
    assert.equal(isSameId(ORG_ID, padded), true);
  });

  test("isSameId matches a UUID with its id", () => {
    assert.equal(isSameId(ORG_UUID, ORG_ID), true);
    assert.equal(isSameId(ORG_ID, ORG_UUID.toUpperCase()), true);
  });

  test("isSameId tells kinds apart", () => {
    assert.equal(isSameId(encodeId("PEOPLE", ORG_UUID), ORG_ID), false);
    assert.equal(isSameId(ORG_UUID, "8fe9a48e-535d-4bee-a155-000000000000"), false);
  });

  test("rawId unwraps ids and passes other values", () => {
    assert.equal(rawId(ORG_ID), ORG_UUID);
    assert.equal(rawId(ORG_UUID), ORG_UUID);
  });
});
