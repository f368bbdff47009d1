/**
 * The HTML audit report in a real browser. The CLI writes the report of a crafted snapshot and
 * Debian's Chromium opens it through playwright-core. The tests check what a reader sees (title,
 * counts per severity, chart bars sized by their numbers, table rows) and save a screenshot under
 * test-output/. Run with `npm run test:browser`; WXADMIN_CHROMIUM overrides the browser path.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { auditSnapshot } from "../src/jobs/audit.js";
import { renderAuditHtml } from "../src/jobs/report-html.js";
import { SnapshotDb } from "../src/storage/snapshot-db.js";
import { CliRecorder } from "../test/helpers/cli-run.js";
import { craftedObjects, CRAFTED_EXPECTED, CRAFTED_ORG_NAME, writeCraftedSnapshot } from "../test/helpers/crafted-snapshot.js";

const CHROMIUM = process.env.WXADMIN_CHROMIUM ?? "/usr/bin/chromium";
/** test-output/ at the repository root; the compiled test runs from dist/test-browser/. */
const OUTPUT_DIR = fileURLToPath(new URL("../../test-output/", import.meta.url));
const SEVERITIES = ["high", "medium", "low"] as const;
const VIEWPORT = { width: 1280, height: 900 };

let folder: string;
let dbPath: string;
let reportPath: string;
let snapshotId: number;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}; install it with "apt-get install chromium" or set WXADMIN_CHROMIUM to its path.`);
  folder = await mkdtemp(path.join(tmpdir(), "wxadmin-browser-"));
  dbPath = path.join(folder, "snapshots.db");
  reportPath = path.join(folder, "audit.html");
  snapshotId = writeCraftedSnapshot(dbPath);

  const cli = new CliRecorder();
  const run = await cli.run(["audit", String(snapshotId), "--db", dbPath, "--html", reportPath, "--quiet"]);
  assert.equal(run.code, 0, run.stderr);

  context = await chromium.launchPersistentContext(path.join(folder, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run", "--disable-component-update", "--disable-sync"],
    viewport: VIEWPORT,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(reportPath).href);
});

after(async () => {
  await context?.close();
  await rm(folder, { recursive: true, force: true });
});

describe("audit report in Chromium", () => {
  test("shows the org in the title", async () => {
    assert.equal(await page.title(), `wxadmin audit: ${CRAFTED_ORG_NAME}, snapshot ${snapshotId}`);
    assert.equal(await page.locator("h1").innerText(), `Audit of ${CRAFTED_ORG_NAME}`);
  });

  test("shows counts per severity", async () => {
    for (const severity of SEVERITIES) {
      const card = page.locator(`.card[data-severity="${severity}"]`);
      assert.equal(await card.locator(".count").innerText(), String(CRAFTED_EXPECTED.counts[severity]), severity);
      assert.ok(await card.isVisible(), `${severity} card visible`);
    }
    const total = CRAFTED_EXPECTED.counts.high + CRAFTED_EXPECTED.counts.medium + CRAFTED_EXPECTED.counts.low;
    assert.equal(await page.locator('.card[data-severity="total"] .count').innerText(), String(total));
  });

  test("sizes severity bars by count", async () => {
    const heights: Record<string, number> = {};
    for (const severity of SEVERITIES) {
      const bar = page.locator(`#severity-chart g.bar[data-severity="${severity}"]`);
      assert.equal(await bar.getAttribute("data-count"), String(CRAFTED_EXPECTED.counts[severity]));
      assert.equal(await bar.locator("text.value").textContent(), String(CRAFTED_EXPECTED.counts[severity]));
      const box = await bar.locator("rect").boundingBox();
      assert.ok(box !== null, `${severity} bar is rendered`);
      heights[severity] = box.height;
    }
    // high 5, medium 2, low 2: the medium and low bars are 2/5 of the high one.
    assert.ok(Math.abs((heights.medium ?? 0) / (heights.high ?? 1) - 2 / 5) < 0.03, JSON.stringify(heights));
    assert.ok(Math.abs((heights.low ?? 0) - (heights.medium ?? 0)) < 1, JSON.stringify(heights));
  });

  test("draws license usage to scale", async () => {
    const bars = page.locator("#license-chart g.license-bar");
    assert.equal(await bars.count(), CRAFTED_EXPECTED.licenses.length);

    for (const [name, consumed, total, state] of CRAFTED_EXPECTED.licenses) {
      const bar = page.locator(`#license-chart g.license-bar[data-license="${name}"]`);
      assert.equal(await bar.getAttribute("data-consumed"), String(consumed), name);
      assert.equal(await bar.getAttribute("data-total"), String(total), name);
      assert.match((await bar.getAttribute("class")) ?? "", new RegExp(`\\b${state}\\b`), name);
      assert.match((await bar.locator("text.license-value").textContent()) ?? "", new RegExp(`^${consumed} of ${total} used`), name);

      const track = await bar.locator("rect.track").boundingBox();
      const fill = await bar.locator("rect.fill").boundingBox();
      assert.ok(track !== null, `${name} track rendered`);
      assert.ok(fill !== null, `${name} fill rendered`);
      const expected = Math.min(1, consumed / total);
      assert.ok(Math.abs(fill.width / track.width - expected) < 0.01, `${name}: fill ${fill.width} of ${track.width}, expected ${expected}`);
    }

    const overColor = await page
      .locator('#license-chart g.license-bar.over rect.fill')
      .evaluate((element) => {
        // The compiler has no DOM types here (lib ES2023); the function runs in the page.
        const view = globalThis as unknown as { getComputedStyle(target: unknown): { fill: string } };
        return view.getComputedStyle(element).fill;
      });
    assert.equal(overColor, "rgb(180, 35, 24)");
  });

  test("lists every finding in the table", async () => {
    const rows = page.locator("#findings tbody tr");
    const expectedTotal = Object.values(CRAFTED_EXPECTED.rules).reduce((sum, count) => sum + count, 0);
    assert.equal(await rows.count(), expectedTotal);
    for (const severity of SEVERITIES) {
      assert.equal(await page.locator(`#findings tbody tr[data-severity="${severity}"]`).count(), CRAFTED_EXPECTED.counts[severity], severity);
    }
    assert.equal(await rows.first().getAttribute("data-severity"), "high");
    assert.match(await page.locator("#findings").innerText(), /Bob Brown <bob\.brown@example\.test> has a Webex Calling license but has no phone number or extension/);

    for (const [rule, count] of Object.entries(CRAFTED_EXPECTED.rules)) {
      assert.equal(await page.locator(`#rules tr[data-rule="${rule}"]`).getAttribute("data-count"), String(count), rule);
    }
  });

  test("loads nothing but the file", () => {
    assert.deepEqual(requests, [pathToFileURL(reportPath).href]);
  });

  test("saves a screenshot", async () => {
    await mkdir(OUTPUT_DIR, { recursive: true });
    const file = path.join(OUTPUT_DIR, "audit-report.png");
    const image = await page.screenshot({ path: file, fullPage: true });
    assert.ok(image.length > 10_000, `screenshot of ${image.length} bytes`);
    assert.ok(existsSync(file));
  });
});

