/**
 * `wxadmin demo` run as a child process, and `runDemo` run in this process with a fetch spy
 * that collects every secret the emulator hands out, so the rendered output can be scanned.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { renderDemoStep } from "../src/cli/commands/demo.js";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import { runDemo, type DemoStep } from "../src/jobs/demo.js";
import { CliRecorder, type CliRun, describeRun } from "./helpers/cli-run.js";
import { findCredentialShapes, findLeaks } from "./helpers/cli-secrets.js";

const STEP_HEADINGS = [
  "Setup. Start the Webex API emulator",
  "Step 1. Developer creates a service app",
  "Step 2. Customer admin authorizes the app in their org",
  "Step 3. Developer gets a token for the customer org",
  "Step 4. Developer refreshes the token",
  "Step 5. Developer regenerates the client secret",
  "Step 6. The service-app token reads the customer org",
  "Step 7. Developer deletes the app",
];

describe("demo command", () => {
  const cli = new CliRecorder();

  test("prints every step", async () => {
    const run = await cli.run(["demo", "--people", "40"]);
    assert.equal(run.code, 0, describeRun(run));

    let position = -1;
    for (const heading of STEP_HEADINGS) {
      const found = run.stdout.indexOf(`${heading}\n`);
      assert.ok(found > position, `"${heading}" follows the previous step\n${run.stdout}`);
      position = found;
    }
    assert.match(run.stdout, /^    Base URL: +http:\/\/127\.0\.0\.1:\d+\/v1$/m);
    assert.match(run.stdout, /^    Client secret: +\S+…\S+ \(returned only at creation\)$/m);
    assert.match(run.stdout, /^    Access expires: +in 14 days \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\), lifetime 14 days$/m);
    assert.match(run.stdout, /^    Old secret: +rejected with 400/m);
    assert.match(run.stdout, /^    People: +40$/m);
    assert.match(run.stdout, /^    License +Total +Consumed +Free$/m);
    assert.match(run.stdout, /^    Service-app token: +rejected with 401/m);
    assert.match(run.stdout, /^Done: all 7 steps worked\./m);
    assert.equal(run.stderr, "");
  });

  test("verbose logs to stderr", async () => {
    const run = await cli.run(["demo", "--people", "5", "--verbose"]);
    assert.equal(run.code, 0, describeRun(run));
    assert.match(run.stderr, /^wxadmin: (debug|info): /m);
    assert.match(run.stdout, /^Step 7\. /m);
  });

  test("json prints one document", async () => {
    const run = await cli.run(["demo", "--people", "5", "--json"]);
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.stderr, "");
    const document = JSON.parse(run.stdout) as { steps: DemoStep[]; result: { steps: number; peopleCount: number } };
    assert.deepEqual(
      document.steps.map((step) => step.number),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    assert.equal(document.steps[1]?.title, "Developer creates a service app");
    assert.equal(document.result.steps, 7);
    assert.equal(document.result.peopleCount, 5);
    const accessExpires = document.steps[3]?.facts.find((fact) => fact.label === "Access expires")?.value as unknown as { expiresAt: string; lifetimeSeconds: number };
    assert.ok(Date.parse(accessExpires.expiresAt) > Date.now());
    assert.equal(accessExpires.lifetimeSeconds, 1_209_600);
    const secret = document.steps[1]?.facts.find((fact) => fact.label === "Client secret")?.value;
    assert.match(String(secret), /^\S{4}…\S{4} \(returned only at creation\)$/);
  });

  test("quiet prints final line", async () => {
    const run = await cli.run(["demo", "--people", "5", "--quiet"]);
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.stdout, "Done: all 7 steps worked. The emulator is stopped and its data is gone.\n");
    assert.equal(run.stderr, "");
  });

  test("output has no credentials", () => {
    assert.equal(cli.runs.length, 4);
    for (const run of cli.runs) {
      assert.deepEqual(findCredentialShapes(run.stdout), [], "stdout");
      assert.deepEqual(findCredentialShapes(run.stderr), [], "stderr");
    }
  });
});

describe("runDemo", () => {
  let emulator: Emulator;
  const planted = new Set<string>();
  const realFetch = globalThis.fetch;

  before(async () => {
    emulator = await startEmulator({ port: 0, people: 25 });
    planted.add(emulator.tokens.developer);
    planted.add(emulator.tokens.customerAdmin);
    // Records every secret in the emulator's responses. The SDK reads globalThis.fetch when it connects.
    globalThis.fetch = async (input, init) => {
      const response = await realFetch(input, init);
      const body: unknown = await response
        .clone()
        .json()
        .catch(() => undefined);
      collectSecrets(body, planted);
      return response;
    };
  });

  after(async () => {
    globalThis.fetch = realFetch;
    await emulator?.stop();
  });

  test("reports steps and hides secrets", async () => {
    const steps: DemoStep[] = [];
    const result = await runDemo({ emulator, onStep: (step) => steps.push(step) });

    assert.deepEqual(
      steps.map((step) => step.number),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    assert.equal(result.steps, 7);
    assert.equal(result.peopleCount, 25);
    assert.equal(result.customerOrgId, emulator.orgs.customer.id);

    // Two client secrets, and at least three access tokens and a refresh token.
    assert.ok(planted.size >= 2 + 2 + 4, `collected ${planted.size} secrets`);
    // Both what the callback receives and what the CLI renders from it must be free of secrets.
    const rendered = steps.map((step) => renderDemoStep(step)).join("\n");
    const outputs: CliRun[] = [
      { args: ["rendered steps"], code: 0, stdout: rendered, stderr: "" },
      { args: ["step objects"], code: 0, stdout: JSON.stringify(steps), stderr: "" },
    ];
    assert.deepEqual(findLeaks(outputs, planted), []);
    assert.deepEqual(findCredentialShapes(rendered), []);
  });

  test("leaves given emulator running", async () => {
    const response = await realFetch(`${emulator.url}/people/me`, {
      headers: { Authorization: `Bearer ${emulator.tokens.developer}` },
    });
    assert.equal(response.status, 200);
  });
});

function collectSecrets(value: unknown, into: Set<string>): void {
  if (value === null || typeof value !== "object") {
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === "string" && ["clientSecret", "access_token", "refresh_token"].includes(key)) {
      into.add(item);
    } else {
      collectSecrets(item, into);
    }
  }
}
