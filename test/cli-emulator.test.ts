/**
 * `wxadmin emulator` and `wxadmin emulator mutate` as a user runs them: the emulator in one
 * child process, and backup, mutate and diff in others, each backup into a temporary database.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CliRecorder, type CliRun, type RunningCli, describeRun, assertExit, parseJson } from "./helpers/cli-run.js";

let dir: string;
let cli: CliRecorder;
let emulator: RunningCli;
let url = "";
let tokens: Record<string, string> = {};

async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

/** Turns diff JSON into sorted lines `kind id change`. */
function linesOfDiff(diff: any): string[] {
  const lines: string[] = [];
  for (const [kind, entry] of Object.entries<any>(diff.byKind)) {
    for (const change of ["added", "removed", "changed"]) {
      for (const object of entry[change]) {
        lines.push(`${kind} ${object.id} ${change}`);
      }
    }
  }
  return lines.sort();
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "wxadmin-cli-emulator-"));
  cli = new CliRecorder({ HOME: dir, XDG_DATA_HOME: join(dir, "data-home") });
  emulator = cli.start(["emulator", "--port", "0", "--people", "60", "--random-seed", "3"]);
  await emulator.waitForOutput(/^Press Ctrl\+C to stop\.$/m, "stderr");
  url = emulator.stdout.match(/^Webex API emulator listening at (\S+) /m)?.[1] ?? "";
  for (const name of ["developer", "customerAdmin", "partnerAdmin"]) {
    tokens[name] = emulator.stdout.match(new RegExp(`^  ${name}: +(\\S+)$`, "m"))?.[1] ?? "";
  }
});

after(async () => {
  const finished = await emulator?.stop("SIGTERM");
  assert.equal(finished?.code, 0);
  await rm(dir, { recursive: true, force: true });
});

describe("emulator start-up hint", () => {
  test("says what each token is for", () => {
    assert.match(emulator.stdout, /^ {2}developer: +the apps commands: create service apps, authorize them, get their tokens$/m);
    assert.match(emulator.stdout, /^ {2}customerAdmin: +the customer org's data: whoami, orgs list, backup \(then diff and audit\)$/m);
    assert.match(emulator.stdout, /^ {2}partnerAdmin: +the partner org and every customer org it manages: backup --all-orgs$/m);
  });

  test("exports the customerAdmin token", () => {
    const exported = emulator.stdout.match(/^ {2}export WEBEX_BASE_URL=(\S+) WEBEX_ACCESS_TOKEN=(\S+)$/m);
    assert.equal(exported?.[1], url);
    assert.equal(exported?.[2], tokens.customerAdmin);
    assert.match(emulator.stdout, /^ {2}wxadmin backup && wxadmin audit$/m);
  });

  test("names the mutate command", () => {
    assert.ok(emulator.stdout.includes(`\n  wxadmin emulator mutate --url ${url}\n`), emulator.stdout);
  });
});

describe("emulator mutate", () => {
  test("backup, mutate, backup, diff", async () => {
    const db = join(dir, "mutate.db");
    const env = { WEBEX_BASE_URL: url, WEBEX_ACCESS_TOKEN: tokens.customerAdmin, WXADMIN_DB: db };
    assertExit(await cli.run(["backup", "--progress", "off"], { env }), 0);

    const mutated = parseJson(await cli.run(["emulator", "mutate", "--url", url, "--changes", "8", "--random-seed", "12", "--json"]));
    assert.equal(mutated.org.displayName, "Example Customer Inc.");
    assert.ok(mutated.changes.length >= 8, JSON.stringify(mutated.changes));
    const counted = Object.values<any>(mutated.counts).reduce((sum, counts) => sum + counts.added + counts.removed + counts.changed, 0);
    assert.equal(counted, mutated.changes.length);

    assertExit(await cli.run(["backup", "--progress", "off"], { env }), 0);
    const diff = parseJson(await cli.run(["diff", "1", "2", "--json"], { env }));
    const expected = mutated.changes.map((change: { kind: string; id: string; change: string }) => `${change.kind} ${change.id} ${change.change}`).sort();
    assert.deepEqual(linesOfDiff(diff), expected);
  });

  test("prints counts per kind", async () => {
    const run = await cli.run(["emulator", "mutate", "--changes", "5"], { env: { WEBEX_BASE_URL: url } });
    assertExit(run, 0);
    const lines = run.stdout.trimEnd().split("\n");
    assert.match(lines[0] ?? "", /^Changed \d+ objects in org Example Customer Inc\. \(\S+\)\.$/);
    assert.match(lines[2] ?? "", /^KIND +ADDED +REMOVED +CHANGED$/);
    const rows = lines.slice(3);
    assert.ok(rows.length > 0);
    for (const row of rows) {
      assert.match(row, /^(people|licenses|locations|callingLocations|numbers|callQueues|callQueueAgents|huntGroups|autoAttendants) +\d+ +\d+ +\d+$/);
    }
    assert.match(run.stderr, /Back up the org again, then run "wxadmin diff"/);
  });

  test("needs a URL", async () => {
    const run = await cli.run(["emulator", "mutate"]);
    assertExit(run, 2);
    assert.match(run.stderr, /^wxadmin: error: Missing --url: pass the URL that "wxadmin emulator" printed/m);
  });

  test("sends to loopback only", async () => {
    const run = await cli.run(["emulator", "mutate", "--url", "http://emulator.example.com:8080/v1"]);
    assertExit(run, 2);
    assert.match(run.stderr, /--url http:\/\/emulator\.example\.com:8080\/v1 is not on a loopback address/);
  });

  test("reports a stopped emulator", async () => {
    const port = await findClosedPort();
    const run = await cli.run(["emulator", "mutate", "--url", `http://127.0.0.1:${port}/v1`]);
    assertExit(run, 1);
    assert.match(run.stderr, new RegExp(`^wxadmin: error: Cannot reach the emulator at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`, "m"));
    assert.match(run.stderr, new RegExp(`network error ECONNREFUSED \\(connection refused\\): connect 127\\.0\\.0\\.1:${port} `));
    assert.equal(run.stderr.split("ECONNREFUSED").length - 1, 1, `the error code is repeated: ${run.stderr}`);
    assert.match(run.stderr, /gave up after 1 attempt\)/);
    assert.doesNotMatch(run.stderr, /--base-url/);
  });

  test("rejects an unknown org", async () => {
    const run = await cli.run(["emulator", "mutate", "--url", url, "--org", "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9ub25l"]);
    assertExit(run, 2);
    assert.match(run.stderr, /rejected the change: orgId \S+ names no org of this emulator\./);
  });

  test("takes no token", async () => {
    const run = await cli.run(["emulator", "mutate", "--url", url, "--token", "anything"]);
    assertExit(run, 2);
    assert.match(run.stderr, /"wxadmin emulator mutate" does not take --token/);
  });
});
