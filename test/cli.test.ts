/**
 * The built `wxadmin` CLI run as a child process against an emulator started in this process.
 * Covered: help, exit codes, bad input, the Service App flow from the shell, credential file
 * modes, JSON output and the emulator command. A final scan checks everything printed for secrets.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import { encodeId } from "../src/ids.js";
import { InvalidInputError } from "../src/transport/errors.js";
import { Webex } from "../src/webex.js";
import { CliRecorder, type CliRun } from "./helpers/cli-run.js";
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

function describeRun(run: CliRun): string {
  return `wxadmin ${run.args.join(" ")}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
}

function assertExit(run: CliRun, code: number): void {
  assert.equal(run.code, code, describeRun(run));
}

function parseJson(run: CliRun): any {
  assertExit(run, 0);
  return JSON.parse(run.stdout);
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
    ["apps", "token"],
    ["apps", "refresh"],
    ["apps", "regenerate-secret"],
    ["apps", "delete"],
    ["emulator"],
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
  });

  test("secret flag is rejected", async () => {
    const run = await cli.run(["apps", "token", "app", "--org", emulator.orgs.customer.id, "--secret", emulator.tokens.developer]);
    assertExit(run, 2);
    assert.match(run.stderr, /unknown option '--secret'/);
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
  });

  test("unknown app id exits 1", async () => {
    const run = await cli.run(["apps", "show", encodeId("APPLICATION", randomUUID())]);
    assertExit(run, 1);
    assert.match(run.stderr, /^wxadmin: error: GET \/v1\/applications\/\S+ failed: 404/);
  });

  test("unknown app name exits 1", async () => {
    const run = await cli.run(["apps", "show", "no app has this name"]);
    assertExit(run, 1);
    assert.match(run.stderr, /No application named "no app has this name"/);
  });

  test("refused connection exits 1", async () => {
    const port = await findClosedPort();
    const run = await cli.run(["whoami", "--base-url", `http://127.0.0.1:${port}/v1`]);
    assertExit(run, 1);
    assert.match(run.stderr, /wxadmin: error: .*gave up after \d+ attempts/);
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
    assert.match(run.stderr, /Run again with --out FILE/);
  });

  test("whoami reads pair file", async () => {
    const result = parseJson(await cli.run(["whoami", "--token-file", path("pair.json"), "--json"]));
    assert.equal(result.org.id, emulator.orgs.customer.id);
    assert.equal(result.person.type, "appuser");
    assert.equal(result.tokenSource, `token file ${path("pair.json")}`);

    const text = await cli.run(["whoami", "--token-file", path("pair.json")]);
    assertExit(text, 0);
    assert.match(text.stdout, /^Token expires: +in 1\d days/m);
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
    assert.match(run.stderr, /Run again with --out FILE/);
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
    assertExit(token, 1);
    assert.match(token.stderr, /400/);

    const refresh = await cli.run(["apps", "refresh", "--from", path("pair.json"), "--secret-file", path("app.secret")]);
    assertExit(refresh, 3);
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
    } finally {
      emulator.clock.reset();
    }
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
    assert.equal(emulatorCommandRuns.length, 2);
    for (const { run, tokens } of emulatorCommandRuns) {
      assert.deepEqual(findLeaks([run], planted), []);
      assert.ok(tokens.every((token) => run.stdout.includes(token)));
    }
  });
});

function countRequests(method: string, pathname: string): number {
  return emulator.requestLog.filter((entry) => entry.method === method && entry.path.split("?")[0] === pathname).length;
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
