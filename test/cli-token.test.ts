/**
 * The built `wxadmin` CLI's token commands and `--app ID --org ORG`, run as child processes
 * against an emulator started in this process. The children run on the real clock, so a pair
 * is made to look old by moving its issue time back in the store file, and the emulator's own
 * clock or revocations make Webex reject a refresh. A final scan checks everything printed for
 * secrets: only `token print` may show an access token.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm, stat, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { FileTokenStore } from "../src/auth/file-token-store.js";
import type { StoredToken } from "../src/auth/token-store.js";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import { decodeId, encodeId } from "../src/ids.js";
import { maskSecret } from "../src/redact.js";
import { CliRecorder, type CliRun, describeRun, assertExit, parseJson } from "./helpers/cli-run.js";
import { findLeaks } from "./helpers/cli-secrets.js";
import {
  ageEntry,
  countRequests,
  createAppInBothOrgs,
  deauthorizeApp,
  readEntry,
  readStoreFile,
  regenerateSecret,
} from "./helpers/cli-token-setup.js";
import type { CreatedApp } from "./helpers/emulator-client.js";

let emulator: Emulator;
let dir: string;
let cli: CliRecorder;
let app: CreatedApp;
let customerOrg: string;
let developerOrg: string;

/** The store most tests share; its folder does not exist until the first fetch creates it. */
let storePath: string;
let secretPath: string;

/** Every token and secret the tests saw; none may appear in full in CLI output except as `token print` prints it. */
const planted = new Set<string>();
/** Access tokens, which `token print` runs may show on stdout. */
const accessTokens = new Set<string>();
/** Runs of `token print` without failure. */
const printRuns: CliRun[] = [];

const ACCESS_PATH = "/v1/access_token";

function path(name: string): string {
  return join(dir, name);
}

