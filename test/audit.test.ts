import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { auditSource, chooseAuditSnapshot, describeUncheckedRules, type AuditResult, type Finding } from "../src/jobs/audit.js";
import { runCli } from "../src/cli/program.js";
import { SnapshotDb } from "../src/storage/snapshot-db.js";
import { craftedObjects, writeCraftedSnapshot } from "./helpers/crafted-snapshot.js";
import { isCallingUserLicense } from "../src/jobs/audit-rules.js";
import { escapeHtml, renderAuditHtml } from "../src/jobs/report-html.js";
import { callFeature, license, location, memorySource, number, ORG_ID, ownerOf, person, type KindObjects } from "./helpers/snapshot-fixtures.js";

const CALLING_KINDS = ["people", "licenses", "locations", "callingLocations", "numbers", "callQueues", "huntGroups", "autoAttendants"];

/** Audits `objects`, with an empty list for every calling kind not given. */
function audit(objects: KindObjects, incomplete: string[] = []): Promise<AuditResult> {
  const full: KindObjects = {};
  for (const kind of CALLING_KINDS) {
    full[kind] = objects[kind] ?? [];
  }
  return auditSource(memorySource({ ...full, ...objects }, incomplete));
}

function findingsOf(result: AuditResult, rule: string): Finding[] {
  return result.findings.filter((finding) => finding.rule === rule);
}

const springfield = location("Springfield");
const shelbyville = location("Shelbyville");
const callingPro = license("Webex Calling - Professional", 100, 3);
const messaging = license("Messaging", 500, 10);
const mainNumber = (place: Record<string, unknown>, phone: string) => number(phone, place, { mainNumber: true });

describe("audit rule license-over-consumed", () => {
  test("flags consumption above the total", async () => {
    const result = await audit({ licenses: [license("Webex Calling - Basic", 10, 12), messaging] });
    const [finding, ...rest] = findingsOf(result, "license-over-consumed");
    assert.equal(rest.length, 0);
    assert.equal(finding?.severity, "high");
    assert.equal(finding?.objectName, "Webex Calling - Basic");
    assert.match(finding?.message ?? "", /12 units consumed but only 10 bought \(2 over\)/);
    assert.match(finding?.fix ?? "", /Buy at least 2 more units/);
  });

  test("accepts consumption equal to the total", async () => {
    const result = await audit({ licenses: [license("Messaging", 10, 10)] });
    assert.equal(findingsOf(result, "license-over-consumed").length, 0);
  });

  test("sums users and workspaces without consumedUnits", async () => {
    const split = { id: "lic-split", name: "Webex Calling - Workspaces", totalUnits: 5, consumedByUsers: 0, consumedByWorkspaces: 6 };
    const result = await audit({ licenses: [split] });
    assert.equal(findingsOf(result, "license-over-consumed").length, 1);
    assert.deepEqual(result.licenses, [{ id: "lic-split", name: "Webex Calling - Workspaces", totalUnits: 5, consumedUnits: 6 }]);
  });
});

describe("audit rule calling-user-without-number", () => {
  test("flags a calling user with neither", async () => {
    const bare = person("Bea Bare", { licenses: [callingPro.id] });
    const result = await audit({ licenses: [callingPro], people: [bare] });
    const findings = findingsOf(result, "calling-user-without-number");
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.objectId, bare.id);
    assert.equal(findings[0]?.severity, "high");
    assert.match(findings[0]?.objectName ?? "", /^Bea Bare <bea\.bare@example\.test>$/);
  });

  test("accepts an extension, a work number or an owned number", async () => {
    const withExtension = person("Ed Ext", { licenses: [callingPro.id], extension: "1201", locationId: springfield.id });
    const withWork = person("Wendy Work", { licenses: [callingPro.id], phoneNumbers: [{ type: "work", value: "+12175550111" }] });
    const owner = person("Olga Owner", { licenses: [callingPro.id] });
    const owned = number("+12175550112", springfield, { owner: ownerOf(owner) });

    const result = await audit({ licenses: [callingPro], people: [withExtension, withWork, owner], numbers: [owned], locations: [springfield] });
    assert.deepEqual(findingsOf(result, "calling-user-without-number"), []);
  });

  test("does not count a mobile number", async () => {
    const mobileOnly = person("Mo Bile", { licenses: [callingPro.id], phoneNumbers: [{ type: "mobile", value: "+15555550100" }] });
    const result = await audit({ licenses: [callingPro], people: [mobileOnly] });
    assert.equal(findingsOf(result, "calling-user-without-number").length, 1);
  });

  test("ignores people without a calling license", async () => {
    const result = await audit({ licenses: [messaging], people: [person("Nora None", { licenses: [messaging.id] })] });
    assert.equal(findingsOf(result, "calling-user-without-number").length, 0);
  });
});

