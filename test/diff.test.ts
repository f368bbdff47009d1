import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { areEqualValues, diffFields, diffObjectStreams, diffSources, isEmptyDiff, parseIgnoreFields } from "../src/jobs/diff.js";
import { compareObjectIds } from "../src/jobs/snapshot-source.js";
import { InvalidInputError } from "../src/transport/errors.js";
import { location, memorySource, person } from "./helpers/snapshot-fixtures.js";

function stored(id: string, value: Record<string, unknown> = {}) {
  return { id, value: { id, ...value } };
}

describe("diffFields", () => {
  test("reports a changed top-level field", () => {
    assert.deepEqual(diffFields({ name: "a", x: 1 }, { name: "b", x: 1 }), [{ path: "name", before: "a", after: "b" }]);
  });

  test("names nested fields with dots", () => {
    const before = { address: { city: "Springfield", postalCode: "62701" } };
    const after = { address: { city: "Shelbyville", postalCode: "62701" } };
    assert.deepEqual(diffFields(before, after), [{ path: "address.city", before: "Springfield", after: "Shelbyville" }]);
  });

  test("marks added and removed fields by the missing side", () => {
    const changes = diffFields({ title: "Engineer" }, { department: "Sales" });
    assert.deepEqual(changes, [
      { path: "department", after: "Sales" },
      { path: "title", before: "Engineer" },
    ]);
    assert.equal(Object.hasOwn(changes[0] ?? {}, "before"), false);
    assert.equal(Object.hasOwn(changes[1] ?? {}, "after"), false);
  });

  test("compares arrays as one value", () => {
    const changes = diffFields({ licenses: ["a", "b"] }, { licenses: ["a", "c"] });
    assert.deepEqual(changes, [{ path: "licenses", before: ["a", "b"], after: ["a", "c"] }]);
  });

  test("ignores array order", () => {
    assert.deepEqual(diffFields({ licenses: ["a", "b"], phoneNumbers: [{ type: "work", value: "1" }, { value: "2", type: "mobile" }] }, {
      licenses: ["b", "a"],
      phoneNumbers: [{ type: "mobile", value: "2" }, { value: "1", type: "work" }],
    }), []);
  });

  test("counts repeated array elements", () => {
    assert.equal(areEqualValues(["a", "a", "b"], ["a", "b", "b"]), false);
  });

  test("tells null from a missing field", () => {
    assert.deepEqual(diffFields({ managerId: null }, {}), [{ path: "managerId", before: null }]);
  });

  test("reports an object replaced by a scalar", () => {
    assert.deepEqual(diffFields({ address: { city: "x" } }, { address: "x" }), [{ path: "address", before: { city: "x" }, after: "x" }]);
  });

  test("skips ignored paths and what is under them", () => {
    const before = { lastActivity: "1", address: { city: "a", state: "IL" }, name: "n" };
    const after = { lastActivity: "2", address: { city: "b", state: "WI" }, name: "n" };
    assert.deepEqual(diffFields(before, after, ["lastActivity", "address.city"]), [{ path: "address.state", before: "IL", after: "WI" }]);
    assert.deepEqual(diffFields(before, after, ["lastActivity", "address"]), []);
  });
});

describe("diffObjectStreams", () => {
  test("finds added, removed and changed objects", async () => {
    const before = [stored("a"), stored("b", { name: "old" }), stored("c")];
    const after = [stored("b", { name: "new" }), stored("c"), stored("d", { name: "Dee" })];
    const diff = await diffObjectStreams("locations", before, after);

    assert.deepEqual(diff.removed.map((object) => object.id), ["a"]);
    assert.deepEqual(diff.added, [{ id: "d", name: "Dee", object: { id: "d", name: "Dee" } }]);
    assert.deepEqual(diff.changed, [{ id: "b", name: "new", fields: [{ path: "name", before: "old", after: "new" }] }]);
    assert.equal(diff.unchanged, 1);
  });

  test("handles an empty side", async () => {
    const diff = await diffObjectStreams("people", [], [stored("a"), stored("b")]);
    assert.equal(diff.added.length, 2);
    assert.equal(diff.removed.length, 0);

    const reverse = await diffObjectStreams("people", [stored("a")], []);
    assert.equal(reverse.removed.length, 1);
  });

  test("reads async streams", async () => {
    async function* objects(...ids: string[]) {
      for (const id of ids) {
        yield stored(id);
      }
    }
    const diff = await diffObjectStreams("people", objects("a", "b"), objects("b", "c"));
    assert.deepEqual([diff.removed.length, diff.added.length, diff.unchanged], [1, 1, 1]);
  });

  test("rejects ids out of order", async () => {
    await assert.rejects(diffObjectStreams("people", [stored("b"), stored("a")], []), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /older snapshot lists people out of id order \("b" before "a"\)/);
      return true;
    });
  });

  test("rejects a repeated id", async () => {
    await assert.rejects(diffObjectStreams("people", [], [stored("a"), stored("a")]), /newer snapshot lists people out of id order/);
  });
});