async function modeOf(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

/** Records the tokens of every entry in `file` as planted secrets. */
async function plantStore(file: string): Promise<void> {
  const contents = await readStoreFile(file);
  for (const entry of Object.values(contents.entries)) {
    planted.add(entry.tokens.access_token);
    planted.add(entry.tokens.refresh_token);
    accessTokens.add(entry.tokens.access_token);
  }
}

async function writeSecret(name: string, secret: string): Promise<string> {
  planted.add(secret);
  await writeFile(path(name), `${secret}\n`, { mode: 0o600 });
  return path(name);
}

/** Fetches a pair for `target` in the given orgs into `store`, failing the test on any error. */
async function fetchInto(store: string, target: CreatedApp, secretFile: string, orgs: string[]): Promise<void> {
  const run = await cli.run(["token", "fetch", "--app", target.id, "--org", orgs.join(","), "--secret-file", secretFile, "--store", store]);
  assertExit(run, 0);
  await plantStore(store);
}

/** Lists the option lines of a help text, one entry per option with its wrapped description. */
function optionEntries(help: string): string[] {
  const entries: string[] = [];
  let inOptions = false;
  for (const line of help.split("\n")) {
    if (/^(Options|Global Options):/.test(line)) {
      inOptions = true;
      continue;
    }
    if (/^\S/.test(line)) {
      inOptions = false;
    }
    if (!inOptions) {
      continue;
    }
    if (/^  -/.test(line)) {
      entries.push(line.trim());
    } else if (line.trim() !== "" && entries.length > 0) {
      entries[entries.length - 1] += ` ${line.trim()}`;
    }
  }
  return entries;
}

function fakeEntry(orgId: string, overrides: Partial<StoredToken>, lifetimes = { access: 1_209_600, refresh: 7_776_000 }): StoredToken {
  const nowMs = Date.now();
  const entry: StoredToken = {
    clientId: `C${"5".repeat(64)}`,
    orgId,
    appId: encodeId("APPLICATION", "5a5a5a5a-0000-4000-8000-000000000001"),
    tokens: {
      access_token: `fakeaccess${randomUUID().replace(/-/g, "")}`,
      expires_in: lifetimes.access,
      refresh_token: `fakerefresh${randomUUID().replace(/-/g, "")}`,
      refresh_token_expires_in: lifetimes.refresh,
      token_type: "Bearer",
    },
    obtainedAt: nowMs,
    updatedAt: nowMs,
    ...overrides,
  };
  planted.add(entry.tokens.access_token);
  planted.add(entry.tokens.refresh_token);
  return entry;
}

before(async () => {
  emulator = await startEmulator({ port: 0, people: 10 });
  dir = await mkdtemp(join(tmpdir(), "wxadmin-cli-token-test-"));
  // HOME and XDG_CONFIG_HOME point into the test folder, so no run can touch the real config folder.
  cli = new CliRecorder({
    WEBEX_BASE_URL: emulator.url,
    WEBEX_ACCESS_TOKEN: emulator.tokens.developer,
    HOME: path("home"),
    XDG_CONFIG_HOME: path("xdg"),
  });
  planted.add(emulator.tokens.developer);
  planted.add(emulator.tokens.customerAdmin);

  customerOrg = emulator.orgs.customer.id;
  developerOrg = emulator.orgs.developer.id;
  app = await createAppInBothOrgs(emulator, "Token robot");
  secretPath = await writeSecret("app.secret", app.clientSecret);
  storePath = path(join("config", "tokens.json"));
});

after(async () => {
  await emulator?.stop();
  if (dir !== undefined) {
    await rm(dir, { recursive: true, force: true });
  }
});

describe("help", () => {
  const commandPaths = [["token"], ["token", "fetch"], ["token", "status"], ["token", "refresh"], ["token", "forget"], ["token", "print"]];

  test("token commands print usage", async () => {
    for (const commandPath of commandPaths) {
      const run = await cli.run([...commandPath, "--help"]);
      assertExit(run, 0);
      assert.ok(run.stdout.startsWith(`Usage: wxadmin ${commandPath.join(" ")}`), describeRun(run));
      for (const entry of optionEntries(run.stdout)) {
        if (/^(-h, --help|-V, --version)\b/.test(entry)) {
          continue;
        }
        assert.match(entry, /Default|required/, `${commandPath.join(" ")}: ${entry}`);
      }
    }
  });

  test("print help names the full token", async () => {
    const run = await cli.run(["token", "print", "--help"]);
    assert.match(run.stdout, /only command that shows a token in full/);
    assert.match(run.stdout, /refreshed and stored first/);
  });

  test("root help lists token and exit 4", async () => {
    const run = await cli.run(["--help"]);
    assert.match(run.stdout, /^  token\b/m);
    assert.match(run.stdout, /--app <id>/);
    assert.match(run.stdout, /--store <file>/);
    assert.match(run.stdout, /4 finished but incomplete: some orgs failed/);
  });

  test("fetch help states exit codes", async () => {
    const run = await cli.run(["token", "fetch", "--help"]);
    assert.match(run.stdout, /4 when some did and others failed/);
  });
});

describe("token fetch", () => {
  test("fetch stores two orgs", async () => {
    const run = await cli.run([
      "token",
      "fetch",
      "--app",
      app.id,
      "--org",
      customerOrg,
      "--org",
      developerOrg,
      "--secret-file",
      secretPath,
      "--store",
      storePath,
    ]);
    assertExit(run, 0);
    await plantStore(storePath);
    assert.match(run.stdout, /^ORG +RESULT +ACCESS EXPIRES IN +REFRESH EXPIRES IN$/m);
    assert.match(run.stdout, new RegExp(`^${customerOrg} +stored +14 days +90 days$`, "m"));
    assert.match(run.stdout, new RegExp(`^${developerOrg} +stored +14 days +90 days$`, "m"));
    assert.match(run.stderr, /Stored in .*tokens\.json/);

    const contents = await readStoreFile(storePath);
    assert.equal(contents.version, 1);
    const entries = Object.values(contents.entries);
    assert.equal(entries.length, 2);
    for (const entry of entries) {
      assert.equal(entry.appId, app.id);
      assert.equal(entry.clientId, app.clientId);
      assert.equal(entry.state, "ok");
      assert.equal(entry.tokens.expires_in, 1_209_600);
    }
    assert.deepEqual(entries.map((entry) => entry.orgId).sort(), [customerOrg, developerOrg].sort());
  });

  test("store file and folder modes", async () => {
    assert.equal(await modeOf(storePath), 0o600);
    assert.equal(await modeOf(path("config")), 0o700);
  });

  test("fetch store from env with comma list", async () => {
    const envStore = path(join("env-store", "tokens.json"));
    const run = await cli.run(
      ["token", "fetch", "--app", app.id, "--org", `${customerOrg},${developerOrg}`, "--secret-file", secretPath, "--json"],
      { env: { WXADMIN_TOKEN_STORE: envStore } },
    );
    const results = parseJson(run);
    await plantStore(envStore);
    assert.equal(results.length, 2);
    for (const result of results) {
      assert.equal(result.result, "stored");
      assert.equal(result.appId, app.id);
      assert.ok(Date.parse(result.accessExpiresAt) > Date.now());
    }
    assert.equal(Object.keys((await readStoreFile(envStore)).entries).length, 2);
    assert.equal(await modeOf(envStore), 0o600);
  });

  test("fetch default store in config folder", async () => {
    const run = await cli.run(["token", "fetch", "--app", app.id, "--org", customerOrg], {
      env: { WEBEX_CLIENT_SECRET: app.clientSecret },
    });
    assertExit(run, 0);
    const defaultStore = path(join("xdg", "wxadmin", "tokens.json"));
    await plantStore(defaultStore);
    assert.equal(Object.keys((await readStoreFile(defaultStore)).entries).length, 1);
    assert.equal(await modeOf(path(join("xdg", "wxadmin"))), 0o700);
  });

  test("fetch with unauthorized org exits 4", async () => {
    const partialStore = path("partial.json");
    const strangerOrg = encodeId("ORGANIZATION", randomUUID());
    const run = await cli.run([
      "token",
      "fetch",
      "--app",
      app.id,
      "--org",
      customerOrg,
      "--org",
      strangerOrg,
      "--secret-file",
      secretPath,
      "--store",
      partialStore,
    ]);
    assertExit(run, 4);
    await plantStore(partialStore);
    assert.match(run.stdout, new RegExp(`^${customerOrg} +stored`, "m"));
    assert.match(run.stdout, new RegExp(`^${strangerOrg} +failed \\(exit code 3\\)`, "m"));
    assert.match(run.stderr, new RegExp(`wxadmin: error: org ${strangerOrg}: .*not authorized`));
    assert.match(run.stderr, /wxadmin: error: 1 of 2 orgs stored; 1 failed/);
    assert.deepEqual(Object.values((await readStoreFile(partialStore)).entries).map((entry) => entry.orgId), [customerOrg]);
  });

  test("fetch in unauthorized org exits 3", async () => {
    const run = await cli.run([
      "token",
      "fetch",
      "--app",
      app.id,
      "--org",
      encodeId("ORGANIZATION", randomUUID()),
      "--secret-file",
      secretPath,
      "--store",
      path("unauthorized.json"),
    ]);
    assertExit(run, 3);
    assert.match(run.stderr, /not authorized by Full Admin/);
    assert.equal(run.stderr.trim().split("\n").length, 1, "one line on stderr");
    const orgId = run.args[run.args.indexOf("--org") + 1];
    assert.ok(run.stderr.trimEnd().endsWith(`The admin authorizes it with their own access token: wxadmin apps authorize ${app.id} --org ${orgId}`), describeRun(run));
  });

  test("fetch unknown app names next step", async () => {
    const unknownApp = encodeId("APPLICATION", randomUUID());
    const run = await cli.run(["token", "fetch", "--app", unknownApp, "--org", customerOrg, "--secret-file", secretPath, "--store", path("unknown-app.json")]);
    assertExit(run, 1);
    assert.match(run.stderr, /404 Not Found/);
    assert.ok(run.stderr.includes(`No service app has the id ${unknownApp}`), describeRun(run));
    assert.ok(run.stderr.trimEnd().endsWith("Check --app against the ids of the developer's apps, which this lists: wxadmin apps list --type authorizedAppIssuer"), describeRun(run));
  });

  test("fetch with every org failing exits 3", async () => {
    const strangers = [encodeId("ORGANIZATION", randomUUID()), encodeId("ORGANIZATION", randomUUID())];
    const run = await cli.run(["token", "fetch", "--app", app.id, "--org", strangers.join(","), "--secret-file", secretPath, "--store", path("none.json")]);
    assertExit(run, 3);
    for (const stranger of strangers) {
      assert.match(run.stdout, new RegExp(`^${stranger} +failed \\(exit code 3\\)`, "m"));
    }
    assert.match(run.stderr, /wxadmin: error: All 2 orgs failed/);
  });

  test("fetch without app exits 2", async () => {
    const run = await cli.run(["token", "fetch", "--org", customerOrg, "--secret-file", secretPath, "--store", storePath]);
    assertExit(run, 2);
    assert.match(run.stderr, /^wxadmin: error: Missing --app: /);
  });

  test("fetch with app name exits 2", async () => {
    const run = await cli.run(["token", "fetch", "--app", "Token robot", "--org", customerOrg, "--secret-file", secretPath, "--store", storePath]);
    assertExit(run, 2);
    assert.match(run.stderr, /Invalid --app "Token robot": expected the service app's id/);
  });

  test("fetch without org exits 2", async () => {
    const run = await cli.run(["token", "fetch", "--app", app.id, "--secret-file", secretPath, "--store", storePath]);
    assertExit(run, 2);
    assert.match(run.stderr, /Missing --org/);
  });

  test("fetch with malformed org exits 2", async () => {
    const before = countRequests(emulator, "POST", `/v1/applications/${app.id}/token`);
    const run = await cli.run(["token", "fetch", "--app", app.id, "--org", `${customerOrg},not-an-org`, "--secret-file", secretPath, "--store", storePath]);
    assertExit(run, 2);
    assert.match(run.stderr, /Invalid --org "not-an-org"/);
    assert.equal(countRequests(emulator, "POST", `/v1/applications/${app.id}/token`), before, "no token requested");
  });

  test("fetch without secret exits 2", async () => {
    const run = await cli.run(["token", "fetch", "--app", app.id, "--org", customerOrg, "--store", storePath]);
    assertExit(run, 2);
    assert.match(run.stderr, /Missing client secret: pass --secret-file FILE or set WEBEX_CLIENT_SECRET/);
  });

  test("fetch with wrong secret exits 3", async () => {
    const wrongSecret = await writeSecret("wrong.secret", "0123456789abcdef".repeat(4));
    const run = await cli.run(["token", "fetch", "--app", app.id, "--org", customerOrg, "--secret-file", wrongSecret, "--store", path("wrong-secret-tokens.json")]);
    assertExit(run, 3);
    assert.match(run.stderr, /Webex rejected the client secret from the file .*wrong\.secret for app /);
    assert.ok(run.stderr.trimEnd().endsWith(`run this command again with --secret-file FILE: wxadmin apps regenerate-secret ${app.id} --secret-out FILE`), describeRun(run));
  });

  test("fetch with rejected developer token", async () => {
    const run = await cli.run(["token", "fetch", "--app", app.id, "--org", customerOrg, "--secret-file", secretPath, "--store", storePath], {
      env: { WEBEX_ACCESS_TOKEN: "not-a-token-the-emulator-issued" },
    });
    assertExit(run, 3);
    assert.match(run.stderr, /Webex rejected the access token from environment variable WEBEX_ACCESS_TOKEN/);
    assert.doesNotMatch(run.stderr, /stored token/);
  });
});

describe("token status", () => {
  test("status table shows no tokens", async () => {
    const run = await cli.run(["token", "status", "--store", storePath, "--wide"]);
    assertExit(run, 0);
    assert.match(run.stdout, /^ORG +APP +ACCESS EXPIRES +REFRESH EXPIRES +STATE$/m);
    for (const org of [customerOrg, developerOrg]) {
      assert.match(run.stdout, new RegExp(`^${org} +${app.id} +in (14 days|13 days 23 hours) +in (90 days|89 days 23 hours) +ok$`, "m"));
    }
    const contents = await readStoreFile(storePath);
    for (const entry of Object.values(contents.entries)) {
      for (const token of [entry.tokens.access_token, entry.tokens.refresh_token]) {
        assert.ok(!run.stdout.includes(maskSecret(token)), "not even masked");
        assert.ok(!run.stdout.includes(token.slice(0, 12)));
      }
    }
  });

  test("status shortens ids by default", async () => {
    const run = await cli.run(["token", "status", "--store", storePath]);
    assertExit(run, 0);
    const shortApp = `${(decodeId(app.id)?.id ?? "").slice(0, 8)}…`;
    for (const org of [customerOrg, developerOrg]) {
      const shortOrg = `${(decodeId(org)?.id ?? "").slice(0, 8)}…`;
      assert.match(run.stdout, new RegExp(`^${shortOrg} +${shortApp} +in (14 days|13 days 23 hours) +in (90 days|89 days 23 hours) +ok$`, "m"));
    }
    assert.ok(!run.stdout.includes(app.id), "no full app id");
    assert.match(run.stderr, /Token store: /);
  });

  test("status json fields", async () => {
    const rows = parseJson(await cli.run(["token", "status", "--store", storePath, "--json"]));
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.equal(row.state, "ok");
      assert.equal(row.appId, app.id);
      assert.equal(row.clientId, app.clientId);
      assert.ok(row.accessExpiresInSeconds > 1_209_000, String(row.accessExpiresInSeconds));
      assert.ok(row.accessExpiresInSeconds <= 1_209_600, String(row.accessExpiresInSeconds));
      assert.ok(Date.parse(row.refreshExpiresAt) > Date.parse(row.accessExpiresAt));
      assert.deepEqual(Object.keys(row).filter((key) => /token/i.test(key)), []);
    }
  });

  test("status filters by org", async () => {
    const rows = parseJson(await cli.run(["token", "status", "--store", storePath, "--org", developerOrg, "--json"]));
    assert.deepEqual(rows.map((row: { orgId: string }) => row.orgId), [developerOrg]);
    const none = parseJson(await cli.run(["token", "status", "--store", storePath, "--app", encodeId("APPLICATION", randomUUID()), "--json"]));
    assert.deepEqual(none, []);
  });

  test("status states", async () => {
    const statesStore = path(join("states", "tokens.json"));
    const store = new FileTokenStore({ path: statesStore });
    const nowMs = Date.now();
    const org = (): string => encodeId("ORGANIZATION", randomUUID());
    const cases: Array<[StoredToken, string]> = [
      [fakeEntry(org(), {}), "ok"],
      [fakeEntry(org(), { obtainedAt: nowMs - 1_209_700_000 }), "access expired"],
      [fakeEntry(org(), { obtainedAt: nowMs - (7_776_000 - 3600) * 1000 }), "refresh expiring soon"],
      [fakeEntry(org(), { obtainedAt: nowMs - 7_776_100_000 }), "refresh expired"],
      [fakeEntry(org(), { state: "needs_reauthorization", problem: "SDK text", rejectionReason: "refresh_token" }), "needs re-authorization"],
      [fakeEntry(org(), { state: "needs_reauthorization", problem: "SDK text", rejectionReason: "client_secret" }), "client secret rejected"],
      [fakeEntry(org(), { state: "needs_reauthorization", problem: "Refreshing was rejected: invalid_grant." }), "refresh rejected"],
    ];
    for (const [entry] of cases) {
      await store.set(entry);
    }

    const run = await cli.run(["token", "status", "--store", statesStore, "--wide"]);
    assertExit(run, 0);
    for (const [entry, state] of cases) {
      assert.match(run.stdout, new RegExp(`^${entry.orgId} .* ${state}$`, "m"), `${state}\n${run.stdout}`);
    }
    assert.match(run.stdout, / 1 minute \d+ seconds? ago /);

    const problems = run.stdout.split("\n").filter((line) => line.startsWith("PROBLEM"));
    assert.equal(problems.length, 3, run.stdout);
    const [reauthorize, secret, legacy] = cases.slice(4).map(([entry]) => problems.find((line) => line.includes(entry.orgId)) ?? "");
    assert.match(reauthorize ?? "", /, rejected \d+ seconds? ago \(.*\): The refresh token has expired or was revoked, or the app was deauthorized in org /);
    assert.match(reauthorize ?? "", /wxadmin apps authorize \S+ --org \S+\. Then get a new pair with: wxadmin token fetch --app \S+ --org \S+ --secret-file FILE/);
    assert.match(secret ?? "", /: Webex rejected the client secret: it is not the app's current secret/);
    assert.match(secret ?? "", /run: wxadmin token refresh --app \S+ --org \S+ --secret-file FILE \(or set WEBEX_CLIENT_SECRET instead of --secret-file\)/);
    assert.match(legacy ?? "", /: Refreshing was rejected: invalid_grant\.$/);
    assert.doesNotMatch(run.stdout, /SDK text/);

    const rows = parseJson(await cli.run(["token", "status", "--store", statesStore, "--json"]));
    const secretRow = rows.find((row: { state: string }) => row.state === "client secret rejected");
    assert.equal(secretRow.rejectionReason, "client_secret");
    assert.equal(secretRow.problem, "SDK text");
    assert.match(secretRow.advice, /wxadmin token refresh --app/);
  });

  test("status fits 100 columns", async () => {
    const run = await cli.run(["token", "status", "--store", path(join("states", "tokens.json"))]);
    assertExit(run, 0);
    const tableLines = run.stdout.split("\n").filter((line) => line !== "" && !line.startsWith("PROBLEM"));
    assert.equal(tableLines.length, 8, run.stdout);
    for (const line of tableLines) {
      assert.ok(line.length <= 100, `${line.length} columns: ${line}`);
    }
    assert.match(run.stdout, /^ORG +APP +ACCESS EXPIRES +REFRESH EXPIRES +STATE$/m);
  });

  test("status of empty store", async () => {
    const run = await cli.run(["token", "status", "--store", path(join("empty", "tokens.json"))]);
    assertExit(run, 0);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /No stored tokens match in .*empty.*tokens\.json\. Store some with: wxadmin token fetch/);
  });
});

describe("token refresh", () => {
  test("refresh one org", async () => {
    const before = await readEntry(storePath, app.clientId, customerOrg);
    const requests = countRequests(emulator, "POST", ACCESS_PATH);
    const run = await cli.run(["token", "refresh", "--app", app.id, "--org", customerOrg, "--secret-file", secretPath, "--store", storePath]);
    assertExit(run, 0);
    await plantStore(storePath);
    assert.equal(countRequests(emulator, "POST", ACCESS_PATH) - requests, 1);
    assert.match(run.stdout, new RegExp(`^${customerOrg} +refreshed +14 days`, "m"));

    const after = await readEntry(storePath, app.clientId, customerOrg);
    assert.notEqual(after.tokens.access_token, before.tokens.access_token);
    assert.ok(after.obtainedAt >= before.obtainedAt);
    assert.equal(after.appId, app.id);
  });

  test("refresh all orgs", async () => {
    const requests = countRequests(emulator, "POST", ACCESS_PATH);
    const results = parseJson(
      await cli.run(["token", "refresh", "--app", app.id, "--all-orgs", "--store", storePath, "--json"], {
        env: { WEBEX_CLIENT_SECRET: app.clientSecret },
      }),
    );
    await plantStore(storePath);
    assert.equal(countRequests(emulator, "POST", ACCESS_PATH) - requests, 2);
    assert.deepEqual(results.map((result: { orgId: string }) => result.orgId).sort(), [customerOrg, developerOrg].sort());
    assert.ok(results.every((result: { result: string }) => result.result === "refreshed"));
  });

  test("refresh keeps rotated refresh token", async () => {
    emulator.configureTokens({ rotateRefreshTokens: true });
    try {
      const before = await readEntry(storePath, app.clientId, developerOrg);
      for (let round = 0; round < 2; round += 1) {
        const run = await cli.run(["token", "refresh", "--app", app.id, "--org", developerOrg, "--secret-file", secretPath, "--store", storePath]);
        assertExit(run, 0);
        await plantStore(storePath);
      }
      const after = await readEntry(storePath, app.clientId, developerOrg);
      assert.notEqual(after.tokens.refresh_token, before.tokens.refresh_token);
    } finally {
      emulator.configureTokens({ rotateRefreshTokens: false });
    }
  });

  test("refresh without org choice exits 2", async () => {
    const run = await cli.run(["token", "refresh", "--app", app.id, "--secret-file", secretPath, "--store", storePath]);
    assertExit(run, 2);
    assert.match(run.stderr, /Missing --org: name the orgs to refresh .* or pass --all-orgs/);

    const both = await cli.run(["token", "refresh", "--app", app.id, "--org", customerOrg, "--all-orgs", "--secret-file", secretPath, "--store", storePath]);
    assertExit(both, 2);
    assert.match(both.stderr, /either --org or --all-orgs/);
  });

  test("refresh without secret exits 2", async () => {
    const requests = countRequests(emulator, "POST", ACCESS_PATH);
    const run = await cli.run(["token", "refresh", "--app", app.id, "--org", customerOrg, "--store", storePath]);
    assertExit(run, 2);
    assert.match(run.stderr, /Missing client secret: token refresh needs the service app's client secret/);
    assert.equal(countRequests(emulator, "POST", ACCESS_PATH), requests);
  });

  test("refresh across two apps exits 2", async () => {
    const mixedStore = path(join("mixed", "tokens.json"));
    const store = new FileTokenStore({ path: mixedStore });
    await store.set(fakeEntry(encodeId("ORGANIZATION", randomUUID()), {}));
    await store.set(fakeEntry(encodeId("ORGANIZATION", randomUUID()), { clientId: `C${"6".repeat(64)}` }));
    const requests = countRequests(emulator, "POST", ACCESS_PATH);
    const run = await cli.run(["token", "refresh", "--all-orgs", "--secret-file", secretPath, "--store", mixedStore]);
    assertExit(run, 2);
    assert.match(run.stderr, /hold tokens of 2 apps .* each app has its own client secret; choose one with --app/);
    assert.equal(countRequests(emulator, "POST", ACCESS_PATH), requests);
  });

  test("refresh unknown org exits 3", async () => {
    const stranger = encodeId("ORGANIZATION", randomUUID());
    const run = await cli.run(["token", "refresh", "--app", app.id, "--org", stranger, "--secret-file", secretPath, "--store", storePath]);
    assertExit(run, 3);
    assert.match(run.stderr, new RegExp(`No stored token for org ${stranger}.*wxadmin token fetch --app ${app.id} --org ${stranger}`));
  });
});

describe("token print", () => {
  test("print shows stored token alone", async () => {
    const entry = await readEntry(storePath, app.clientId, customerOrg);
    const requests = countRequests(emulator, "POST", ACCESS_PATH);
    const run = await cli.run(["token", "print", "--app", app.id, "--org", customerOrg, "--store", storePath]);
    assertExit(run, 0);
    printRuns.push(run);
    assert.equal(run.stdout, `${entry.tokens.access_token}\n`);
    assert.equal(run.stderr, "");
    assert.equal(countRequests(emulator, "POST", ACCESS_PATH), requests, "no refresh");
  });

  test("print refreshes near expiry", async () => {
    const aged = await ageEntry(storePath, app.clientId, customerOrg, 1_209_600 - 60);
    const requests = countRequests(emulator, "POST", ACCESS_PATH);
    const run = await cli.run(["token", "print", "--app", app.id, "--org", customerOrg, "--store", storePath, "--secret-file", secretPath]);
    assertExit(run, 0);
    printRuns.push(run);
    await plantStore(storePath);

    const fresh = await readEntry(storePath, app.clientId, customerOrg);
    assert.notEqual(fresh.tokens.access_token, aged.tokens.access_token);
    assert.equal(run.stdout, `${fresh.tokens.access_token}\n`);
    assert.equal(countRequests(emulator, "POST", ACCESS_PATH) - requests, 1);
  });

  test("print in margin without secret warns", async () => {
    const entry = await readEntry(storePath, app.clientId, developerOrg);
    await new FileTokenStore({ path: storePath }).set({ ...entry, obtainedAt: Date.now() - (1_209_600 - 300) * 1000 });
    const requests = countRequests(emulator, "POST", ACCESS_PATH);
    const run = await cli.run(["token", "print", "--app", app.id, "--org", developerOrg, "--store", storePath]);
    assertExit(run, 0);
    printRuns.push(run);
    assert.equal(run.stdout, `${entry.tokens.access_token}\n`);
    assert.equal(countRequests(emulator, "POST", ACCESS_PATH), requests, "no refresh without the secret");

    const warnings = run.stderr.trim().split("\n");
    assert.equal(warnings.length, 1, run.stderr);
    assert.match(warnings[0] ?? "", /^wxadmin: warning: The stored access token of app \S+ in org \S+ expires in (5 minutes|4 minutes \d+ seconds) \(.* UTC\)\. /);
    assert.ok(
      run.stderr.includes(
        `Refresh it with: wxadmin token refresh --app ${app.id} --org ${developerOrg} --secret-file FILE (or set WEBEX_CLIENT_SECRET instead of --secret-file)`,
      ),
      describeRun(run),
    );

    const withEnvSecret = await cli.run(["token", "print", "--app", app.id, "--org", developerOrg, "--store", storePath, "--json"], {
      env: { WEBEX_CLIENT_SECRET: app.clientSecret },
    });
    assertExit(withEnvSecret, 0);
    printRuns.push(withEnvSecret);
    await plantStore(storePath);
    assert.equal(countRequests(emulator, "POST", ACCESS_PATH) - requests, 1, "refreshed with the secret");
  });

  test("print expired without secret exits 2", async () => {
    await ageEntry(storePath, app.clientId, developerOrg, 1_209_600 + 60);
    const requests = countRequests(emulator, "POST", ACCESS_PATH);
    const run = await cli.run(["token", "print", "--app", app.id, "--org", developerOrg, "--store", storePath]);
    assertExit(run, 2);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      /Missing client secret: the stored access token of app \S+ in org \S+ expired 1 minute( \d+ seconds?)? ago \(.*\), and refreshing it needs the service app's client secret\. Pass --secret-file FILE/,
    );
    assert.equal(countRequests(emulator, "POST", ACCESS_PATH), requests, "no refresh without the secret");
  });

  test("print json", async () => {
    const result = parseJson(
      await cli.run(["token", "print", "--app", app.id, "--org", developerOrg, "--store", storePath, "--json", "--secret-file", secretPath]),
    );
    printRuns.push(cli.runs.at(-1) as CliRun);
    await plantStore(storePath);
    const entry = await readEntry(storePath, app.clientId, developerOrg);
    assert.equal(result.access_token, entry.tokens.access_token);
    assert.equal(result.orgId, developerOrg);
    assert.equal(result.token_type, "Bearer");
    assert.ok(Date.parse(result.accessExpiresAt) > Date.now());
  });

  test("print without entry exits 3", async () => {
    const stranger = encodeId("ORGANIZATION", randomUUID());
    const run = await cli.run(["token", "print", "--app", app.id, "--org", stranger, "--store", storePath]);
    assertExit(run, 3);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, new RegExp(`No stored token for app ${app.id} in org ${stranger}`));
    assert.match(run.stderr, /fetches one with: wxadmin token fetch --app/);
  });

  test("print without org lists choices", async () => {
    const run = await cli.run(["token", "print", "--app", app.id, "--store", storePath]);
    assertExit(run, 2);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /holds 2 token pairs of app \S+, so "wxadmin token print" needs --app and --org to select one of them:/);
    for (const org of [customerOrg, developerOrg]) {
      assert.ok(run.stderr.includes(`\n  --app ${app.id} --org ${org}`), describeRun(run));
    }
  });

  test("print picks the only stored pair", async () => {
    const singleStore = path(join("single", "tokens.json"));
    await fetchInto(singleStore, app, secretPath, [customerOrg]);
    const entry = await readEntry(singleStore, app.clientId, customerOrg);

    const run = await cli.run(["token", "print", "--store", singleStore]);
    assertExit(run, 0);
    printRuns.push(run);
    assert.equal(run.stdout, `${entry.tokens.access_token}\n`);

    const byOrg = await cli.run(["token", "print", "--org", customerOrg, "--store", singleStore]);
    assertExit(byOrg, 0);
    printRuns.push(byOrg);
    assert.equal(byOrg.stdout, `${entry.tokens.access_token}\n`);

    const otherOrg = await cli.run(["token", "print", "--org", developerOrg, "--store", singleStore]);
    assertExit(otherOrg, 3);
    assert.match(otherOrg.stderr, new RegExp(`No stored token in org ${developerOrg} in file store .*fetches one with: wxadmin token fetch --app APP_ID --org ${developerOrg}`));
  });

  test("print with several apps lists them", async () => {
    const mixedStore = path(join("print-mixed", "tokens.json"));
    const store = new FileTokenStore({ path: mixedStore });
    const first = fakeEntry(encodeId("ORGANIZATION", randomUUID()), {});
    const second = fakeEntry(encodeId("ORGANIZATION", randomUUID()), { clientId: `C${"7".repeat(64)}`, appId: encodeId("APPLICATION", randomUUID()) });
    await store.set(first);
    await store.set(second);

    const run = await cli.run(["token", "print", "--store", mixedStore]);
    assertExit(run, 2);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /holds 2 token pairs, so "wxadmin token print" needs --app and --org/);
    for (const entry of [first, second]) {
      assert.ok(run.stderr.includes(`  --app ${entry.appId} --org ${entry.orgId}`), describeRun(run));
    }
  });
});