describe("audit rule number-unassigned", () => {
  test("flags a number without owner", async () => {
    const spare = number("+12175550199", springfield, { state: "INACTIVE" });
    const result = await audit({ numbers: [spare], locations: [springfield] });
    const [finding] = findingsOf(result, "number-unassigned");
    assert.equal(finding?.objectId, "+12175550199");
    assert.equal(finding?.severity, "low");
    assert.equal(finding?.message, "+12175550199 in Springfield is not assigned to a user, workspace or feature (state INACTIVE).");
  });

  test("accepts owned and main numbers", async () => {
    const alice = person("Alice Adams", { licenses: [messaging.id] });
    const numbers = [number("+12175550101", springfield, { owner: ownerOf(alice) }), mainNumber(springfield, "+12175550100")];
    const result = await audit({ numbers, people: [alice], licenses: [messaging] });
    assert.equal(findingsOf(result, "number-unassigned").length, 0);
  });

  test("ignores an extension-only entry", async () => {
    const result = await audit({ numbers: [number("", springfield, { extension: "1300" })] });
    assert.equal(findingsOf(result, "number-unassigned").length, 0);
  });
});

describe("audit rule person-without-license", () => {
  test("flags a person with no license", async () => {
    const result = await audit({ people: [person("Lee Less"), person("Ann Empty", { licenses: undefined })] });
    const findings = findingsOf(result, "person-without-license");
    assert.deepEqual(findings.map((finding) => finding.objectName), ["Ann Empty <ann.empty@example.test>", "Lee Less <lee.less@example.test>"]);
    assert.equal(findings[0]?.severity, "medium");
  });

  test("skips bots and app users", async () => {
    const result = await audit({ people: [person("Build Bot", { type: "bot" }), person("Audit App", { type: "appuser" })] });
    assert.equal(findingsOf(result, "person-without-license").length, 0);
  });
});

describe("audit rule location-without-main-number", () => {
  test("flags a calling location without one", async () => {
    const result = await audit({
      locations: [springfield, shelbyville],
      callingLocations: [springfield, shelbyville],
      numbers: [mainNumber(springfield, "+12175550100"), number("+12175550200", shelbyville, { owner: { id: "someone" } })],
    });
    const findings = findingsOf(result, "location-without-main-number");
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.objectId, shelbyville.id);
    assert.equal(findings[0]?.objectName, "Shelbyville");
    assert.equal(findings[0]?.kind, "callingLocations");
  });

  test("ignores locations without calling", async () => {
    const result = await audit({ locations: [springfield], callingLocations: [] });
    assert.equal(findingsOf(result, "location-without-main-number").length, 0);
  });
});