describe("audit report with a capped table in Chromium", () => {
  const MAX_ROWS = 4;
  let cappedPage: Page;

  before(async () => {
    const db = SnapshotDb.open(dbPath, { readonly: true });
    let html: string;
    try {
      const audit = await auditSnapshot(db, snapshotId);
      html = renderAuditHtml({ audit, snapshot: audit.snapshot, maxTableRows: MAX_ROWS });
    } finally {
      db.close();
    }
    const cappedPath = path.join(folder, "audit-capped.html");
    await writeFile(cappedPath, html);
    cappedPage = await context.newPage();
    await cappedPage.goto(pathToFileURL(cappedPath).href);
  });

  after(async () => {
    await cappedPage?.close();
  });

  test("shows the cut without scrolling", async () => {
    const total = CRAFTED_EXPECTED.counts.high + CRAFTED_EXPECTED.counts.medium + CRAFTED_EXPECTED.counts.low;
    const notice = cappedPage.locator("#findings-cut");
    assert.ok(await notice.isVisible(), "the notice is visible");
    const box = await notice.boundingBox();
    assert.ok(box !== null, "the notice is rendered");
    assert.ok(box.y + box.height <= VIEWPORT.height, `the notice ends at ${box.y + box.height} px, below the first screen`);
    const text = await notice.innerText();
    assert.match(text, new RegExp(`lists ${MAX_ROWS} of ${total} findings`));
    assert.match(text, new RegExp(`run wxadmin audit ${snapshotId} --json`));
  });

  test("lists only the first rows", async () => {
    assert.equal(await cappedPage.locator("#findings tbody tr").count(), MAX_ROWS);
    const caption = cappedPage.locator("#findings caption");
    assert.ok(await caption.isVisible(), "the table caption is visible");
    assert.match(await caption.innerText(), new RegExp(`wxadmin audit ${snapshotId} --json lists all of them`));
  });

  test("counts every finding", async () => {
    const total = CRAFTED_EXPECTED.counts.high + CRAFTED_EXPECTED.counts.medium + CRAFTED_EXPECTED.counts.low;
    assert.equal(await cappedPage.locator('.card[data-severity="total"] .count').innerText(), String(total));
    for (const severity of SEVERITIES) {
      assert.equal(await cappedPage.locator(`#severity-chart g.bar[data-severity="${severity}"]`).getAttribute("data-count"), String(CRAFTED_EXPECTED.counts[severity]), severity);
    }
  });
});

