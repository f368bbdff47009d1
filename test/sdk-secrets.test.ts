/**
 * Planted credentials never appear in full in errors, inspect() output or log lines, while the
 * whole flow runs with debug logging and provokes every kind of failure.
 */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { inspect } from "node:util";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../src/emulator/index.js";
import { StaticTokenProvider } from "../src/auth/token-provider.js";
import { createConsoleLogger, type Logger } from "../src/logger.js";
import { SERVICE_APP_SCOPES, connectTo, startTestEmulator } from "./helpers/sdk-emulator.js";
import { createCapturingLogger, createFakeClock } from "./helpers/sdk-fakes.js";

/** Runs `action` and returns what it threw, or fails when it did not throw. */
async function caught(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to throw");
}

/** Renders an error or object every way a program can show it: message, stack, inspect and JSON. */
function renderings(value: unknown): string[] {
  const texts = [inspect(value, { depth: 10 }), JSON.stringify(value) ?? ""];
  if (value instanceof Error) {
    texts.push(value.message, value.stack ?? "", inspect(value.cause, { depth: 10 }));
  }
  return texts;
}

describe("secret redaction", () => {
  let emulator: Emulator;
  const captured: string[] = [];
  const planted: string[] = [];

  before(async () => {
    emulator = await startTestEmulator({ seed: "empty" });
  });

  after(async () => {
    await emulator.stop();
  });

  test("flow output hides secrets", async () => {
    const consoleText: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        consoleText.push(chunk.toString());
        done();
      },
    });
    const capture = createCapturingLogger();
    const both: Logger = {
      debug: (message, fields) => {
        capture.debug(message, fields);
        createConsoleLogger({ level: "debug", stream }).debug(message, fields);
      },
      info: (message, fields) => {
        capture.info(message, fields);
        createConsoleLogger({ level: "debug", stream }).info(message, fields);
      },
      warn: (message, fields) => {
        capture.warn(message, fields);
        createConsoleLogger({ level: "debug", stream }).warn(message, fields);
      },
      error: (message, fields) => {
        capture.error(message, fields);
        createConsoleLogger({ level: "debug", stream }).error(message, fields);
      },
    };
    const clock = createFakeClock();
    const options = { logger: both, sleep: clock.sleep, now: clock.now };

    planted.push(emulator.tokens.developer, emulator.tokens.customerAdmin);
    const developer = await connectTo(emulator, emulator.tokens.developer, options);
    const admin = await connectTo(emulator, emulator.tokens.customerAdmin, options);
    const app = await developer.org.applications.createServiceApplication({
      name: "Secret Robot",
      contactEmail: "dev-team@example.com",
      logo: "https://example.com/logo.png",
      scopes: SERVICE_APP_SCOPES,
    });
    const clientSecret = app.clientSecret as string;
    planted.push(clientSecret);
    captured.push(...renderings(app));

    await (await admin.org.applications.getAppById(app.id)).authorize();
    const token = await app.getToken(clientSecret, admin.org.uuid);
    planted.push(token.access_token, token.refresh_token);
    captured.push(...renderings(token).filter((text) => !text.startsWith("{")));

    const refreshed = await app.getTokenRefresh(clientSecret, token.refresh_token);
    planted.push(refreshed.access_token, refreshed.refresh_token);
    captured.push(inspect(refreshed));

    const session = await connectTo(emulator, refreshed.access_token, options);
    captured.push(inspect(session), inspect(session.org), inspect(new StaticTokenProvider(refreshed.access_token)));
    await session.org.people.list().toArray();

    // Failures of every kind, each rendered every way.
    const wrongSecret = "planted-wrong-secret-9f8e7d6c5b4a";
    planted.push(wrongSecret);
    captured.push(...renderings(await caught(() => app.getToken(wrongSecret, admin.org.id))));
    captured.push(...renderings(await caught(() => app.getTokenRefresh(wrongSecret, refreshed.refresh_token))));
    captured.push(...renderings(await caught(() => app.getTokenRefresh(clientSecret, "planted-unknown-refresh-123456789"))));
    planted.push("planted-unknown-refresh-123456789");

    const newSecret = await app.regenerateClientSecret();
    planted.push(newSecret);
    captured.push(inspect(app));
    captured.push(...renderings(await caught(() => app.getToken(clientSecret, admin.org.id))));

    const unknownToken = "planted-unknown-access-token-abcdef";
    planted.push(unknownToken);
    captured.push(...renderings(await caught(() => connectTo(emulator, unknownToken, options))));
    captured.push(...renderings(await caught(() => connectTo(emulator, `Bearer ${unknownToken}`, options))));

    emulator.inject({ method: "GET", path: "/v1/people*", status: 503, times: 4 });
    captured.push(...renderings(await caught(() => session.org.people.list().toArray())));
    emulator.inject({ method: "GET", path: "/v1/licenses*", status: 429, retryAfter: "500" });
    captured.push(...renderings(await caught(() => session.org.licenses.list().toArray())));
    emulator.inject({ method: "POST", path: "/v1/access_token", reset: true });
    captured.push(...renderings(await caught(() => app.getTokenRefresh(newSecret, refreshed.refresh_token))));

    captured.push(capture.text(), consoleText.join(""));
    assert.ok(capture.lines.length > 10, "the flow must have logged");

    for (const secret of planted) {
      for (const text of captured) {
        assert.equal(text.includes(secret), false, `a planted secret (${secret.slice(0, 4)}…) appeared in: ${text.slice(0, 300)}`);
      }
    }
  });

  test("TokenInfo JSON keeps tokens", async () => {
    const developer = await connectTo(emulator, emulator.tokens.developer);
    const admin = await connectTo(emulator, emulator.tokens.customerAdmin);
    const app = await developer.org.applications.createServiceApplication({
      name: "Serialized Robot",
      contactEmail: "dev-team@example.com",
      logo: "https://example.com/logo.png",
      scopes: SERVICE_APP_SCOPES,
    });
    await (await admin.org.applications.getAppById(app.id)).authorize();
    const token = await app.getToken(app.clientSecret as string, admin.org);
    const json = JSON.parse(JSON.stringify(token)) as Record<string, unknown>;
    assert.equal(json.access_token, token.access_token);
    assert.equal(json.refresh_token, token.refresh_token);
    assert.equal(inspect(token).includes(token.access_token), false);
    assert.equal(inspect(token).includes(token.refresh_token), false);
  });
});
