/** The live block of `wxadmin backup` progress, rendered from progress events. */
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { BackupProgressDisplay } from "../src/cli/commands/backup-progress.js";
import type { BackupProgressEvent, BackupUnitState } from "../src/jobs/backup.js";

function event(kind: string, state: BackupUnitState, pages: number): BackupProgressEvent {
  return { snapshotId: 3, orgId: "org-1", orgName: "Example Customer Inc.", kind, state, pages, items: pages * 100, rateLimitWaits: 0 };
}

test("live block keeps columns aligned", () => {
  const display = new BackupProgressDisplay(new PassThrough(), "off");
  const states: Array<[string, BackupUnitState]> = [
    ["people", "skipped"],
    ["licenses", "complete"],
    ["locations", "running"],
    ["numbers", "interrupted"],
    ["callQueues", "failed"],
    ["huntGroups", "pending"],
  ];
  for (const [kind, state] of states) {
    display.update(event(kind, state, 2));
  }

  const unitLines = display.renderLines().filter((line) => line.startsWith("  "));
  assert.equal(unitLines.length, states.length);
  const countColumns = unitLines.map((line) => line.indexOf("2 pages"));
  assert.equal(new Set(countColumns).size, 1, unitLines.join("\n"));
  assert.equal(unitLines[0], "  people      complete    2 pages, 200 items, 0 rate-limit waits (stored before the resume)");
  assert.equal(unitLines[3], "  numbers     interrupted 2 pages, 200 items, 0 rate-limit waits");
});
