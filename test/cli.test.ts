/**
 * The built `wxadmin` CLI run as a child process against an emulator started in this process.
 * Covered: help, exit codes, bad input, the Service App flow from the shell, credential file
 * modes, JSON output and the emulator command. A final scan checks everything printed for secrets.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import { encodeId } from "../src/ids.js";
import { InvalidInputError } from "../src/transport/errors.js";
import { Webex } from "../src/webex.js";
import { CLI_MAIN, CliRecorder, type CliRun, describeRun, assertExit, parseJson } from "./helpers/cli-run.js";
import { findCredentialShapes, findLeaks } from "./helpers/cli-secrets.js";

let emulator: Emulator;
let dir: string;
let cli: CliRecorder;

/** Every secret and token the tests saw; none may appear in full in CLI output. */
const planted = new Set<string>();
/** The one run that shows a client secret in full: `apps create` without `--secret-out`. */
let secretShownOnce: { run: CliRun; secret: string } | undefined;
/** Runs of `wxadmin emulator`, which print that emulator's own tokens on purpose. */
const emulatorCommandRuns: Array<{ run: CliRun; tokens: string[] }> = [];

const SCOPES = "spark-admin:people_read,spark-admin:licenses_read";

function path(name: string): string {
  return join(dir, name);
}

async function modeOf(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

async function readPair(file: string): Promise<Record<string, unknown>> {
  const pair = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  planted.add(pair.access_token as string);
  planted.add(pair.refresh_token as string);
  return pair;
}

async function readSecretFile(file: string): Promise<string> {
  const secret = (await readFile(file, "utf8")).trim();
  planted.add(secret);
  return secret;
}

async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.notEqual(address, null);
  assert.equal(typeof address, "object");
  return (address as { port: number }).port;
}

before(async () => {
  emulator = await startEmulator({ port: 0, people: 30 });
  dir = await mkdtemp(join(tmpdir(), "wxadmin-cli-test-"));
  cli = new CliRecorder({ WEBEX_BASE_URL: emulator.url, WEBEX_ACCESS_TOKEN: emulator.tokens.developer });
  planted.add(emulator.tokens.developer);
  planted.add(emulator.tokens.customerAdmin);
  await writeFile(path("admin.token"), `${emulator.tokens.customerAdmin}\n`, { mode: 0o600 });
});

after(async () => {
  await emulator?.stop();
  if (dir !== undefined) {
    await rm(dir, { recursive: true, force: true });
  }
});

