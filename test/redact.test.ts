import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isSecretKey, maskSecret, redactText, redactValue, registerSecret } from "../src/redact.js";

describe("redact", () => {
  test("maskSecret keeps four characters at each end", () => {
    assert.equal(maskSecret("abcdefghijklmnopqrstuvwxyz"), "abcd…wxyz");
  });

  test("maskSecret tells org tokens apart", () => {
    // Webex tokens end in _<cluster>_<org UUID>, the same for every token of one org.
    const suffix = "_P0A1_9ce301f0-b882-4f5c-ad01-0770feacb771";
    const first = `ZmlyC${"a".repeat(54)}XyZ1${suffix}`;
    const second = `c2Vj${"b".repeat(55)}QrS2${suffix}`;
    assert.equal(maskSecret(first), "Zmly…XyZ1");
    assert.equal(maskSecret(second), "c2Vj…QrS2");
    assert.notEqual(maskSecret(first), maskSecret(second));
  });

  test("maskSecret uses whole value for short head", () => {
    assert.equal(maskSecret("ab_cdefghijklmnopqrstuvwxyz"), "ab_c…wxyz");
  });

  test("maskSecret hides short values whole", () => {
    assert.equal(maskSecret("short-secret"), "****");
  });

  test("maskSecret marks missing values", () => {
    assert.equal(maskSecret(undefined), "(none)");
    assert.equal(maskSecret(""), "(none)");
  });

  test("registerSecret masks the value in free text", () => {
    const secret = "planted-registered-secret-0001";
    registerSecret(secret);
    const text = redactText(`failed with secret ${secret} twice: ${secret}`);
    assert.equal(text.includes(secret), false);
    assert.match(text, /plan…0001/);
  });

  test("registerSecret ignores short values", () => {
    registerSecret("abc");
    assert.equal(redactText("abc and abcdef"), "abc and abcdef");
  });

  test("redactText masks bearer credentials", () => {
    const text = redactText("Authorization: Bearer unregistered-token-value-12345");
    assert.equal(text.includes("unregistered-token-value-12345"), false);
    assert.match(text, /Bearer unre…2345/);
  });

  test("redactText masks form fields", () => {
    const text = redactText("grant_type=refresh_token&refresh_token=form-refresh-value-98765&client_secret=form-client-secret-11111");
    assert.equal(text.includes("form-refresh-value-98765"), false);
    assert.equal(text.includes("form-client-secret-11111"), false);
    assert.match(text, /grant_type=refresh_token/);
  });

  test("isSecretKey ignores case", () => {
    assert.equal(isSecretKey("clientSecret"), true);
    assert.equal(isSecretKey("Authorization"), true);
    assert.equal(isSecretKey("displayName"), false);
  });

  test("redactValue masks secret keys deeply", () => {
    const input = { app: { clientSecret: "deep-client-secret-value-2222", name: "robot" }, list: [{ access_token: "deep-access-token-3333333" }] };
    const output = redactValue(input);
    const text = JSON.stringify(output);
    assert.equal(text.includes("deep-client-secret-value-2222"), false);
    assert.equal(text.includes("deep-access-token-3333333"), false);
    assert.equal(output.app.name, "robot");
  });

  test("redactValue leaves the input unchanged", () => {
    const input = { token: "leave-me-alone-token-4444" };
    redactValue(input);
    assert.equal(input.token, "leave-me-alone-token-4444");
  });

  test("redactValue cuts cycles", () => {
    const input: Record<string, unknown> = { name: "loop" };
    input.self = input;
    assert.deepEqual(redactValue(input), { name: "loop", self: "[Circular]" });
  });

  test("redactValue redacts error messages", () => {
    const secret = "error-message-secret-55555";
    registerSecret(secret);
    assert.equal(redactValue({ error: new Error(`bad ${secret}`) }).error, "bad erro…5555");
  });
});