describe("audit report with unchecked rules in Chromium", () => {
  let partialPage: Page;
  let partialId: number;

  before(async () => {
    // A backup of licenses only, as "wxadmin backup --kinds licenses" writes it: 9 of 10 rules
    // cannot run, and each names the kinds it lacks in the rules table.
    const partialDb = path.join(folder, "partial.db");
    const partialReport = path.join(folder, "audit-partial.html");
    partialId = writeCraftedSnapshot(partialDb, { licenses: craftedObjects().licenses ?? [] });
    const cli = new CliRecorder();
    const run = await cli.run(["audit", String(partialId), "--db", partialDb, "--html", partialReport, "--quiet"]);
    assert.equal(run.code, 0, run.stderr);

    partialPage = await context.newPage();
    await partialPage.goto(pathToFileURL(partialReport).href);
  });

  after(async () => {
    await partialPage?.close();
  });

  test("shows the headline on the first screen", async () => {
    const headline = partialPage.locator("#rules-not-checked");
    assert.ok(await headline.isVisible(), "the headline is visible");
    assert.match(await headline.locator("strong").innerText(), /^9 of 10 rules not checked$/);
    const box = await headline.boundingBox();
    assert.ok(box !== null, "the headline is rendered");
    assert.ok(box.y + box.height <= VIEWPORT.height / 2, `the headline ends at ${box.y + box.height} px`);
  });

  test("fits the page width", async () => {
    const widths = await partialPage.evaluate(() => {
      // The compiler has no DOM types here (lib ES2023); the function runs in the page.
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
    });
    assert.equal(widths.clientWidth, VIEWPORT.width);
    assert.ok(widths.scrollWidth <= widths.clientWidth, `the page is ${widths.scrollWidth} px wide in a ${widths.clientWidth} px window`);
  });

  test("keeps rule ids on one line", async () => {
    const cells = partialPage.locator("#rules td.rule-id");
    assert.equal(await cells.count(), 10);
    const lineCounts = await cells.evaluateAll((elements) => {
      const documentApi = (globalThis as unknown as { document: { createRange(): { selectNodeContents(node: unknown): void; getClientRects(): { length: number } } } }).document;
      return elements.map((element) => {
        const range = documentApi.createRange();
        range.selectNodeContents(element);
        return range.getClientRects().length;
      });
    });
    assert.deepEqual(lineCounts, Array.from({ length: 10 }, () => 1));
    assert.equal(await partialPage.locator("#rules tr.skipped").count(), 9);
    assert.match(await partialPage.locator('#rules tr[data-rule="number-unassigned"] td.checked').innerText(), /^Not fully checked\. The snapshot has no complete backup of numbers/);
  });

  test("saves a screenshot", async () => {
    await mkdir(OUTPUT_DIR, { recursive: true });
    const file = path.join(OUTPUT_DIR, "audit-report-unchecked.png");
    const image = await partialPage.screenshot({ path: file, fullPage: true });
    assert.ok(image.length > 10_000, `screenshot of ${image.length} bytes`);
    assert.ok(existsSync(file));
  });
});