describe("run as stored app", () => {
  const noDeveloperToken = { WEBEX_ACCESS_TOKEN: undefined };

  test("whoami as stored app", async () => {
    const run = await cli.run(["whoami", "--app", app.id, "--org", customerOrg, "--store", storePath], { env: noDeveloperToken });
    assertExit(run, 0);
    assert.match(run.stdout, /^Type: +appuser$/m);
    assert.match(run.stdout, new RegExp(`^Org: +${customerOrg}$`, "m"));
    assert.match(run.stdout, /^Token: +\S+…\S+ from the token store \S+tokens\.json \(service app \S+\)$/m);
    assert.match(run.stdout, /^Token expires: +in 1[34] days/m);
  });

  test("orgs list as stored app", async () => {
    const orgs = parseJson(await cli.run(["orgs", "list", "--app", app.id, "--org", customerOrg, "--store", storePath, "--json"], { env: noDeveloperToken }));
    assert.deepEqual(orgs.map((org: { id: string }) => org.id), [customerOrg]);
  });

  test("whoami refreshes aged pair", async () => {
    const aged = await ageEntry(storePath, app.clientId, customerOrg, 1_209_600 + 3600);
    const requests = countRequests(emulator, "POST", ACCESS_PATH);
    const run = await cli.run(["whoami", "--app", app.id, "--org", customerOrg, "--store", storePath, "--verbose"], {
      env: { ...noDeveloperToken, WEBEX_CLIENT_SECRET: app.clientSecret },
    });
    assertExit(run, 0);
    await plantStore(storePath);
    assert.equal(countRequests(emulator, "POST", ACCESS_PATH) - requests, 1);
    assert.match(run.stderr, /Refreshed service-app token pair/);
    const fresh = await readEntry(storePath, app.clientId, customerOrg);
    assert.notEqual(fresh.tokens.access_token, aged.tokens.access_token);
  });

  test("store from env for stored app", async () => {
    const run = await cli.run(["whoami", "--app", app.id, "--org", customerOrg, "--json"], {
      env: { ...noDeveloperToken, WXADMIN_TOKEN_STORE: storePath },
    });
    assert.equal(parseJson(run).org.id, customerOrg);
  });

  test("stored app without org exits 2", async () => {
    const run = await cli.run(["whoami", "--app", app.id, "--store", storePath], { env: noDeveloperToken });
    assertExit(run, 2);
    assert.match(run.stderr, /Missing --org: running as service app .* needs the org to act in/);
  });

  test("stored app unknown org exits 3", async () => {
    const stranger = encodeId("ORGANIZATION", randomUUID());
    const run = await cli.run(["whoami", "--app", app.id, "--org", stranger, "--store", storePath], { env: noDeveloperToken });
    assertExit(run, 3);
    assert.match(run.stderr, /No stored token for app .* \(stored orgs of this app: /);
    assert.match(run.stderr, /wxadmin token fetch --app/);
  });

  test("app flag rejected for apps", async () => {
    const run = await cli.run(["apps", "list", "--app", app.id, "--org", customerOrg, "--store", storePath]);
    assertExit(run, 2);
    assert.match(run.stderr, /"wxadmin apps list" does not take --app/);
  });

  test("app flag with token file exits 2", async () => {
    const tokenFile = path("developer.token");
    await writeFile(tokenFile, `${emulator.tokens.developer}\n`, { mode: 0o600 });
    const run = await cli.run(["whoami", "--app", app.id, "--org", customerOrg, "--token-file", tokenFile, "--store", storePath]);
    assertExit(run, 2);
    assert.match(run.stderr, /Remove either --app or the token flag/);
  });

  test("org twice exits 2", async () => {
    const run = await cli.run(["whoami", "--org", customerOrg, "--org", developerOrg]);
    assertExit(run, 2);
    assert.match(run.stderr, /"wxadmin whoami" acts in one org, but --org named 2/);
  });

  test("apps token keeps secret file", async () => {
    // --secret-file is also a global option now; apps token must still read its own.
    const run = await cli.run(["apps", "token", app.id, "--org", customerOrg, "--secret-file", secretPath]);
    assertExit(run, 0);
    assert.match(run.stdout, /Got a token pair for service app "Token robot"/);
  });
});

describe("rejected refresh", () => {
  /** Checks that a rejection is printed once, as one error line in shell commands, not SDK calls. */
  function assertRejectionInCliWords(run: CliRun): void {
    assert.equal(run.stderr.match(/was rejected/g)?.length, 1, describeRun(run));
    assert.equal(run.stderr.match(/^wxadmin: error: /gm)?.length, 1, describeRun(run));
    assert.doesNotMatch(run.stderr, /refresh\(\)|getToken|Application\.|tokenManager|Control Hub/);
  }

  test("deauthorized app exits 3 once", async () => {
    const deauthStore = path("deauth.json");
    const target = await createAppInBothOrgs(emulator, "Deauthorized robot");
    const targetSecret = await writeSecret("deauth.secret", target.clientSecret);
    await fetchInto(deauthStore, target, targetSecret, [customerOrg]);
    await deauthorizeApp(emulator, target, "customer");

    const requests = countRequests(emulator, "POST", ACCESS_PATH);
    const run = await cli.run(["token", "refresh", "--app", target.id, "--org", customerOrg, "--secret-file", targetSecret, "--store", deauthStore]);
    assertExit(run, 3);
    assertRejectionInCliWords(run);
    assert.match(run.stderr, new RegExp(`^wxadmin: error: Refreshing the stored token of app ${target.id} in org ${customerOrg} was rejected\\. Webex's response: POST /v1/access_token failed: 400 `));
    assert.ok(
      run.stderr.includes(`a full admin of that org first authorizes it again with their own token: wxadmin apps authorize ${target.id} --org ${customerOrg}.`),
      describeRun(run),
    );
    assert.ok(run.stderr.trimEnd().endsWith(`Then get a new pair with: wxadmin token fetch --app ${target.id} --org ${customerOrg} --secret-file ${targetSecret}`), describeRun(run));
    assert.equal(countRequests(emulator, "POST", ACCESS_PATH) - requests, 1, "one refresh attempt");

    const status = await cli.run(["token", "status", "--store", deauthStore]);
    assertExit(status, 0);
    assert.match(status.stdout, / needs re-authorization$/m);
    assert.match(status.stdout, /^PROBLEM in org \S+, rejected .*: The refresh token has expired or was revoked/m);

    // The revoked access token gets 401; the provider tries one refresh, which is rejected.
    const meBefore = countRequests(emulator, "GET", "/v1/people/me");
    const whoamiRequests = countRequests(emulator, "POST", ACCESS_PATH);
    const whoami = await cli.run(["whoami", "--app", target.id, "--org", customerOrg, "--store", deauthStore, "--secret-file", targetSecret], {
      env: { WEBEX_ACCESS_TOKEN: undefined },
    });
    assertExit(whoami, 3);
    assertRejectionInCliWords(whoami);
    assert.match(whoami.stderr, /authorizes it again with their own token: wxadmin apps authorize /);
    assert.ok(countRequests(emulator, "POST", ACCESS_PATH) - whoamiRequests <= 1, "at most one refresh");
    assert.equal(countRequests(emulator, "GET", "/v1/people/me") - meBefore, 1, "no replay after the rejection");
  });

  test("regenerated secret exits 3", async () => {
    const secretStore = path("regenerated.json");
    const target = await createAppInBothOrgs(emulator, "Rotated robot");
    const oldSecret = await writeSecret("rotated-old.secret", target.clientSecret);
    await fetchInto(secretStore, target, oldSecret, [customerOrg]);
    const newSecret = await writeSecret("rotated-new.secret", await regenerateSecret(emulator, target));

    const requests = countRequests(emulator, "POST", ACCESS_PATH);
    const run = await cli.run(["token", "refresh", "--app", target.id, "--org", customerOrg, "--secret-file", oldSecret, "--store", secretStore]);
    assertExit(run, 3);
    assertRejectionInCliWords(run);
    assert.match(run.stderr, /Webex rejected the client secret from the file \S+rotated-old\.secret: it is not the app's current secret/);
    const retryCommand = `wxadmin token refresh --app ${target.id} --org ${customerOrg} --secret-file ${oldSecret}`;
    assert.ok(run.stderr.includes(`put the app's current secret in ${oldSecret} and run: ${retryCommand}.`), describeRun(run));
    assert.ok(run.stderr.trimEnd().endsWith(`wxadmin apps regenerate-secret ${target.id} --secret-out FILE`), describeRun(run));
    assert.doesNotMatch(run.stderr, /re-?authoriz/);
    assert.equal(countRequests(emulator, "POST", ACCESS_PATH) - requests, 1, "one refresh attempt");

    const status = await cli.run(["token", "status", "--store", secretStore]);
    assertExit(status, 0);
    assert.match(status.stdout, / client secret rejected$/m);
    assert.doesNotMatch(status.stdout, /needs re-authorization/);
    assert.match(status.stdout, /^PROBLEM in org \S+, rejected .*: Webex rejected the client secret: it is not the app's current secret/m);
    assert.ok(status.stdout.includes(`wxadmin token refresh --app ${target.id} --org ${customerOrg} --secret-file FILE`), describeRun(status));

    // The stored access token is still valid, so a command run as the app works meanwhile.
    const whoami = await cli.run(["whoami", "--app", target.id, "--org", customerOrg, "--store", secretStore, "--secret-file", oldSecret], {
      env: { WEBEX_ACCESS_TOKEN: undefined },
    });
    assertExit(whoami, 0);
    assert.match(whoami.stderr, /as rejected at \S+: Webex rejected the client secret\. Its access token is used until a refresh is due/);
    assert.doesNotMatch(whoami.stderr, /once more/);

    const retry = await cli.run(["token", "refresh", "--app", target.id, "--org", customerOrg, "--secret-file", newSecret, "--store", secretStore]);
    assertExit(retry, 0);
    await plantStore(secretStore);
    const rows = parseJson(await cli.run(["token", "status", "--store", secretStore, "--json"]));
    assert.equal(rows[0].state, "ok");
  });

  test("expired refresh token exits 3", async () => {
    const expiryStore = path("expired.json");
    const target = await createAppInBothOrgs(emulator, "Expiring robot");
    const targetSecret = await writeSecret("expiring.secret", target.clientSecret);
    emulator.configureTokens({ refreshTokenLifetimeSeconds: 600 });
    try {
      await fetchInto(expiryStore, target, targetSecret, [customerOrg]);
    } finally {
      emulator.configureTokens({ refreshTokenLifetimeSeconds: 7_776_000 });
    }

    emulator.clock.advance(601);
    try {
      const requests = countRequests(emulator, "POST", ACCESS_PATH);
      const run = await cli.run(["token", "refresh", "--app", target.id, "--org", customerOrg, "--secret-file", targetSecret, "--store", expiryStore]);
      assertExit(run, 3);
      assertRejectionInCliWords(run);
      assert.match(run.stderr, /The refresh token has expired or was revoked/);
      assert.equal(countRequests(emulator, "POST", ACCESS_PATH) - requests, 1, "one refresh attempt");
    } finally {
      emulator.clock.reset();
    }
  });
});

describe("apps deauthorize", () => {
  test("deauthorize forgets stored pair", async () => {
    const deauthStore = path(join("deauthorize", "tokens.json"));
    const target = await createAppInBothOrgs(emulator, "Deauthorize robot");
    const targetSecret = await writeSecret("deauthorize.secret", target.clientSecret);
    await fetchInto(deauthStore, target, targetSecret, [customerOrg, developerOrg]);
    const adminToken = path("customer-admin.token");
    await writeFile(adminToken, `${emulator.tokens.customerAdmin}\n`, { mode: 0o600 });

    const run = await cli.run(["apps", "deauthorize", target.id, "--token-file", adminToken, "--store", deauthStore]);
    assertExit(run, 0);
    assert.match(run.stdout, new RegExp(`^Deauthorized service app "Deauthorize robot" \\(${target.id}\\) in org .*${customerOrg}.*; its tokens for that org no longer work\\.$`, "m"));
    assert.ok(run.stdout.includes(`Forgot the stored token pair of app ${target.id} in org ${customerOrg} in ${deauthStore}.`), describeRun(run));
    assert.ok(run.stderr.includes(`wxadmin apps authorize ${target.id} --org ${customerOrg}`), describeRun(run));
    const orgs = Object.values((await readStoreFile(deauthStore)).entries).map((entry) => entry.orgId);
    assert.deepEqual(orgs, [developerOrg]);

    const fetchAgain = await cli.run(["token", "fetch", "--app", target.id, "--org", customerOrg, "--secret-file", targetSecret, "--store", deauthStore]);
    assertExit(fetchAgain, 3);
    assert.match(fetchAgain.stderr, /is not authorized in org/);

    const again = parseJson(await cli.run(["apps", "deauthorize", target.id, "--token-file", adminToken, "--store", deauthStore, "--json"]));
    assert.deepEqual(again, { appId: target.id, name: "Deauthorize robot", orgId: customerOrg, authorized: false, forgotStoredToken: false, store: deauthStore });
  });

  test("deauthorize as non-admin exits 3", async () => {
    const run = await cli.run(["apps", "deauthorize", app.id, "--org", customerOrg, "--store", storePath]);
    assertExit(run, 3);
    assert.match(run.stderr, /Only a full admin of organization/);
    assert.equal(Object.keys((await readStoreFile(storePath)).entries).length, 2, "nothing forgotten");
  });

  test("deauthorize rejects app name", async () => {
    const run = await cli.run(["apps", "deauthorize", "Token robot"]);
    assertExit(run, 2);
    assert.match(run.stderr, /"wxadmin apps deauthorize" takes the app's id/);
  });

  test("deauthorize help mirrors authorize", async () => {
    const run = await cli.run(["apps", "deauthorize", "--help"]);
    assertExit(run, 0);
    assert.ok(run.stdout.startsWith("Usage: wxadmin apps deauthorize [options] <app>"), describeRun(run));
    assert.match(run.stdout, /--store <file>/);
    for (const entry of optionEntries(run.stdout)) {
      if (!/^(-h, --help|-V, --version)\b/.test(entry)) {
        assert.match(entry, /Default|required/, entry);
      }
    }
  });
});

describe("token forget", () => {
  test("forget one org", async () => {
    const run = await cli.run(["token", "forget", "--app", app.id, "--org", developerOrg, "--store", storePath]);
    assertExit(run, 0);
    assert.match(run.stdout, new RegExp(`Forgot the stored token pair of app ${app.id} in org ${developerOrg}\\.`));
    const orgs = Object.values((await readStoreFile(storePath)).entries).map((entry) => entry.orgId);
    assert.deepEqual(orgs, [customerOrg]);

    const again = await cli.run(["token", "forget", "--app", app.id, "--org", developerOrg, "--store", storePath]);
    assertExit(again, 0);
    assert.match(again.stdout, /Nothing stored for app .* nothing to forget/);
  });

  test("forget all orgs", async () => {
    const envStore = path(join("env-store", "tokens.json"));
    const results = parseJson(await cli.run(["token", "forget", "--app", app.id, "--all-orgs", "--store", envStore, "--json"]));
    assert.equal(results.length, 2);
    assert.ok(results.every((result: { deleted: boolean }) => result.deleted));
    assert.deepEqual((await readStoreFile(envStore)).entries, {});
  });

  test("forget without app exits 2", async () => {
    const run = await cli.run(["token", "forget", "--org", customerOrg, "--store", storePath]);
    assertExit(run, 2);
    assert.match(run.stderr, /Missing --app/);
  });
});

describe("store files", () => {
  test("readable store file exits 2", async () => {
    const folder = path("open-file");
    await mkdir(folder, { mode: 0o700 });
    const openStore = join(folder, "tokens.json");
    await copyFile(storePath, openStore);
    await chmod(openStore, 0o644);
    const run = await cli.run(["token", "status", "--store", openStore]);
    assertExit(run, 2);
    assert.match(run.stderr, /has mode 0644, which lets other users access it. Run `chmod 600 /);
    assert.equal(run.stdout, "");
  });

  test("readable store folder exits 2", async () => {
    const folder = path("open-folder");
    await mkdir(folder);
    await chmod(folder, 0o755);
    const run = await cli.run(["token", "status", "--store", join(folder, "tokens.json")]);
    assertExit(run, 2);
    assert.match(run.stderr, /Run `chmod 700 /);
  });

  test("invalid store file exits 2", async () => {
    const folder = path("broken");
    await mkdir(folder, { mode: 0o700 });
    const broken = join(folder, "tokens.json");
    await writeFile(broken, "{ not json", { mode: 0o600 });
    const run = await cli.run(["token", "status", "--store", broken]);
    assertExit(run, 2);
    assert.match(run.stderr, /tokens\.json is not valid JSON, so it was left unchanged/);
  });
});

describe("secrets", () => {
  test("no output leaks a secret", () => {
    assert.ok(planted.size > 10, `planted ${planted.size} secrets`);
    const others = cli.runs.filter((run) => !printRuns.includes(run));
    assert.deepEqual(findLeaks(others, planted), []);

    // token print shows an access token on stdout and nothing else in full.
    assert.ok(printRuns.length >= 3);
    const notAccessTokens = [...planted].filter((secret) => !accessTokens.has(secret));
    assert.deepEqual(findLeaks(printRuns, notAccessTokens), []);
    assert.deepEqual(
      findLeaks(
        printRuns.map((run) => ({ ...run, stdout: "" })),
        planted,
      ),
      [],
    );
  });
});