describe("help", () => {
  const commandPaths = [
    [],
    ["whoami"],
    ["orgs"],
    ["orgs", "list"],
    ["apps"],
    ["apps", "list"],
    ["apps", "show"],
    ["apps", "create"],
    ["apps", "authorize"],
    ["apps", "deauthorize"],
    ["apps", "token"],
    ["apps", "refresh"],
    ["apps", "regenerate-secret"],
    ["apps", "delete"],
    ["emulator"],
    ["emulator", "mutate"],
    ["demo"],
  ];

  let helpRuns: Promise<CliRun[]> | undefined;
  const runHelp = (): Promise<CliRun[]> => {
    helpRuns ??= Promise.all(commandPaths.map((commandPath) => cli.run([...commandPath, "--help"])));
    return helpRuns;
  };

  test("every command prints usage", async () => {
    const runs = await runHelp();
    for (const [index, run] of runs.entries()) {
      const commandPath = commandPaths[index] ?? [];
      assertExit(run, 0);
      assert.ok(run.stdout.startsWith(`Usage: wxadmin ${commandPath.join(" ")}`.trimEnd()), describeRun(run));
      assert.equal(run.stderr, "", describeRun(run));
    }
  });

  test("every flag states default or requirement", async () => {
    const runs = await runHelp();
    for (const run of runs) {
      for (const entry of optionEntries(run.stdout)) {
        if (/^(-h, --help|-V, --version)\b/.test(entry)) {
          continue;
        }
        assert.match(entry, /Default|required/, `${run.args.join(" ")}: ${entry}`);
      }
    }
  });

  test("root help lists commands and exit codes", async () => {
    const run = await cli.run(["--help"]);
    for (const command of ["whoami", "orgs", "apps", "emulator", "demo"]) {
      assert.match(run.stdout, new RegExp(`^  ${command}\\b`, "m"));
    }
    assert.match(run.stdout, /Exit codes: 0 success, 1 API or network failure, 2 invalid usage or input/);
  });

  test("help shows no commander suffixes", async () => {
    const runs = await runHelp();
    for (const run of runs) {
      assert.doesNotMatch(run.stdout, /\((default|choices|env): /, run.args.join(" "));
    }
  });

  test("emulator and demo list output options", async () => {
    for (const name of ["emulator", "demo"]) {
      const run = await cli.run([name, "--help"]);
      assertExit(run, 0);
      const globals = globalOptionEntries(run.stdout).map((entry) => entry.split(/\s/)[0]);
      assert.deepEqual(globals, ["-V,", "--json", "--verbose", "--quiet"], name);
    }
  });

  test("apps help lists applicable options", async () => {
    const run = await cli.run(["apps", "token", "--help"]);
    assertExit(run, 0);
    const globals = globalOptionEntries(run.stdout).map((entry) => entry.split(/\s/)[0]);
    assert.deepEqual(globals, ["-V,", "--token", "--token-file", "--base-url", "--org", "--json", "--verbose", "--quiet"]);
    assert.equal(run.stdout.match(/--secret-file <file>/g)?.length, 1, "listed once, among the command's options");
  });

  test("base URL help names its variable", async () => {
    const entry = optionEntries((await cli.run(["--help"])).stdout).find((option) => option.startsWith("--base-url"));
    assert.match(entry ?? "", /Default: the WEBEX_BASE_URL environment variable, else https:\/\/webexapis\.com\/v1\./);
  });

  test("apps create has no secret flag", async () => {
    const run = await cli.run(["apps", "create", "--help"]);
    assert.match(run.stdout, /--secret-out <file>/);
    assert.doesNotMatch(run.stdout, /--secret[ <]/);
    assert.doesNotMatch(run.stdout, /--client-secret/);
  });

  test("help command and version", async () => {
    const help = await cli.run(["help", "apps"]);
    assertExit(help, 0);
    assert.match(help.stdout, /^Usage: wxadmin apps/);

    const nested = await cli.run(["help", "apps", "token"]);
    assertExit(nested, 0);
    assert.match(nested.stdout, /^Usage: wxadmin apps token \[options\] <app>/);
    const unknown = await cli.run(["help", "apps", "frobnicate"]);
    assertExit(unknown, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);

    const version = await cli.run(["--version"]);
    assertExit(version, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});

describe("usage errors", () => {
  test("no command exits 2", async () => {
    const run = await cli.run([]);
    assertExit(run, 2);
    assert.match(run.stderr, /Usage: wxadmin/);
  });

  test("unknown command exits 2", async () => {
    const run = await cli.run(["frobnicate"]);
    assertExit(run, 2);
    assert.match(run.stderr, /unknown command 'frobnicate'/);
    assert.match(run.stderr, /^wxadmin: See "wxadmin --help" for the list of commands\.$/m);
  });

  test("unknown subcommand points to group help", async () => {
    const run = await cli.run(["apps", "frobnicate"]);
    assertExit(run, 2);
    assert.match(run.stderr, /^wxadmin: See "wxadmin apps --help" for the list of commands\.$/m);
  });

  test("secret flag is rejected", async () => {
    const run = await cli.run(["apps", "token", "app", "--org", emulator.orgs.customer.id, "--secret", emulator.tokens.developer]);
    assertExit(run, 2);
    assert.match(run.stderr, /unknown option '--secret'/);
    assert.match(run.stderr, /never taken from a flag.*Pass --secret-file FILE .* or set WEBEX_CLIENT_SECRET\./);
    assert.match(run.stderr, /^wxadmin: See "wxadmin apps token --help" for its usage\.$/m);
  });

  test("secret flag value is masked", async () => {
    const secret = "c0ffee".repeat(10) + "abcd";
    planted.add(secret);
    const run = await cli.run(["apps", "token", "app", `--client-secret=${secret}`]);
    assertExit(run, 2);
    assert.match(run.stderr, /unknown option '--client-secret=\*\*\*\*'/);
    assert.equal(run.stderr.includes(secret), false);
  });

  test("long stray argument is masked", async () => {
    const secret = "5eed".repeat(16);
    planted.add(secret);
    for (const args of [[secret], ["token", secret], ["emulator", "--port", secret], ["whoami", secret], ["apps", "show", "app", secret]]) {
      const run = await cli.run(args);
      assertExit(run, 2);
      assert.equal(run.stderr.includes(secret), false, describeRun(run));
      assert.equal(run.stdout, "");
    }
    const unknown = await cli.run(["token", secret]);
    assert.match(unknown.stderr, /^wxadmin: error: unknown command '5eed…5eed'$/m);
    const invalid = await cli.run(["emulator", "--port", secret]);
    assert.match(invalid.stderr, /argument '5eed…5eed' is invalid\. Expected a whole number, got "5eed…5eed"\./);
  });

  test("secret flag gets no spelling hint", async () => {
    const run = await cli.run(["whoami", "--secret", "short-secret-1"]);
    assertExit(run, 2);
    assert.doesNotMatch(run.stderr, /Did you mean/);
    assert.match(run.stderr, /Pass --secret-file FILE/);
    assert.equal(run.stderr.includes("short-secret-1"), false);
  });

  test("missing option points to help", async () => {
    const run = await cli.run(["apps", "refresh"]);
    assertExit(run, 2);
    assert.match(run.stderr, /required option '--from <file>' not specified/);
    assert.match(run.stderr, /^wxadmin: See "wxadmin apps refresh --help" for its usage\.$/m);
  });

  test("demo rejects token flag", async () => {
    const run = await cli.run(["demo", "--token", "some-token-value"]);
    assertExit(run, 2);
    assert.match(run.stderr, /"wxadmin demo" does not take --token: the demo starts its own emulator/);
    assert.equal(run.stdout, "");
  });

  test("emulator rejects org flag", async () => {
    const run = await cli.run(["emulator", "--org", emulator.orgs.customer.id]);
    assertExit(run, 2);
    assert.match(run.stderr, /"wxadmin emulator" does not take --org/);
  });

  test("apps rejects store flag", async () => {
    const run = await cli.run(["apps", "list", "--store", path("tokens.json")]);
    assertExit(run, 2);
    assert.match(run.stderr, /"wxadmin apps list" does not take --store: the apps commands act with the access token/);
  });

  test("missing access token exits 2", async () => {
    const run = await cli.run(["whoami"], { env: { WEBEX_ACCESS_TOKEN: undefined } });
    assertExit(run, 2);
    assert.match(run.stderr, /^wxadmin: error: Missing access token: pass --token-file FILE/);
    assert.equal(run.stderr.trim().split("\n").length, 1, "one line on stderr");
    assert.equal(run.stdout, "");
  });

  test("missing token file exits 2", async () => {
    const run = await cli.run(["whoami", "--token-file", path("no-such.token")]);
    assertExit(run, 2);
    assert.match(run.stderr, /Cannot read token file .*no-such\.token: no such file/);
  });

  test("both token flags exit 2", async () => {
    const run = await cli.run(["whoami", "--token", "abc", "--token-file", path("admin.token")]);
    assertExit(run, 2);
    assert.match(run.stderr, /cannot be used with/);
  });

  test("verbose with quiet exits 2", async () => {
    const run = await cli.run(["whoami", "--verbose", "--quiet"]);
    assertExit(run, 2);
  });

  test("invalid port exits 2", async () => {
    const run = await cli.run(["emulator", "--port", "eighty"]);
    assertExit(run, 2);
    assert.match(run.stderr, /Expected a whole number, got "eighty"/);
  });

  test("remote http base URL exits 2", async () => {
    // The SDK must reject the URL before any request leaves the machine.
    let isFetchCalled = false;
    const fetchStub: typeof fetch = async () => {
      isFetchCalled = true;
      throw new Error("no request may be sent");
    };
    await assert.rejects(
      Webex.connect({ accessToken: "a-token-for-the-check", baseUrl: "http://example.com", fetch: fetchStub }),
      InvalidInputError,
    );
    assert.equal(isFetchCalled, false);

    const run = await cli.run(["whoami", "--base-url", "http://example.com"]);
    assertExit(run, 2);
    assert.match(run.stderr, /http:\/\/example\.com.*loopback/);
    assert.equal(run.stderr.trim().split("\n").length, 1, "one line on stderr");
  });

  test("missing secret file exits 2", async () => {
    const run = await cli.run([
      "apps",
      "token",
      "some-app",
      "--org",
      emulator.orgs.customer.id,
      "--secret-file",
      path("missing.secret"),
    ]);
    assertExit(run, 2);
    assert.match(run.stderr, /Cannot read client secret file .*missing\.secret: no such file/);
  });

  test("empty secret file names next step", async () => {
    await writeFile(path("empty.secret"), "\n", { mode: 0o600 });
    const run = await cli.run(["apps", "token", "some-app", "--org", emulator.orgs.customer.id, "--secret-file", path("empty.secret")]);
    assertExit(run, 2);
    assert.match(run.stderr, /The client secret file .*empty\.secret is empty\. Put the app's client secret in it, or set WEBEX_CLIENT_SECRET/);
    assert.match(run.stderr, /wxadmin apps regenerate-secret APP_ID --secret-out FILE/);
  });

  test("empty token file names next step", async () => {
    await writeFile(path("empty.token"), "", { mode: 0o600 });
    const run = await cli.run(["whoami", "--token-file", path("empty.token")]);
    assertExit(run, 2);
    assert.match(run.stderr, /The token file .*empty\.token is empty\. Put the access token in it/);
  });

  test("authorize rejects app name", async () => {
    const requestsBefore = emulator.requestLog.length;
    const run = await cli.run(["apps", "authorize", "Audit robot", "--token-file", path("admin.token")]);
    assertExit(run, 2);
    assert.match(run.stderr, /"wxadmin apps authorize" takes the app's id .*"Audit robot" is not an app id\. Pass the app id the developer shared/);
    assert.equal(emulator.requestLog.length, requestsBefore, "rejected before any request");
  });

  test("authorize rejects org id", async () => {
    const run = await cli.run(["apps", "authorize", emulator.orgs.customer.id, "--token-file", path("admin.token")]);
    assertExit(run, 2);
    assert.match(run.stderr, /is a Webex id of kind ORGANIZATION/);
  });

  test("show rejects org id", async () => {
    const run = await cli.run(["apps", "show", emulator.orgs.developer.id]);
    assertExit(run, 2);
    assert.match(run.stderr, /is a Webex id of kind ORGANIZATION, not an app id/);
  });

  test("missing secret exits 2", async () => {
    const run = await cli.run(["apps", "token", "some-app", "--org", emulator.orgs.customer.id]);
    assertExit(run, 2);
    assert.match(run.stderr, /Missing client secret: pass --secret-file FILE or set WEBEX_CLIENT_SECRET/);
  });

  test("apps token without org exits 2", async () => {
    const run = await cli.run(["apps", "token", "some-app"], { env: { WEBEX_CLIENT_SECRET: "x".repeat(64) } });
    assertExit(run, 2);
    assert.match(run.stderr, /Missing --org/);
  });

  test("apps create without scope exits 2", async () => {
    const run = await cli.run(["apps", "create", "--name", "n", "--contact-email", "a@example.com", "--logo", "https://example.com/l.png"]);
    assertExit(run, 2);
    assert.match(run.stderr, /Missing --scope/);
  });

  test("apps create without name exits 2", async () => {
    const run = await cli.run(["apps", "create", "--contact-email", "a@example.com", "--logo", "https://example.com/l.png"]);
    assertExit(run, 2);
    assert.match(run.stderr, /required option '--name <name>' not specified/);
  });
});

describe("API failures", () => {
  test("invalid token exits 3", async () => {
    const run = await cli.run(["whoami"], { env: { WEBEX_ACCESS_TOKEN: "not-a-token-the-emulator-issued" } });
    assertExit(run, 3);
    assert.match(run.stderr, /401/);
    assert.match(run.stderr, /trackingId/);
    assert.match(run.stderr, /Webex rejected the access token from environment variable WEBEX_ACCESS_TOKEN: it has expired, was revoked/);
    assert.match(run.stderr, /Pass a current token/);
  });

  test("invalid token flag names flag", async () => {
    const run = await cli.run(["whoami", "--token", "not-a-token-the-emulator-issued", "--quiet"], { env: { WEBEX_ACCESS_TOKEN: undefined } });
    assertExit(run, 3);
    assert.match(run.stderr, /Webex rejected the access token from the --token flag/);
  });

  test("invalid token file names file", async () => {
    await writeFile(path("stale.token"), "not-a-token-the-emulator-issued\n", { mode: 0o600 });
    const run = await cli.run(["whoami", "--token-file", path("stale.token")]);
    assertExit(run, 3);
    assert.match(run.stderr, /Webex rejected the access token from token file .*stale\.token.*Put a current token in .*stale\.token/);
  });

  test("unknown app id exits 1", async () => {
    const run = await cli.run(["apps", "show", encodeId("APPLICATION", randomUUID())]);
    assertExit(run, 1);
    assert.match(run.stderr, /^wxadmin: error: GET \/v1\/applications\/\S+ failed: 404/);
    assert.match(run.stderr, /No app has the id \S+, or your token cannot see it\. Check the id, or list the apps of your org with: wxadmin apps list/);
  });

  test("unknown app name exits 1", async () => {
    const run = await cli.run(["apps", "show", "no app has this name"]);
    assertExit(run, 1);
    assert.match(run.stderr, /"no app has this name" is neither an app id nor the name of an app in your org /);
    assert.match(run.stderr, /An app of another org is found only by its id\./);
  });

  test("admin authorize unknown id exits 1", async () => {
    const run = await cli.run(["apps", "authorize", encodeId("APPLICATION", randomUUID()), "--token-file", path("admin.token")]);
    assertExit(run, 1);
    assert.match(run.stderr, /No service app has the id \S+: check the id with the developer who shared it/);
  });

  test("refused connection exits 1", async () => {
    const port = await findClosedPort();
    const run = await cli.run(["whoami", "--base-url", `http://127.0.0.1:${port}/v1`]);
    assertExit(run, 1);
    assert.match(run.stderr, /wxadmin: error: .*gave up after \d+ attempts/);
    assert.match(run.stderr, new RegExp(`Check the base URL http://127\\.0\\.0\\.1:${port}/v1 \\(from the --base-url flag; set it with --base-url or WEBEX_BASE_URL\\) and that the server there is running`));
  });

  test("refused connection names variable", async () => {
    const port = await findClosedPort();
    const run = await cli.run(["whoami", "--quiet"], { env: { WEBEX_BASE_URL: `http://127.0.0.1:${port}/v1` } });
    assertExit(run, 1);
    assert.match(run.stderr, /\(from WEBEX_BASE_URL; set it with/);
  });

  test("blocked port fails at once", async () => {
    const run = await cli.run(["whoami", "--base-url", "http://127.0.0.1:1/v1"]);
    assertExit(run, 1);
    assert.match(run.stderr, /bad port, a port that fetch never connects to/);
    assert.match(run.stderr, /1 attempt\)/);
    assert.doesNotMatch(run.stderr, /retrying/);
  });

  test("base URL without v1 hints", async () => {
    const run = await cli.run(["whoami", "--base-url", emulator.url.replace(/\/v1$/, "")]);
    assertExit(run, 1);
    assert.match(run.stderr, /404/);
    assert.match(run.stderr, /does not end in \/v1, as Webex's \(https:\/\/webexapis\.com\/v1\) and the emulator's do; check the baseUrl option \(--base-url in the CLI\) or WEBEX_BASE_URL/);
  });

  test("verbose names token source", async () => {
    const run = await cli.run(["whoami", "--verbose"]);
    assertExit(run, 0);
    assert.match(run.stderr, /Connecting to \S+ with a static access token from environment variable WEBEX_ACCESS_TOKEN\./);
    assert.match(run.stderr, /^wxadmin: info: Connected as .* in org .*; 1 org visible\.$/m);
    assert.match(run.stderr, /^wxadmin: info: GET \/v1\/people\/me 200 in \d+ ms requestId=WXADMIN_\S+ attempt=1$/m);
    assert.doesNotMatch(run.stderr, /trackingId=|method=|path=/);
  });

  test("429 warnings are short and counted", async () => {
    emulator.inject({ method: "GET", path: "/people/me", status: 429, retryAfter: "0", times: 2 });
    const run = await cli.run(["whoami"]);
    assertExit(run, 0);
    // The second 429 is counted for a periodic summary, which is due only after 30 s, so the
    // command's end reports it.
    const lines = run.stderr.split("\n");
    assert.equal(lines[0], "wxadmin: warning: GET /v1/people/me was rate limited (429) on attempt 1; all requests of this token wait 0 s.");
    assert.match(lines[1] ?? "", /^wxadmin: warning: 1 more 429 response in the last [\d.]+ s; requests of this token waited 0 s in total\.$/);
    assert.deepEqual(lines.slice(2), [""]);
  });

  test("server error on create exits 1", async () => {
    const createsBefore = countRequests("POST", "/v1/applications");
    emulator.inject({ method: "POST", path: "/applications", status: 500 });
    const run = await cli.run([
      "apps",
      "create",
      "--name",
      "Fails once",
      "--contact-email",
      "dev@example.com",
      "--logo",
      "https://example.com/logo.png",
      "--scope",
      SCOPES,
      "--secret-out",
      path("fails.secret"),
    ]);
    assertExit(run, 1);
    assert.match(run.stderr, /500/);
    assert.equal(countRequests("POST", "/v1/applications") - createsBefore, 1, "the POST is not repeated");
    await assert.rejects(stat(path("fails.secret")), { code: "ENOENT" });
  });

  test("verbose error shows stack", async () => {
    const run = await cli.run(["apps", "show", encodeId("APPLICATION", randomUUID()), "--verbose"]);
    assertExit(run, 1);
    assert.match(run.stderr, /^wxadmin: error: /m);
    assert.match(run.stderr, /^\s+at /m);
  });
});

describe("shell flow", () => {
  let appId = "";
  let clientId = "";
  let firstSecret = "";

  test("apps create writes secret file", async () => {
    const run = await cli.run([
      "apps",
      "create",
      "--name",
      "Audit robot",
      "--contact-email",
      "dev@example.com",
      "--logo",
      "https://example.com/logo.png",
      "--scope",
      SCOPES,
      "--scope",
      "spark-admin:organizations_read",
      "--secret-out",
      path("app.secret"),
      "--json",
    ]);
    const created = parseJson(run);
    appId = created.id;
    clientId = created.clientId;
    assert.equal(typeof appId, "string");
    assert.equal(created.clientSecret, undefined);
    assert.equal(created.clientSecretFile, path("app.secret"));
    assert.deepEqual(created.scopes, ["spark-admin:people_read", "spark-admin:licenses_read", "spark-admin:organizations_read"]);
    assert.equal(await modeOf(path("app.secret")), 0o600);
    firstSecret = await readSecretFile(path("app.secret"));
    assert.ok(firstSecret.length >= 16);
  });

  test("apps create masks secret in text", async () => {
    const run = await cli.run([
      "apps",
      "create",
      "--name",
      "Second robot",
      "--contact-email",
      "dev@example.com",
      "--logo",
      "https://example.com/logo.png",
      "--scope",
      SCOPES,
      "--secret-out",
      path("second.secret"),
    ]);
    assertExit(run, 0);
    const secret = await readSecretFile(path("second.secret"));
    assert.match(run.stdout, /Client secret: +\S+…\S+ \(written to .*second\.secret, mode 0600\)/);
    assert.ok(!run.stdout.includes(secret));
  });

  test("apps create keeps existing secret file", async () => {
    const appsBefore = parseJson(await cli.run(["apps", "list", "--json"])).length;
    const run = await cli.run([
      "apps",
      "create",
      "--name",
      "Not created",
      "--contact-email",
      "dev@example.com",
      "--logo",
      "https://example.com/logo.png",
      "--scope",
      SCOPES,
      "--secret-out",
      path("app.secret"),
    ]);
    assertExit(run, 2);
    assert.match(run.stderr, /app\.secret already exists; pass --force/);
    assert.equal((await readFile(path("app.secret"), "utf8")).trim(), firstSecret);
    assert.equal(parseJson(await cli.run(["apps", "list", "--json"])).length, appsBefore, "no app was created");
  });

  test("apps create shows secret once", async () => {
    const run = await cli.run([
      "apps",
      "create",
      "--name",
      "Shown once",
      "--contact-email",
      "dev@example.com",
      "--logo",
      "https://example.com/logo.png",
      "--scope",
      SCOPES,
    ]);
    assertExit(run, 0);
    const match = run.stdout.match(/^Client secret: +(\S+)$/m);
    assert.ok(match?.[1], describeRun(run));
    assert.ok(!match[1].includes("…"), "the secret is shown in full");
    assert.match(run.stderr, /only time the client secret is shown/);
    secretShownOnce = { run, secret: match[1] };
    planted.add(match[1]);
  });

  test("apps list and show print JSON", async () => {
    const listed = parseJson(await cli.run(["apps", "list", "--json"]));
    assert.ok(Array.isArray(listed));
    assert.ok(listed.some((app: { id: string }) => app.id === appId));

    const shown = parseJson(await cli.run(["apps", "show", appId, "--json"]));
    assert.equal(shown.id, appId);
    assert.equal(shown.clientId, clientId);
    assert.equal(shown.clientSecret, undefined);

    const byName = await cli.run(["apps", "show", "Audit robot"]);
    assertExit(byName, 0);
    assert.match(byName.stdout, new RegExp(`^Id: +${appId}$`, "m"));
  });

  test("apps list limit", async () => {
    const listed = parseJson(await cli.run(["apps", "list", "--limit", "1", "--json"]));
    assert.equal(listed.length, 1);
  });

  test("token before authorization exits 3", async () => {
    const run = await cli.run(["apps", "token", appId, "--org", emulator.orgs.customer.id, "--secret-file", path("app.secret")]);
    assertExit(run, 3);
    assert.match(run.stderr, /403/);
  });

  test("developer cannot authorize customer org", async () => {
    const run = await cli.run(["apps", "authorize", appId, "--org", emulator.orgs.customer.id]);
    assertExit(run, 3);
  });

  test("admin authorizes with token file", async () => {
    const result = parseJson(await cli.run(["apps", "authorize", appId, "--token-file", path("admin.token"), "--json"]));
    assert.equal(result.appId, appId);
    assert.equal(result.orgId, emulator.orgs.customer.id);
    assert.equal(result.authorized, true);
  });

  test("caller without token scope exits 3", async () => {
    const token = emulator.createPersonalToken({ org: "developer", role: "full_admin", scopes: ["spark:all"] });
    planted.add(token);
    const run = await cli.run(["apps", "token", appId, "--org", emulator.orgs.customer.id, "--secret-file", path("app.secret")], {
      env: { WEBEX_ACCESS_TOKEN: token },
    });
    assertExit(run, 3);
    assert.match(run.stderr, /spark:applications_token/);
  });

  test("apps token writes pair file", async () => {
    const run = await cli.run([
      "apps",
      "token",
      appId,
      "--org",
      emulator.orgs.customer.id,
      "--secret-file",
      path("app.secret"),
      "--out",
      path("pair.json"),
    ]);
    assertExit(run, 0);
    assert.equal(await modeOf(path("pair.json")), 0o600);
    const pair = await readPair(path("pair.json"));
    for (const field of ["access_token", "refresh_token", "token_type"]) {
      assert.equal(typeof pair[field], "string", field);
    }
    for (const field of ["expires_in", "refresh_token_expires_in"]) {
      assert.equal(typeof pair[field], "number", field);
    }
    assert.equal(pair.appId, appId);
    assert.equal(pair.clientId, clientId);
    assert.equal(pair.orgId, emulator.orgs.customer.id);
    assert.ok(Date.parse(pair.accessExpiresAt as string) > Date.now());
    assert.match(run.stdout, /Access token: +\S+…\S+, expires in \d+ days? /);
    assert.match(run.stdout, /Saved to: +.*pair\.json \(mode 0600\)/);
  });

  test("apps token accepts org UUID", async () => {
    const result = parseJson(
      await cli.run([
        "apps",
        "token",
        appId,
        "--org",
        emulator.orgs.customer.uuid,
        "--secret-file",
        path("app.secret"),
        "--out",
        path("pair-uuid.json"),
        "--json",
      ]),
    );
    assert.equal(result.orgId, emulator.orgs.customer.id);
    assert.equal(result.file, path("pair-uuid.json"));
    assert.equal(result.access_token, undefined);
    assert.match(result.access_token_masked, /…/);
    await readPair(path("pair-uuid.json"));
  });

  test("apps token keeps existing pair file", async () => {
    const before = await readFile(path("pair.json"), "utf8");
    const run = await cli.run([
      "apps",
      "token",
      appId,
      "--org",
      emulator.orgs.customer.id,
      "--secret-file",
      path("app.secret"),
      "--out",
      path("pair.json"),
    ]);
    assertExit(run, 2);
    assert.match(run.stderr, /pair\.json already exists; pass --force/);
    assert.equal(await readFile(path("pair.json"), "utf8"), before);
  });

  test("apps token without out masks tokens", async () => {
    const run = await cli.run(["apps", "token", appId, "--org", emulator.orgs.customer.id], {
      env: { WEBEX_CLIENT_SECRET: firstSecret },
    });
    assertExit(run, 0);
    assert.match(run.stdout, /Access token: +\S+…\S+/);
    assert.ok(
      run.stderr.includes(`were not saved. To write them to a file only you can read, run:\n  wxadmin apps token ${appId} --org ${emulator.orgs.customer.id} --out FILE\n`),
      describeRun(run),
    );
  });

  test("apps token masks differ per token", async () => {
    const runs = [];
    for (let index = 0; index < 2; index += 1) {
      runs.push(await cli.run(["apps", "token", appId, "--org", emulator.orgs.customer.id, "--secret-file", path("app.secret"), "--quiet"]));
    }
    const masks = runs.map((run) => run.stdout.match(/^  Access token: +(\S+),/m)?.[1] ?? "");
    assert.match(masks[0] ?? "", /^\S{4}…\S{4}$/, runs.map(describeRun).join("\n"));
    // Every token of an org ends in its UUID, so masks must end in characters from before it.
    assert.notEqual(masks[0]?.slice(-4), masks[1]?.slice(-4));
    assert.notEqual(masks[0]?.slice(-4), emulator.orgs.customer.uuid.slice(-4));
    assert.match(runs[0]?.stderr ?? "x", /^$/, "--quiet drops the notice");
  });

  test("whoami reads pair file", async () => {
    const result = parseJson(await cli.run(["whoami", "--token-file", path("pair.json"), "--json"]));
    assert.equal(result.org.id, emulator.orgs.customer.id);
    assert.equal(result.person.type, "appuser");
    assert.equal(result.tokenSource, `token file ${path("pair.json")}`);

    const text = await cli.run(["whoami", "--token-file", path("pair.json")]);
    assertExit(text, 0);
    assert.match(text.stdout, /^Token expires: +in 14 days \(/m);
    assert.equal(text.stderr, "");
  });

  test("token flag works", async () => {
    const result = parseJson(
      await cli.run(["whoami", "--token", emulator.tokens.customerAdmin, "--json"], { env: { WEBEX_ACCESS_TOKEN: undefined } }),
    );
    assert.equal(result.org.id, emulator.orgs.customer.id);
    assert.equal(result.tokenSource, "the --token flag");
  });

  test("whoami reads plain token file", async () => {
    const result = parseJson(await cli.run(["whoami", "--token-file", path("admin.token"), "--json"]));
    assert.equal(result.org.id, emulator.orgs.customer.id);
    assert.equal(result.person.type, "person");
  });

  test("readable token file warns", async () => {
    await chmod(path("pair.json"), 0o644);
    try {
      const run = await cli.run(["whoami", "--token-file", path("pair.json")]);
      assertExit(run, 0);
      assert.match(run.stderr, /readable by other users \(mode 0644\); restrict it with: chmod 600/);

      const quiet = await cli.run(["whoami", "--token-file", path("pair.json"), "--quiet"]);
      assertExit(quiet, 0);
      assert.equal(quiet.stderr, "");
    } finally {
      await chmod(path("pair.json"), 0o600);
    }
  });

  test("apps refresh replaces from file", async () => {
    const before = await readPair(path("pair.json"));
    const result = parseJson(
      await cli.run(["apps", "refresh", "--from", path("pair.json"), "--secret-file", path("app.secret"), "--out", path("pair.json"), "--json"]),
    );
    assert.equal(result.appId, appId);
    assert.equal(result.orgId, emulator.orgs.customer.id);
    assert.equal(await modeOf(path("pair.json")), 0o600);
    const after = await readPair(path("pair.json"));
    assert.notEqual(after.access_token, before.access_token);
    assert.equal(after.orgId, emulator.orgs.customer.id);

    const whoami = await cli.run(["whoami", "--token-file", path("pair.json")]);
    assertExit(whoami, 0);
  });

  test("apps refresh without out masks tokens", async () => {
    const run = await cli.run(["apps", "refresh", appId, "--from", path("pair.json"), "--secret-file", path("app.secret")]);
    assertExit(run, 0);
    assert.match(run.stdout, /Refresh token: +\S+…\S+ \(unchanged\)/);
    const command = `wxadmin apps refresh --from ${path("pair.json")} --secret-file ${path("app.secret")} --out ${path("pair.json")}`;
    assert.ok(run.stderr.includes(`run:\n  ${command}\n`), describeRun(run));
  });

  test("apps refresh needs pair file", async () => {
    const run = await cli.run(["apps", "refresh", appId, "--from", path("admin.token"), "--secret-file", path("app.secret")]);
    assertExit(run, 2);
    assert.match(run.stderr, /is not JSON/);
  });

  test("regenerate-secret writes new file", async () => {
    const run = await cli.run(["apps", "regenerate-secret", appId, "--secret-out", path("app2.secret")]);
    assertExit(run, 0);
    assert.equal(await modeOf(path("app2.secret")), 0o600);
    const secret = await readSecretFile(path("app2.secret"));
    assert.notEqual(secret, firstSecret);
    assert.match(run.stdout, /Client secret: +\S+…\S+ \(written to/);
    assert.match(run.stderr, /old client secret no longer works/);
  });

  test("regenerate-secret replaces with force", async () => {
    const result = parseJson(
      await cli.run(["apps", "regenerate-secret", appId, "--secret-out", path("app2.secret"), "--force", "--json"]),
    );
    assert.equal(result.appId, appId);
    assert.equal(result.clientSecretFile, path("app2.secret"));
    assert.equal(result.clientSecret, undefined);
    assert.equal(await modeOf(path("app2.secret")), 0o600);
    await readSecretFile(path("app2.secret"));
  });

  test("old secret is rejected", async () => {
    const token = await cli.run(["apps", "token", appId, "--org", emulator.orgs.customer.id, "--secret-file", path("app.secret")]);
    assertExit(token, 3);
    assert.match(token.stderr, /400/);
    assert.match(token.stderr, /^wxadmin: error: Webex rejected the client secret from the file .*app\.secret for app /);
    assert.match(token.stderr, /Check that .*app\.secret holds the app's current client secret/);
    assert.ok(token.stderr.includes(`wxadmin apps regenerate-secret ${appId} --secret-out FILE`), describeRun(token));

    const refresh = await cli.run(["apps", "refresh", "--from", path("pair.json"), "--secret-file", path("app.secret")]);
    assertExit(refresh, 3);
    assert.match(refresh.stderr, /^wxadmin: error: Refreshing the token pair in .*pair\.json was rejected\. Webex's response: POST \/v1\/access_token failed: 400 /);
    assert.match(refresh.stderr, /Webex rejected the client secret from the file .*app\.secret: it is not the app's current secret/);
    const retry = `wxadmin apps refresh --from ${path("pair.json")} --secret-file ${path("app.secret")} --out ${path("pair.json")}`;
    assert.ok(refresh.stderr.includes(`put the app's current secret in ${path("app.secret")} and run: ${retry}.`), describeRun(refresh));
    assert.equal(refresh.stderr.match(/was rejected/g)?.length, 1, describeRun(refresh));
    assert.doesNotMatch(refresh.stderr, /getToken/);
  });

  test("old secret from environment", async () => {
    const run = await cli.run(["apps", "token", appId, "--org", emulator.orgs.customer.id, "--quiet"], {
      env: { WEBEX_CLIENT_SECRET: firstSecret },
    });
    assertExit(run, 3);
    assert.match(run.stderr, /Webex rejected the client secret from the WEBEX_CLIENT_SECRET environment variable/);
    assert.match(run.stderr, /Set WEBEX_CLIENT_SECRET to the app's current client secret/);
  });

  test("new secret from environment works", async () => {
    const secret = (await readFile(path("app2.secret"), "utf8")).trim();
    const run = await cli.run(["apps", "token", appId, "--org", emulator.orgs.customer.id, "--out", path("pair2.json")], {
      env: { WEBEX_CLIENT_SECRET: secret },
    });
    assertExit(run, 0);
    await readPair(path("pair2.json"));
  });

  test("expired token exits 3", async () => {
    emulator.clock.advance(15 * 86_400);
    try {
      const run = await cli.run(["whoami", "--token-file", path("pair2.json")]);
      assertExit(run, 3);
      assert.match(run.stderr, /401/);
      // The pair file's own expiry is still ahead, so the token must have been revoked.
      assert.match(run.stderr, /Webex rejected the access token in .*pair2\.json before its expiry/);
      const refresh = `wxadmin apps refresh --from ${path("pair2.json")} --secret-file FILE --out ${path("pair2.json")}`;
      assert.ok(run.stderr.includes(`Refresh the pair with: ${refresh}.`), describeRun(run));
      assert.match(run.stderr, /\(or set WEBEX_CLIENT_SECRET instead of --secret-file\)/);
    } finally {
      emulator.clock.reset();
    }
  });

  test("expired pair file hints with quiet", async () => {
    const pair = JSON.parse(await readFile(path("pair2.json"), "utf8")) as Record<string, unknown>;
    pair.accessExpiresAt = new Date(Date.now() - 2 * 3_600_000).toISOString();
    await writeFile(path("expired.json"), JSON.stringify(pair), { mode: 0o600 });
    emulator.clock.advance(15 * 86_400);
    try {
      const warned = await cli.run(["whoami", "--token-file", path("expired.json"), "--secret-file", path("app2.secret")]);
      assertExit(warned, 3);
      const refresh = `wxadmin apps refresh --from ${path("expired.json")} --secret-file ${path("app2.secret")} --out ${path("expired.json")}`;
      assert.ok(warned.stderr.includes(`wxadmin: warning: The access token in ${path("expired.json")} expired 2 hours ago`), describeRun(warned));
      assert.ok(warned.stderr.includes(`refresh the pair with: ${refresh}\n`), describeRun(warned));

      const quiet = await cli.run(["whoami", "--token-file", path("expired.json"), "--secret-file", path("app2.secret"), "--quiet"]);
      assertExit(quiet, 3);
      assert.equal(quiet.stderr.trim().split("\n").length, 1, "the error line alone");
      assert.ok(quiet.stderr.includes(`The access token in ${path("expired.json")} expired 2 hours ago`), describeRun(quiet));
      assert.ok(quiet.stderr.includes(`Refresh the pair with: ${refresh}.`), describeRun(quiet));
      assert.ok(quiet.stderr.includes(`get a new pair with: wxadmin apps token ${appId} --org ${emulator.orgs.customer.id} --secret-file ${path("app2.secret")} --out ${path("expired.json")} --force`), describeRun(quiet));
    } finally {
      emulator.clock.reset();
    }
  });

  test("revoked refresh names commands", async () => {
    emulator.revokeTokens({ appId, kind: "refresh" });
    const run = await cli.run(["apps", "refresh", "--from", path("pair2.json"), "--secret-file", path("app2.secret")]);
    assertExit(run, 3);
    assert.match(run.stderr, /^wxadmin: error: Refreshing the token pair in .*pair2\.json was rejected\. /);
    assert.match(run.stderr, /The refresh token has expired or was revoked, or the app was deauthorized in org /);
    const fetchAgain = `wxadmin apps token ${appId} --org ${emulator.orgs.customer.id} --secret-file ${path("app2.secret")} --out ${path("pair2.json")} --force`;
    assert.ok(run.stderr.trimEnd().endsWith(`Then get a new pair with: ${fetchAgain}`), describeRun(run));
    assert.doesNotMatch(run.stderr, /getToken/);

    // The suggested command works as printed.
    const again = await cli.run(fetchAgain.split(" ").slice(1));
    assertExit(again, 0);
    await readPair(path("pair2.json"));
  });

  test("orgs list prints JSON", async () => {
    const orgs = parseJson(await cli.run(["orgs", "list", "--json"]));
    assert.ok(Array.isArray(orgs));
    assert.deepEqual(
      orgs.map((org: { id: string }) => org.id),
      [emulator.orgs.developer.id],
    );

    const text = await cli.run(["orgs", "list"]);
    assertExit(text, 0);
    assert.match(text.stdout, new RegExp(`^\\*  ${emulator.orgs.developer.displayName} `, "m"));
  });

  test("apps delete needs yes", async () => {
    const run = await cli.run(["apps", "delete", appId]);
    assertExit(run, 2);
    assert.match(run.stderr, /Pass --yes to confirm/);
    assertExit(await cli.run(["apps", "show", appId]), 0);
  });

  test("apps delete revokes tokens", async () => {
    const result = parseJson(await cli.run(["apps", "delete", appId, "--yes", "--json"]));
    assert.equal(result.deleted, true);

    const whoami = await cli.run(["whoami", "--token-file", path("pair2.json")]);
    assertExit(whoami, 3);
    assertExit(await cli.run(["apps", "show", appId]), 1);
  });
});

describe("closed pipes", () => {
  /** Runs the CLI with stdout or stderr closed by the reader before the first write, as `| head -0` does. */
  async function runWithClosedStream(args: string[], closed: "stdout" | "stderr"): Promise<CliRun> {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, WEBEX_BASE_URL: emulator.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child[closed].destroy();
    const open = closed === "stdout" ? "stderr" : "stdout";
    let text = "";
    child[open].setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
    const [code] = (await once(child, "close")) as [number | null];
    return { args, code, stdout: open === "stdout" ? text : "", stderr: open === "stderr" ? text : "" };
  }

  test("closed stdout ends demo quietly", async () => {
    const run = await runWithClosedStream(["demo", "--people", "5"], "stdout");
    assertExit(run, 0);
    assert.equal(run.stderr, "");
  });

  test("closed stdout ends help quietly", async () => {
    for (const args of [["help", "apps"], ["apps", "token", "--help"]]) {
      const run = await runWithClosedStream(args, "stdout");
      assertExit(run, 0);
      assert.equal(run.stderr, "");
    }
  });

  test("closed stderr keeps exit code", async () => {
    const run = await runWithClosedStream(["whoami"], "stderr");
    assertExit(run, 2);
    assert.equal(run.stdout, "");
  });
});

describe("emulator command", () => {
  test("serves until SIGTERM", async () => {
    const running = cli.start(["emulator", "--port", "0", "--people", "5", "--verbose"]);
    const match = await running.waitForOutput(/export WEBEX_BASE_URL=(\S+) WEBEX_ACCESS_TOKEN=(\S+)/);
    const [, url = "", token = ""] = match;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.match(running.stdout, /^  customerAdmin: +\S+$/m);
    const adminToken = running.stdout.match(/^  customerAdmin: +(\S+)$/m)?.[1] ?? "";

    const whoami = await cli.run(["whoami", "--json"], { env: { WEBEX_BASE_URL: url, WEBEX_ACCESS_TOKEN: token } });
    const result = parseJson(whoami);
    assert.equal(result.person.type, "person");
    await running.waitForOutput(/^GET \/v1\/people\/me 200 /m, "stderr");
    assert.ok(!running.stderr.includes(token), "the access log masks the token");

    const finished = await running.stop("SIGTERM");
    assert.equal(finished.code, 0, describeRun(finished));
    emulatorCommandRuns.push({ run: finished, tokens: [token, adminToken] });
  });

  test("prints JSON", async () => {
    const running = cli.start(["emulator", "--json", "--seed", "empty"]);
    await running.waitForOutput(/^\}$/m);
    const started = JSON.parse(running.stdout);
    assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.equal(typeof started.tokens.developer, "string");
    assert.equal(typeof started.orgs.customer.id, "string");

    const finished = await running.stop("SIGINT");
    assert.equal(finished.code, 0, describeRun(finished));
    emulatorCommandRuns.push({ run: finished, tokens: [started.tokens.developer, started.tokens.customerAdmin] });
  });
});

describe("emulator rotation flag", () => {
  test("rotate refresh tokens", async () => {
    const running = cli.start(["emulator", "--json", "--seed", "empty", "--rotate-refresh-tokens"]);
    await running.waitForOutput(/^\}$/m);
    const started = JSON.parse(running.stdout);
    try {
      const env = { WEBEX_BASE_URL: started.url, WEBEX_ACCESS_TOKEN: started.tokens.developer };
      const orgId = started.orgs.developer.id as string;
      const secretFile = path("rotation.secret");
      const pairFile = path("rotation-pair.json");
      const created = parseJson(
        await cli.run(
          ["apps", "create", "--name", "Rotation robot", "--contact-email", "dev@example.com", "--logo", "https://example.com/logo.png", "--scope", SCOPES, "--secret-out", secretFile, "--json"],
          { env },
        ),
      );
      await readSecretFile(secretFile);
      assertExit(await cli.run(["apps", "authorize", created.id, "--org", orgId], { env }), 0);
      assertExit(await cli.run(["apps", "token", created.id, "--org", orgId, "--secret-file", secretFile, "--out", pairFile], { env }), 0);
      const first = await readPair(pairFile);

      const refresh = await cli.run(["apps", "refresh", "--from", pairFile, "--secret-file", secretFile, "--out", pairFile], { env });
      assertExit(refresh, 0);
      assert.match(refresh.stdout, /Refresh token: +\S+ \(new, the old one may no longer work\)/);
      const second = await readPair(pairFile);
      assert.notEqual(second.refresh_token, first.refresh_token);
    } finally {
      const finished = await running.stop("SIGTERM");
      assert.equal(finished.code, 0, describeRun(finished));
      emulatorCommandRuns.push({ run: finished, tokens: [started.tokens.developer, started.tokens.customerAdmin] });
    }
  });

  test("rotation flag has help", async () => {
    const run = await cli.run(["emulator", "--help"]);
    assert.match(run.stdout, /--rotate-refresh-tokens +Return a new refresh token on every\s+refresh/);
  });
});

describe("secret scan", () => {
  test("pattern matches emulator credentials", async () => {
    assert.deepEqual(findCredentialShapes(`x ${emulator.tokens.developer} y`), [emulator.tokens.developer]);
    const secret = (await readFile(path("app.secret"), "utf8")).trim();
    assert.deepEqual(findCredentialShapes(`secret: ${secret}.`), [secret]);
  });

  test("no output shows a secret", () => {
    assert.ok(secretShownOnce, "the run that shows a secret once was recorded");
    const exempt = new Set<CliRun>([secretShownOnce.run, ...emulatorCommandRuns.map((entry) => entry.run)]);
    const ordinary = cli.runs.filter((run) => !exempt.has(run));
    assert.ok(ordinary.length > 50, `scanned ${ordinary.length} runs`);

    const emulatorTokens = emulatorCommandRuns.flatMap((entry) => entry.tokens);
    assert.deepEqual(findLeaks(ordinary, [...planted, ...emulatorTokens]), []);

    // Tokens minted by runs that printed them masked were never planted; catch them by shape.
    for (const run of ordinary) {
      assert.deepEqual(findCredentialShapes(run.stdout + run.stderr), [], run.args.join(" "));
    }
  });

  test("secret shown only where asked", () => {
    assert.ok(secretShownOnce);
    const { run, secret } = secretShownOnce;
    assert.equal(findLeaks([run], [secret]).length, 1, "shown once, on stdout");
    assert.deepEqual(
      findLeaks(
        [run],
        [...planted].filter((value) => value !== secret),
      ),
      [],
    );
    const others = cli.runs.filter((other) => other !== run);
    assert.deepEqual(findLeaks(others, [secret]), []);
  });

  test("emulator command shows only its tokens", () => {
    assert.equal(emulatorCommandRuns.length, 3);
    for (const { run, tokens } of emulatorCommandRuns) {
      assert.deepEqual(findLeaks([run], planted), []);
      assert.ok(tokens.every((token) => run.stdout.includes(token)));
    }
  });
});

function countRequests(method: string, pathname: string): number {
  return emulator.requestLog.filter((entry) => entry.method === method && entry.path.split("?")[0] === pathname).length;
}

/** Returns the entries of the "Global Options:" list of a help text. */
function globalOptionEntries(help: string): string[] {
  const start = help.indexOf("\nGlobal Options:\n");
  return start === -1 ? [] : optionEntries(help.slice(start + 1));
}

/** Splits the option lists of a help text into one string per option. */
function optionEntries(help: string): string[] {
  const entries: string[] = [];
  let isInOptions = false;
  for (const line of help.split("\n")) {
    if (/^(Global )?Options:$/.test(line)) {
      isInOptions = true;
      continue;
    }
    if (/^\S/.test(line) || line === "") {
      isInOptions = false;
      continue;
    }
    if (!isInOptions) {
      continue;
    }
    if (/^  -/.test(line)) {
      entries.push(line.trim());
    } else if (entries.length > 0) {
      entries[entries.length - 1] += ` ${line.trim()}`;
    }
  }
  return entries;
}