describe("audit rule call-queue and hunt-group", () => {
  test("flags disabled queues and hunt groups", async () => {
    const result = await audit({
      callQueues: [callFeature("CALL_QUEUE", "Support", springfield, { enabled: false, phoneNumber: "+12175550150" }), callFeature("CALL_QUEUE", "Sales", springfield)],
      huntGroups: [callFeature("HUNT_GROUP", "Front Desk", springfield, { enabled: false })],
    });
    assert.deepEqual(findingsOf(result, "call-queue-disabled").map((finding) => finding.objectName), ["Support"]);
    assert.deepEqual(findingsOf(result, "hunt-group-disabled").map((finding) => finding.objectName), ["Front Desk"]);
    assert.match(findingsOf(result, "call-queue-disabled")[0]?.message ?? "", /does not answer calls to \+12175550150/);
  });

  test("flags an empty agents list", async () => {
    const agent = { id: "agent-1", type: "PEOPLE" };
    const result = await audit({
      callQueues: [callFeature("CALL_QUEUE", "Support", springfield, { agents: [] }), callFeature("CALL_QUEUE", "Sales", springfield, { agents: [agent] })],
      huntGroups: [callFeature("HUNT_GROUP", "Front Desk", springfield, { agents: [] })],
    });
    assert.deepEqual(findingsOf(result, "call-queue-without-agents").map((finding) => finding.objectName), ["Support"]);
    assert.deepEqual(findingsOf(result, "hunt-group-without-agents").map((finding) => finding.objectName), ["Front Desk"]);
    assert.equal(findingsOf(result, "hunt-group-without-agents")[0]?.severity, "high");
    assert.equal(result.skippedRules.length, 0);
  });

  test("skips the agent rules without agent data", async () => {
    const result = await audit({ callQueues: [callFeature("CALL_QUEUE", "Support", springfield)] });
    assert.deepEqual(result.skippedRules.map((skipped) => skipped.rule), ["call-queue-without-agents"]);
    assert.match(result.skippedRules[0]?.reason ?? "", /no agent lists for callQueues/);
    assert.equal(result.rulesRun.includes("call-queue-without-agents"), false);
    assert.equal(result.rulesRun.includes("hunt-group-without-agents"), true);
  });
});

describe("audit rule duplicate-extension", () => {
  test("flags one extension on two owners", async () => {
    const alice = person("Alice Adams", { licenses: [callingPro.id], extension: "1101", locationId: springfield.id });
    const queue = callFeature("CALL_QUEUE", "Support", springfield, { extension: "1101" });
    const result = await audit({ people: [alice], callQueues: [queue], licenses: [callingPro], locations: [springfield] });
    const [finding, ...rest] = findingsOf(result, "duplicate-extension");
    assert.equal(rest.length, 0);
    assert.equal(finding?.objectId, springfield.id);
    assert.equal(finding?.objectName, "Springfield");
    assert.equal(finding?.message, "Extension 1101 in Springfield is used by 2 owners: Alice Adams <alice.adams@example.test>, Support.");
  });

  test("counts one owner seen in two lists once", async () => {
    const alice = person("Alice Adams", { licenses: [callingPro.id], extension: "1101", locationId: springfield.id });
    const listed = number("+12175550101", springfield, { extension: "1101", owner: ownerOf(alice) });
    const result = await audit({ people: [alice], numbers: [listed], licenses: [callingPro] });
    assert.equal(findingsOf(result, "duplicate-extension").length, 0);
  });

  test("allows one extension in two locations", async () => {
    const alice = person("Alice Adams", { licenses: [callingPro.id], extension: "1101", locationId: springfield.id });
    const bob = person("Bob Brown", { licenses: [callingPro.id], extension: "1101", locationId: shelbyville.id });
    const result = await audit({ people: [alice, bob], licenses: [callingPro] });
    assert.equal(findingsOf(result, "duplicate-extension").length, 0);
  });
});

describe("auditSource", () => {
  test("sorts findings by severity and counts them", async () => {
    const result = await audit({
      licenses: [license("Webex Calling - Basic", 1, 2)],
      people: [person("Lee Less")],
      numbers: [number("+12175550199", springfield)],
    });
    assert.deepEqual(result.findings.map((finding) => finding.severity), ["high", "medium", "low"]);
    assert.deepEqual(result.counts, { high: 1, medium: 1, low: 1 });
  });

  test("skips rules of an incomplete kind", async () => {
    const result = await audit({ people: [person("Lee Less")] }, ["numbers"]);
    const skipped = result.skippedRules.map((rule) => rule.rule);
    assert.deepEqual(skipped, ["location-without-main-number", "duplicate-extension", "number-unassigned"]);
    assert.match(result.skippedRules[0]?.reason ?? "", /no complete backup of numbers/);
    assert.equal(findingsOf(result, "person-without-license").length, 1);
  });

  test("summarizes unchecked rules", async () => {
    const result = await auditSource(memorySource({ licenses: [callingPro] }));
    assert.equal(result.skippedRules.length, 9);
    assert.deepEqual(result.skippedRules.find((rule) => rule.rule === "number-unassigned")?.missingKinds, ["numbers"]);
    assert.equal(describeUncheckedRules(result), "9 of 10 rules not checked (missing kinds: people, callingLocations, numbers, callQueues, huntGroups, autoAttendants)");
  });

  test("summarizes missing agent lists", async () => {
    const result = await audit({ callQueues: [callFeature("CALL_QUEUE", "Support", springfield)] });
    assert.deepEqual(result.skippedRules.map((rule) => rule.rule), ["call-queue-without-agents"]);
    assert.equal(describeUncheckedRules(result), "1 of 10 rules not checked (no agent lists for call-queue-without-agents)");
  });

  test("reports a clean org as clean", async () => {
    const alice = person("Alice Adams", { licenses: [callingPro.id, messaging.id], extension: "1101", locationId: springfield.id });
    const result = await audit({
      licenses: [callingPro, messaging],
      locations: [springfield],
      callingLocations: [springfield],
      numbers: [mainNumber(springfield, "+12175550100"), number("+12175550101", springfield, { extension: "1101", owner: ownerOf(alice) })],
      people: [alice],
      callQueues: [callFeature("CALL_QUEUE", "Support", springfield, { agents: [{ id: alice.id }] })],
      huntGroups: [callFeature("HUNT_GROUP", "Front Desk", springfield, { agents: [{ id: alice.id }] })],
    });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.skippedRules, []);
    assert.equal(result.rulesRun.length, 10);
    assert.equal(describeUncheckedRules(result), undefined);
  });
});