describe("compareObjectIds", () => {
  test("matches UTF-8 byte order", () => {
    const ids = ["b", "a", "\u{1F600}", "\uFFFD", "ab", "A", "é"];
    const byBytes = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual([...ids].sort(compareObjectIds), byBytes);
  });
});

describe("diffSources", () => {
  test("compares only kinds of both sides", async () => {
    const springfield = location("Springfield");
    const alice = person("Alice Adams");
    const before = memorySource({ locations: [springfield] });
    const after = memorySource({ locations: [springfield], people: [alice] });

    const diff = await diffSources(before, after);
    assert.deepEqual(Object.keys(diff.byKind), ["locations"]);
    assert.equal(diff.byKind.locations?.unchanged, 1);
    assert.deepEqual(diff.notCompared, [{ kind: "people", from: "missing", to: "complete", reason: "not in the older snapshot (backed up with --kinds)" }]);
    assert.equal(isEmptyDiff(diff), true);
  });

  test("skips kinds incomplete on a side", async () => {
    const objects = { people: [person("Alice Adams")], locations: [location("Springfield")] };
    const diff = await diffSources(memorySource(objects), memorySource({ ...objects, people: [] }, ["people"]), {}, { from: "snapshot 4", to: "snapshot 5" });
    assert.deepEqual(Object.keys(diff.byKind), ["locations"]);
    assert.deepEqual(diff.notCompared, [
      { kind: "people", from: "complete", to: "incomplete", reason: "incomplete in snapshot 5 (its backup of the kind did not finish)" },
    ]);
  });

  test("names both sides of a skipped kind", async () => {
    const diff = await diffSources(memorySource({ people: [] }, ["people"]), memorySource({}), {}, { from: "snapshot 4", to: "snapshot 5" });
    assert.deepEqual(diff.notCompared.map((skipped) => skipped.reason), [
      "incomplete in snapshot 4 (its backup of the kind did not finish) and not in snapshot 5 (backed up with --kinds)",
    ]);
  });

  test("compares an empty complete kind", async () => {
    const diff = await diffSources(memorySource({ people: [] }), memorySource({ people: [person("Alice Adams")] }));
    assert.deepEqual(diff.notCompared, []);
    assert.equal(diff.byKind.people?.added[0]?.name, "Alice Adams");
  });

  test("applies ignore rules per kind", async () => {
    const alice = person("Alice Adams", { lastActivity: "2026-01-01T00:00:00.000Z" });
    const later = { ...alice, lastActivity: "2026-01-02T00:00:00.000Z" };
    const springfield = location("Springfield");
    const moved = { ...springfield, lastActivity: "changed" };

    const diff = await diffSources(memorySource({ people: [alice], locations: [springfield] }), memorySource({ people: [later], locations: [moved] }), {
      ignoreFields: ["people:lastActivity"],
    });
    assert.equal(diff.byKind.people?.changed.length, 0);
    assert.equal(diff.byKind.locations?.changed.length, 1);
  });

  test("finds no change between equal sources", async () => {
    const objects = { people: [person("Alice Adams")], locations: [location("Springfield")] };
    assert.equal(isEmptyDiff(await diffSources(memorySource(objects), memorySource(objects))), true);
  });
});

describe("parseIgnoreFields", () => {
  test("groups rules by kind", () => {
    assert.deepEqual(
      [...parseIgnoreFields(["people:lastActivity", "people:status", "locations:address.city"])],
      [
        ["people", ["lastActivity", "status"]],
        ["locations", ["address.city"]],
      ],
    );
  });

  test("rejects an unknown kind", async () => {
    const source = memorySource({ people: [] });
    await assert.rejects(diffSources(source, source, { ignoreFields: ["bogus:x"] }), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /^Invalid ignored field "bogus:x": bogus is not a kind\. The kinds are people, licenses, locations, /);
      return true;
    });
  });

  test("accepts a backup kind absent from both sides", async () => {
    const source = memorySource({ people: [] });
    const diff = await diffSources(source, source, { ignoreFields: ["numbers:owner"] });
    assert.deepEqual(Object.keys(diff.byKind), ["people"]);
  });

  test("accepts a kind of a source only", async () => {
    const source = memorySource({ devices: [{ id: "d1" }] });
    const diff = await diffSources(source, source, { ignoreFields: ["devices:lastSeen"] });
    assert.deepEqual(Object.keys(diff.byKind), ["devices"]);
  });

  test("rejects a rule without a kind", () => {
    for (const rule of ["lastActivity", ":lastActivity", "people:"]) {
      assert.throws(() => parseIgnoreFields([rule]), /expected KIND:PATH/);
    }
  });
});
