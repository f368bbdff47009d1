/** Text rendering of the CLI: durations, expiry, shell quoting and usage-error hints. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Option } from "commander";
import { formatSecondsLeft } from "../src/cli/commands/token-outcomes.js";
import { createProgram, describeOption, explainUsageError } from "../src/cli/program.js";
import { formatDuration, formatExpiry, formatRelativeTime, joinCommand, shellQuote, shortenIds } from "../src/cli/render.js";
import { encodeId } from "../src/ids.js";

const DAY = 86_400;
const HOUR = 3_600;

describe("formatDuration", () => {
  test("rounds up to whole days", () => {
    assert.equal(formatDuration(14 * DAY - 1), "14 days");
    assert.equal(formatDuration(14 * DAY - 29 * 60), "14 days");
  });

  test("keeps hours when far from a day", () => {
    assert.equal(formatDuration(13 * DAY + 23 * HOUR + 20 * 60), "13 days 23 hours");
    assert.equal(formatDuration(DAY + HOUR + 61), "1 day 1 hour");
  });

  test("rounds to nearest smaller unit", () => {
    assert.equal(formatDuration(2 * HOUR + 29 * 60 + 31), "2 hours 30 minutes");
    assert.equal(formatDuration(HOUR - 10), "59 minutes 50 seconds");
    assert.equal(formatDuration(DAY - 20), "1 day");
  });

  test("shows seconds under an hour", () => {
    assert.equal(formatDuration(65), "1 minute 5 seconds");
    assert.equal(formatDuration(59.6), "1 minute");
    assert.equal(formatDuration(1), "1 second");
  });

  test("zero and negative values", () => {
    assert.equal(formatDuration(0), "0 seconds");
    assert.equal(formatDuration(0.4), "0 seconds");
    assert.equal(formatDuration(-2 * HOUR), "2 hours");
  });
});

describe("formatExpiry", () => {
  const nowMs = Date.UTC(2026, 11, 4, 10, 0, 0);

  test("fresh token reads whole days", () => {
    const at = new Date(nowMs + 14 * DAY * 1000 - 3000);
    assert.equal(formatExpiry(at, nowMs), "in 14 days (2026-12-18 09:59 UTC)");
  });

  test("past expiry reads ago", () => {
    assert.equal(formatExpiry(new Date(nowMs - HOUR * 1000), nowMs), "1 hour ago (2026-12-04 09:00 UTC)");
  });

  test("seconds left matches expiry wording", () => {
    assert.equal(formatSecondsLeft(14 * DAY - 5), "14 days");
    assert.equal(formatSecondsLeft(-(2 * HOUR + 10)), "expired 2 hours ago");
  });
});

describe("shellQuote", () => {
  test("leaves plain paths alone", () => {
    assert.equal(shellQuote("/tmp/wxadmin-test/pair.json"), "/tmp/wxadmin-test/pair.json");
    assert.equal(shellQuote("C0ffee_1@host:8080,x=y+z%"), "C0ffee_1@host:8080,x=y+z%");
  });

  test("quotes spaces and quotes", () => {
    assert.equal(shellQuote("my pair.json"), "'my pair.json'");
    assert.equal(shellQuote("it's.json"), "'it'\\''s.json'");
    assert.equal(shellQuote("$HOME/x"), "'$HOME/x'");
  });

  test("joinCommand drops empty parts", () => {
    assert.equal(joinCommand("wxadmin apps refresh --from", "a.json", "", "--out", "a.json"), "wxadmin apps refresh --from a.json --out a.json");
  });
});

describe("explainUsageError", () => {
  const io = { stdout: process.stdout, stderr: process.stderr, env: {} };
  const program = createProgram(io);
  const appsToken = program.commands.find((command) => command.name() === "apps")?.commands.find((command) => command.name() === "token");

  test("unknown command points to root help", () => {
    const text = explainUsageError(program, "error: unknown command 'frob'\n");
    assert.equal(text, `wxadmin: error: unknown command 'frob'\nwxadmin: See "wxadmin --help" for the list of commands.\n`);
  });

  test("option error points to command help", () => {
    assert.ok(appsToken);
    const text = explainUsageError(appsToken, "error: unknown option '--outt'\n(Did you mean --out?)\n");
    assert.match(text, /^wxadmin: error: unknown option '--outt'\n\(Did you mean --out\?\)\n/);
    assert.match(text, /wxadmin: See "wxadmin apps token --help" for its usage\.\n$/);
    assert.doesNotMatch(text, /WEBEX_CLIENT_SECRET/);
  });

  test("secret flags name the secret sources", () => {
    assert.ok(appsToken);
    for (const flag of ["--secret", "--client-secret"]) {
      const text = explainUsageError(appsToken, `error: unknown option '${flag}'\n`);
      assert.match(text, /Pass --secret-file FILE \(a file only you can read\) or set WEBEX_CLIENT_SECRET\./, flag);
    }
  });

  test("masks a credential flag value", () => {
    assert.ok(appsToken);
    const cases = [
      ["--secret=hunter2-secret-value", "--secret=****"],
      ["--client-secret=hunter2-secret-value", "--client-secret=****"],
      ["--access-token=hunter2-secret-value", "--access-token=****"],
    ];
    for (const [given, masked] of cases) {
      const text = explainUsageError(appsToken, `error: unknown option '${given}'\n`);
      assert.equal(text.includes("hunter2-secret-value"), false, given);
      assert.ok(text.includes(`unknown option '${masked}'`), text);
    }
    assert.match(explainUsageError(appsToken, "error: unknown option '--colour=red'\n"), /unknown option '--colour=red'/);
  });

  test("masks values after credential flags", () => {
    const cases: Array<[string[], string]> = [
      [["--secret", "hunter2-x"], "hunter2-x"],
      [["--client-secret", "hunter2-y"], "hunter2-y"],
      [["--token", "hunter2-z"], "hunter2-z"],
      [["--access-token", "hunter2-w"], "hunter2-w"],
      [["--token", "abc"], "abc"],
    ];
    for (const [argv, value] of cases) {
      const text = explainUsageError(program, `error: unknown command '${value}'\n`, argv);
      assert.equal(text.includes(`'${value}'`), false, argv.join(" "));
      assert.ok(text.includes("unknown command '****'"), text);
    }

    const assigned = explainUsageError(program, "error: unknown option '--api-key=sk'\n", ["--api-key=sk"]);
    assert.ok(assigned.includes("unknown option '--api-key=****'"), assigned);
    // A short value is masked only where it is quoted alone, so the words around it stay intact.
    const shortValue = explainUsageError(program, "error: unknown option '--secret'\n", ["--secret", "se"]);
    assert.ok(shortValue.includes("unknown option '--secret'"), shortValue);
  });

  test("masks long arguments only", () => {
    const long = "0123456789abcdef0123456789";
    const masked = explainUsageError(program, `error: unknown command '${long}'\n`, [long]);
    assert.ok(masked.includes("unknown command '0123…6789'"), masked);

    const short = "0123456789abcdef01234567";
    assert.ok(explainUsageError(program, `error: unknown command '${short}'\n`, [short]).includes(short));
    const filePath = "/home/someone/wxadmin/customer-tokens.json";
    assert.ok(explainUsageError(program, `error: unknown command '${filePath}'\n`, [filePath]).includes(filePath));
    const afterFileFlag = explainUsageError(program, "error: unknown command 'app.secret'\n", ["--secret-file", "app.secret"]);
    assert.ok(afterFileFlag.includes("'app.secret'"), afterFileFlag);
  });
});

describe("shortenIds", () => {
  const orgA = encodeId("ORGANIZATION", "9ce301f0-b882-4f5c-ad01-0770feacb771");
  const orgB = encodeId("ORGANIZATION", "a087eaf3-00b3-49c9-8706-c4ebfb2627fd");

  test("shows start of the UUID", () => {
    const short = shortenIds([orgA, orgB, orgA]);
    assert.equal(short.get(orgA), "9ce301f0…");
    assert.equal(short.get(orgB), "a087eaf3…");
    assert.equal(short.size, 2);
  });

  test("lengthens until ids differ", () => {
    const orgC = encodeId("ORGANIZATION", "9ce301f0-b883-4f5c-ad01-0770feacb771");
    const short = shortenIds([orgA, orgC]);
    assert.equal(short.get(orgA), "9ce301f0-b882…");
    assert.equal(short.get(orgC), "9ce301f0-b883…");
  });

  test("keeps short values whole", () => {
    const short = shortenIds(["abc", `C${"5".repeat(64)}`]);
    assert.equal(short.get("abc"), "abc");
    assert.equal(short.get(`C${"5".repeat(64)}`), "C5555555…");
  });
});

describe("formatRelativeTime", () => {
  test("future and past", () => {
    assert.equal(formatRelativeTime(14 * DAY - 1), "in 14 days");
    assert.equal(formatRelativeTime(-2 * HOUR), "2 hours ago");
  });
});

describe("describeOption", () => {
  test("drops notes the text states", () => {
    const port = new Option("--port <port>", "TCP port. Default: 0.").default(0);
    assert.equal(describeOption(port), "TCP port. Default: 0.");
    const seed = new Option("--seed <fixture>", "demo or empty. Default: demo.").choices(["demo", "empty"]).default("demo");
    assert.equal(describeOption(seed), "demo or empty. Default: demo.");
    const url = new Option("--base-url <url>", "Default: WEBEX_BASE_URL, else the service.").env("WEBEX_BASE_URL");
    assert.equal(describeOption(url), "Default: WEBEX_BASE_URL, else the service.");
  });

  test("keeps notes the text lacks", () => {
    const limit = new Option("--limit <count>", "Rows to keep.").default(10);
    assert.equal(describeOption(limit), "Rows to keep. (default: 10)");
    const format = new Option("--format <format>", "Output format.").choices(["csv", "json"]);
    assert.equal(describeOption(format), "Output format. (choices: csv, json)");
    const dir = new Option("--dir <dir>", "Folder.").env("WXADMIN_DIR");
    assert.equal(describeOption(dir), "Folder. (env: WXADMIN_DIR)");
  });
});