describe("chooseAuditSnapshot", () => {
  /** Opens a new database in a temporary folder, runs `work` on its path and removes the folder. */
  async function withDbPath(work: (dbPath: string) => Promise<void> | void): Promise<void> {
    const folder = await mkdtemp(join(tmpdir(), "wxadmin-audit-choice-"));
    try {
      await work(join(folder, "snapshots.db"));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  function choose(dbPath: string): ReturnType<typeof chooseAuditSnapshot> {
    const db = SnapshotDb.open(dbPath, { readonly: true });
    try {
      const orgId = db.listSnapshots()[0]?.orgId ?? "";
      return chooseAuditSnapshot(db, orgId);
    } finally {
      db.close();
    }
  }

  test("passes over a licenses-only backup", () =>
    withDbPath((dbPath) => {
      const full = writeCraftedSnapshot(dbPath);
      const partial = writeCraftedSnapshot(dbPath, { licenses: craftedObjects().licenses ?? [] }, new Date("2026-01-16T08:00:00.000Z"));
      const choice = choose(dbPath);
      assert.equal(choice?.snapshot.id, full);
      assert.equal(choice?.isFull, true);
      assert.deepEqual(choice?.passedOver.map((entry) => [entry.snapshot.id, entry.reason]), [[partial, `snapshot ${partial} backed up only licenses`]]);
    }));

  test("passes over a failed kind", () =>
    withDbPath((dbPath) => {
      const full = writeCraftedSnapshot(dbPath);
      const db = SnapshotDb.open(dbPath);
      let failed: number;
      try {
        const snapshot = db.createSnapshot({ id: ORG_ID }, { kinds: ["licenses", "people"], startedAt: new Date("2026-01-16T08:00:00.000Z") });
        db.markKindComplete(snapshot.id, "licenses");
        db.markKindFailed(snapshot.id, "people", "HTTP 503");
        db.finishSnapshot(snapshot.id, "incomplete", "people failed");
        failed = snapshot.id;
      } finally {
        db.close();
      }
      const choice = choose(dbPath);
      assert.equal(choice?.snapshot.id, full);
      assert.match(choice?.passedOver[0]?.reason ?? "", new RegExp(`^snapshot ${failed} is incomplete and has no complete backup of people, callingLocations, numbers`));
    }));

  test("takes the newest when none is full", () =>
    withDbPath((dbPath) => {
      writeCraftedSnapshot(dbPath, { licenses: craftedObjects().licenses ?? [] });
      const newest = writeCraftedSnapshot(dbPath, { numbers: craftedObjects().numbers ?? [] }, new Date("2026-01-16T08:00:00.000Z"));
      const choice = choose(dbPath);
      assert.equal(choice?.snapshot.id, newest);
      assert.equal(choice?.isFull, false);
      assert.deepEqual(choice?.passedOver, []);
    }));
});

/** A stream that keeps what is written, and claims to be a terminal of `columns` when `isTTY` is set. */
class RecordingStream extends Writable {
  text = "";
  readonly isTTY: boolean;
  readonly columns = 100;

  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe("audit table hint", () => {
  async function runAudit(args: string[], isTTY: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
    const folder = await mkdtemp(join(tmpdir(), "wxadmin-audit-hint-"));
    try {
      const dbPath = join(folder, "snapshots.db");
      writeCraftedSnapshot(dbPath);
      const stdout = new RecordingStream(isTTY);
      const stderr = new RecordingStream(false);
      const code = await runCli(["audit", "--db", dbPath, ...args], { stdout, stderr, env: { HOME: folder, XDG_DATA_HOME: folder } });
      return { code, stdout: stdout.text, stderr: stderr.text };
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  test("shown on a terminal", async () => {
    const run = await runAudit([], true);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /…/);
    assert.match(run.stderr, /Texts that did not fit end with …; --wide prints them in full/);
  });

  test("silent with --quiet", async () => {
    const run = await runAudit(["--quiet"], true);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /…/);
    assert.equal(run.stderr, "");
  });

  test("silent when stdout is no terminal", async () => {
    const run = await runAudit([], false);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /…/);
    assert.doesNotMatch(run.stderr, /did not fit/);
  });
});

describe("isCallingUserLicense", () => {
  test("matches user calling licenses only", () => {
    assert.equal(isCallingUserLicense("Webex Calling - Professional"), true);
    assert.equal(isCallingUserLicense("Webex Calling - Basic"), true);
    assert.equal(isCallingUserLicense("Webex Calling - Workspaces"), false);
    assert.equal(isCallingUserLicense("Meeting - Webex Meeting Center"), false);
  });
});

describe("renderAuditHtml", () => {
  const snapshot = {
    id: 7,
    orgId: "org-1",
    orgName: "Example <Customer> & Co",
    startedAt: "2026-01-02T03:04:05.000Z",
    finishedAt: "2026-01-02T03:09:05.000Z",
    status: "complete",
    counts: { people: 2 },
  };

  test("escapes names from the snapshot", async () => {
    const result = await audit({ people: [person("Eve <script>alert(1)</script>")] });
    const html = renderAuditHtml({ audit: result, snapshot });
    assert.equal(html.includes("<script>"), false);
    assert.ok(html.includes("Eve &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert.ok(html.includes("<title>wxadmin audit: Example &lt;Customer&gt; &amp; Co, snapshot 7</title>"));
  });

  test("loads no external resource", async () => {
    const html = renderAuditHtml({ audit: await audit({ licenses: [callingPro] }), snapshot });
    assert.doesNotMatch(html, /\b(?:src|href)\s*=/i);
    assert.doesNotMatch(html, /url\(/i);
    assert.doesNotMatch(html, /@import/i);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  });

  test("carries counts and license units", async () => {
    const result = await audit({ licenses: [license("Webex Calling - Basic", 10, 12), messaging], people: [person("Lee Less")] });
    const html = renderAuditHtml({ audit: result, snapshot });
    assert.match(html, /<g class="bar" data-severity="high" data-count="1">/);
    assert.match(html, /<g class="bar" data-severity="medium" data-count="1">/);
    assert.match(html, /<g class="license-bar over" data-license="Webex Calling - Basic" data-consumed="12" data-total="10">/);
    assert.match(html, /<g class="license-bar normal" data-license="Messaging" data-consumed="10" data-total="500">/);
    assert.equal(html.match(/<tr data-severity=/g)?.length, 2);
  });

  describe("findings table cap", () => {
    /** Audits an org with one high, three medium and two low findings. */
    async function mixedAudit(): Promise<AuditResult> {
      const springfield = location("Springfield");
      return audit({
        licenses: [license("Webex Calling - Basic", 10, 12)],
        people: [person("Lee Less"), person("Mo Less"), person("Ned Less")],
        numbers: [number("+12175550198", springfield), number("+12175550199", springfield)],
      });
    }

    test("lists only the first rows", async () => {
      const result = await mixedAudit();
      assert.deepEqual(result.counts, { high: 1, medium: 3, low: 2 });
      const html = renderAuditHtml({ audit: result, snapshot, maxTableRows: 3 });
      assert.equal(html.match(/<tr data-severity=/g)?.length, 3);
      assert.equal(html.match(/<tr data-severity="low"/g), null);
    });

    test("says what it left out", async () => {
      const html = renderAuditHtml({ audit: await mixedAudit(), snapshot, maxTableRows: 3 });
      assert.match(html, /<p class="notice" id="findings-cut" role="note" data-shown="3" data-total="6">/);
      assert.match(html, /The findings table lists 3 of 6 findings, the most severe first\. The 3 not listed \(1 medium, 2 low\) still count/);
      assert.match(html, /To list every finding, run <code>wxadmin audit 7 --json<\/code>/);
      assert.match(html, /<caption>The first 3 of 6 findings, the most severe first; <code>wxadmin audit 7 --json<\/code> lists all of them\.<\/caption>/);
      assert.ok(html.indexOf('id="findings-cut"') < html.indexOf('id="summary"'), "the notice comes before the summary");
    });

    test("counts and charts use every finding", async () => {
      const html = renderAuditHtml({ audit: await mixedAudit(), snapshot, maxTableRows: 3 });
      assert.match(html, /<div class="card total" data-severity="total" data-count="6">/);
      for (const [severity, count] of [["high", 1], ["medium", 3], ["low", 2]] as const) {
        assert.match(html, new RegExp(`<div class="card ${severity}" data-severity="${severity}" data-count="${count}">`), severity);
        assert.match(html, new RegExp(`<g class="bar" data-severity="${severity}" data-count="${count}">`), severity);
      }
      assert.match(html, /<tr data-rule="number-unassigned" data-count="2">/);
      assert.match(html, /<tr data-rule="person-without-license" data-count="3">/);
    });

    test("no notice when every finding fits", async () => {
      const html = renderAuditHtml({ audit: await mixedAudit(), snapshot, maxTableRows: 6 });
      assert.equal(html.match(/<tr data-severity=/g)?.length, 6);
      assert.doesNotMatch(html, /findings-cut|<caption>/);
    });
  });

  test("headline names unchecked rules", async () => {
    const html = renderAuditHtml({ audit: await auditSource(memorySource({ licenses: [callingPro] })), snapshot });
    assert.match(html, /<p class="unchecked" id="rules-not-checked" role="alert" data-unchecked="9" data-rules="10"><strong>9 of 10 rules not checked<\/strong> \(missing kinds: people, /);
    assert.ok(html.indexOf('id="rules-not-checked"') < html.indexOf('id="summary"'), "the headline comes before the counts");
    assert.match(html, /<tr data-rule="number-unassigned" data-count="0" class="skipped">.*<td class="rule-id">number-unassigned<\/td><td class="number">0<\/td><td class="checked"><strong>Not fully checked\.<\/strong> The snapshot has no complete backup of numbers/);
    assert.doesNotMatch(html, /checked: [A-Z]/);
    assert.match(html, /No findings from the rules that ran, but 9 of 10 rules were not checked/);
  });

  test("no headline when every rule ran", async () => {
    const html = renderAuditHtml({ audit: await audit({ licenses: [callingPro] }), snapshot });
    assert.doesNotMatch(html, /rules-not-checked|not checked/);
  });

  test("suggests --db when given", async () => {
    const result = await audit({ licenses: [callingPro] });
    assert.match(renderAuditHtml({ audit: result, snapshot }), /<code>wxadmin audit 7 --json<\/code> lists them all\.<\/footer>/);
    assert.match(renderAuditHtml({ audit: result, snapshot, dbPath: "/data/acme.db" }), /<code>wxadmin audit 7 --db \/data\/acme\.db --json<\/code> lists them all/);
    assert.match(renderAuditHtml({ audit: result, snapshot, dbPath: "/data/it's here.db" }), /<code>wxadmin audit 7 --db &#39;\/data\/it&#39;\\&#39;&#39;s here\.db&#39; --json<\/code>/);
  });

  test("warns about an incomplete snapshot", async () => {
    const html = renderAuditHtml({ audit: await audit({}), snapshot: { ...snapshot, status: "incomplete" } });
    assert.match(html, /This snapshot is incomplete/);
  });

  test("escapeHtml covers quotes", () => {
    assert.equal(escapeHtml(`a"b'c&<>`), "a&quot;b&#39;c&amp;&lt;&gt;");
  });
});
