/**
 * How `wxadmin backup` ends: the closing 429 summary, the wording of an incomplete result, a
 * resume against another server than the snapshot started on, and a second stop signal. The
 * built CLI runs as a child process against emulators started in this process.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import { CliRecorder, assertExit, describeRun } from "./helpers/cli-run.js";

let dir: string;
let counter = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "wxadmin-cli-backup-"));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function freshDbPath(): string {
  counter += 1;
  return join(dir, `snapshots-${counter}.db`);
}

describe("backup outcome", () => {
  let emulator: Emulator;
  let cli: CliRecorder;

  before(async () => {
    emulator = await startEmulator({ port: 0, host: "127.0.0.1", people: 150, randomSeed: 5 });
    cli = new CliRecorder({ WEBEX_BASE_URL: emulator.url, WEBEX_ACCESS_TOKEN: emulator.tokens.customerAdmin, HOME: dir });
  });

  after(async () => {
    await emulator?.stop();
  });

  test("429 summary closes a failed backup", async () => {
    emulator.inject({ method: "GET", path: "/licenses", status: 429, retryAfter: "0", times: 2 });
    emulator.inject({ method: "GET", path: "/licenses", status: 403 });
    const run = await cli.run(["backup", "--kinds", "licenses", "--progress", "off", "--db", freshDbPath()]);
    assertExit(run, 4);

    // The first 429 gets its own line; the second is counted and reported when the command ends.
    assert.match(run.stderr, /^wxadmin: warning: GET \/v1\/licenses\S* was rate limited \(429\) on attempt 1; /m);
    assert.match(run.stderr, /^wxadmin: warning: 1 more 429 response in the last [\d.]+ s; requests of this token waited 0 s in total\.$/m);
    const summaryAt = run.stderr.indexOf("1 more 429 response");
    // The backup logs the failed kind as it happens; the command's own error comes last.
    const errorAt = run.stderr.lastIndexOf("wxadmin: error:");
    assert.ok(summaryAt >= 0, `no closing summary:\n${run.stderr}`);
    assert.ok(errorAt > summaryAt, `the summary must come before the closing error line:\n${run.stderr}`);
  });

  test("incomplete backup is not called backed up", async () => {
    emulator.inject({ method: "GET", path: "/licenses", status: 403 });
    const run = await cli.run(["backup", "--kinds", "licenses,locations", "--progress", "off", "--db", freshDbPath()]);
    assertExit(run, 4);
    assert.doesNotMatch(run.stderr, /Backed up/);
    assert.match(run.stderr, /^Backup of 1 org ended after .+, not complete\.$/m);
    assert.match(run.stderr, /Snapshot \d+ is incomplete; the failed kinds are listed above\./);
  });

  test("complete backup says backed up", async () => {
    const run = await cli.run(["backup", "--kinds", "licenses", "--progress", "off", "--db", freshDbPath()]);
    assertExit(run, 0);
    assert.match(run.stderr, /^Backed up 1 org in .+\.$/m);
  });
});

describe("backup resume on another server", () => {
  let started: Emulator;
  let other: Emulator;

  before(async () => {
    started = await startEmulator({ port: 0, host: "127.0.0.1", people: 150, randomSeed: 7 });
    other = await startEmulator({ port: 0, host: "127.0.0.1", people: 150, randomSeed: 7 });
  });

  after(async () => {
    await started?.stop();
    await other?.stop();
  });

  test("sends nothing and names --base-url", async () => {
    const dbPath = freshDbPath();
    // People fail on their second page, so a next-page URL on `started` is stored. Locations
    // fail on their first page, so they have none and a resume would read them again.
    started.inject({ method: "GET", path: "/people", skip: 1, status: 403 });
    started.inject({ method: "GET", path: "/locations", status: 403 });
    const first = await new CliRecorder({ WEBEX_BASE_URL: started.url, WEBEX_ACCESS_TOKEN: started.tokens.customerAdmin, HOME: dir }).run([
      "backup",
      "--kinds",
      "people,locations",
      "--progress",
      "off",
      "--db",
      dbPath,
    ]);
    assertExit(first, 4);
    const id = /Snapshot (\d+) is incomplete/.exec(first.stderr)?.[1];
    assert.ok(id, describeRun(first));

    const requestsBefore = other.requestLog.length;
    const resumed = await new CliRecorder({ WEBEX_BASE_URL: other.url, WEBEX_ACCESS_TOKEN: other.tokens.customerAdmin, HOME: dir }).run([
      "backup",
      "--resume",
      id,
      "--progress",
      "off",
      "--db",
      dbPath,
    ]);
    assertExit(resumed, 2);
    assert.equal(other.requestLog.length, requestsBefore, "the resume sent requests to the other server");
    assert.ok(resumed.stderr.includes(`Snapshot ${id} was started against ${started.url}, but this run connects to ${other.url} (from WEBEX_BASE_URL).`), resumed.stderr);
    assert.ok(resumed.stderr.includes(`stored on ${new URL(started.url).origin}`), resumed.stderr);
    assert.ok(resumed.stderr.includes(`wxadmin backup --resume ${id} --base-url ${started.url} --db ${dbPath}`), resumed.stderr);
  });
});

describe("backup second signal", () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({ port: 0, host: "127.0.0.1", people: 150, randomSeed: 9 });
  });

  after(async () => {
    await emulator?.stop();
  });

  test("prints the resume command and quits", async () => {
    const dbPath = freshDbPath();
    // The second people page hangs, so the backup is running when the signals come.
    emulator.inject({ method: "GET", path: "/people", skip: 1, delayMs: 30_000 });
    const cli = new CliRecorder({ WEBEX_BASE_URL: emulator.url, WEBEX_ACCESS_TOKEN: emulator.tokens.customerAdmin, HOME: dir });
    const running = cli.start(["backup", "--kinds", "people", "--progress", "lines", "--db", dbPath]);
    await running.waitForOutput(/people: running/, "stderr", 30_000);

    // Two different signals sent at once are both delivered, and the first abort takes longer
    // than the gap between them, so the second reaches the backup while it is stopping.
    process.kill(running.pid, "SIGTERM");
    process.kill(running.pid, "SIGINT");
    const run = await running.ended();
    emulator.clearFaults();

    assert.equal(run.code, null, `expected an exit by signal: ${describeRun(run)}`);
    assert.match(run.stderr, /^Stopping the backup after SIG(TERM|INT); /m);
    assert.match(run.stderr, new RegExp(`^Quitting at once after a second SIG(INT|TERM); snapshot 1 can be resumed\\. Continue with: wxadmin backup --resume 1 --db ${dbPath.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`, "m"));
  });
});
