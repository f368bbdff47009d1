/**
 * Token stores: the memory store, and the file store against real files in a temporary folder,
 * including child processes that contend for the lock or die in the middle of a write.
 */
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { inspect } from "node:util";
import { FileTokenStore, TOKEN_STORE_FILE_VERSION } from "../src/auth/file-token-store.js";
import { MemoryTokenStore, normalizeOrgId, tokenStoreKey, type StoredToken } from "../src/auth/token-store.js";
import { encodeId } from "../src/ids.js";
import { redactText } from "../src/redact.js";
import { InvalidInputError, TimeoutError } from "../src/transport/errors.js";
import { createCapturingLogger } from "./helpers/sdk-fakes.js";
import { buildEntry, readSerial } from "./helpers/token-store-fixtures.js";

const ORG_UUID = "8fe9a48e-535d-4bee-a155-d7c0a8acbf09";
const ORG_ID = encodeId("ORGANIZATION", ORG_UUID);
const OTHER_ORG_ID = encodeId("ORGANIZATION", "1eb65fdf-9643-417f-9974-ad72cae0e10f");
const CLIENT_ID = "C0123456789abcdef";
const CHILD_SCRIPT = new URL("./helpers/token-store-child.js", import.meta.url);

let root: string;
let folderCount = 0;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), "wxadmin-token-store-"));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Returns a fresh private folder under the test root. */
async function freshFolder(): Promise<string> {
  folderCount += 1;
  const folder = path.join(root, `case-${folderCount}`);
  await mkdir(folder, { mode: 0o700 });
  return folder;
}

function entryFor(clientId: string, orgId: string, serial = 1): StoredToken {
  return buildEntry(clientId, orgId, serial, 48);
}

/** Runs `action` and returns what it threw, or fails when it did not throw. */
async function caught(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to throw");
}

function startChild(args: string[]): ChildProcess {
  return fork(CHILD_SCRIPT, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

/** Resolves when `child` sends `message`; rejects when it exits first. */
function waitForMessage(child: ChildProcess, message: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (received: unknown): void => {
      if (received === message) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup();
      reject(new Error(`child exited (code ${code}, signal ${signal}) before sending ${message}`));
    };
    const cleanup = (): void => {
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

/** Resolves with the exit code once `child` has exited and been reaped. */
function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode);
  }
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function killChild(child: ChildProcess): Promise<void> {
  child.kill("SIGKILL");
  await waitForExit(child);
}

/** Returns the pid of a process that has exited and been reaped. */
async function findDeadPid(): Promise<number> {
  const child = fork(CHILD_SCRIPT, ["exit", "unused", "unused", "unused"], { stdio: ["ignore", "ignore", "ignore", "ipc"] });
  const pid = child.pid;
  await waitForExit(child);
  assert.ok(pid !== undefined);
  return pid;
}

function modeBits(mode: number): number {
  return mode & 0o777;
}

describe("tokenStoreKey", () => {
  test("UUID and base64 org ids share a key", () => {
    assert.equal(tokenStoreKey(CLIENT_ID, ORG_UUID), tokenStoreKey(CLIENT_ID, ORG_ID));
    assert.equal(tokenStoreKey(CLIENT_ID, ORG_UUID.toUpperCase()), tokenStoreKey(CLIENT_ID, ORG_ID));
    assert.equal(tokenStoreKey(CLIENT_ID, ORG_ID), `${CLIENT_ID}|${ORG_ID}`);
  });

  test("padded base64 org id normalized", () => {
    const padded = Buffer.from(`ciscospark://us/ORGANIZATION/${ORG_UUID}`).toString("base64");
    assert.ok(padded.endsWith("="));
    assert.equal(normalizeOrgId(padded), ORG_ID);
    assert.equal(normalizeOrgId("not-an-id"), "not-an-id");
  });
});

describe("MemoryTokenStore", () => {
  test("round trip", async () => {
    const store = new MemoryTokenStore();
    const entry = { ...entryFor(CLIENT_ID, ORG_ID), appId: "app-1", state: "ok" as const };
    await store.set(entry);
    assert.deepEqual(await store.get({ clientId: CLIENT_ID, orgId: ORG_ID }), entry);
    assert.equal(await store.get({ clientId: CLIENT_ID, orgId: OTHER_ORG_ID }), undefined);
  });

  test("returned entries are copies", async () => {
    const store = new MemoryTokenStore();
    const entry = entryFor(CLIENT_ID, ORG_ID);
    await store.set(entry);
    entry.tokens.access_token = "changed-after-set-0000";
    const first = await store.get({ clientId: CLIENT_ID, orgId: ORG_ID });
    assert.ok(first);
    first.obtainedAt = 999;
    const second = await store.get({ clientId: CLIENT_ID, orgId: ORG_ID });
    assert.equal(second?.obtainedAt, 1);
    assert.notEqual(second?.tokens.access_token, "changed-after-set-0000");
  });

  test("one entry per client and org", async () => {
    const store = new MemoryTokenStore();
    await store.set(entryFor(CLIENT_ID, ORG_ID, 1));
    await store.set(entryFor(CLIENT_ID, OTHER_ORG_ID, 2));
    await store.set(entryFor(CLIENT_ID, ORG_UUID, 3));
    const entries = await store.list();
    assert.equal(entries.length, 2);
    assert.deepEqual(
      new Map(entries.map((entry) => [entry.orgId, entry.obtainedAt])),
      new Map([
        [ORG_ID, 3],
        [OTHER_ORG_ID, 2],
      ]),
    );
  });

  test("UUID org id stored as base64", async () => {
    const store = new MemoryTokenStore();
    await store.set(entryFor(CLIENT_ID, ORG_UUID));
    const entry = await store.get({ clientId: CLIENT_ID, orgId: ORG_ID });
    assert.equal(entry?.orgId, ORG_ID);
  });

  test("delete reports whether it removed", async () => {
    const store = new MemoryTokenStore([entryFor(CLIENT_ID, ORG_ID)]);
    assert.equal(await store.delete({ clientId: CLIENT_ID, orgId: ORG_UUID }), true);
    assert.equal(await store.delete({ clientId: CLIENT_ID, orgId: ORG_ID }), false);
    assert.deepEqual(await store.list(), []);
  });

  test("incomplete entry rejected", async () => {
    const store = new MemoryTokenStore();
    const entry = entryFor(CLIENT_ID, ORG_ID) as unknown as Record<string, unknown>;
    const error = await caught(() => store.set({ ...entry, tokens: { access_token: "a-token-value-0001" } } as unknown as StoredToken));
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /has no usable tokens\.expires_in/);
    assert.doesNotMatch(error.message, /a-token-value-0001/);
  });

  test("withLock serializes one key", async () => {
    const store = new MemoryTokenStore();
    const events: string[] = [];
    let releaseFirst!: () => void;
    const firstMayFinish = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const key = { clientId: CLIENT_ID, orgId: ORG_ID };

    const first = store.withLock(key, async () => {
      events.push("first start");
      await firstMayFinish;
      events.push("first end");
    });
    const second = store.withLock({ clientId: CLIENT_ID, orgId: ORG_UUID }, async () => {
      events.push("second start");
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(events, ["first start"]);

    releaseFirst();
    await Promise.all([first, second]);
    assert.deepEqual(events, ["first start", "first end", "second start"]);
  });

  test("withLock leaves other keys free", async () => {
    const store = new MemoryTokenStore();
    let releaseFirst!: () => void;
    const firstMayFinish = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const first = store.withLock({ clientId: CLIENT_ID, orgId: ORG_ID }, () => firstMayFinish);
    const otherRan = await store.withLock({ clientId: CLIENT_ID, orgId: OTHER_ORG_ID }, async () => true);
    assert.equal(otherRan, true);
    releaseFirst();
    await first;
  });

  test("withLock nested for one key", async () => {
    const store = new MemoryTokenStore();
    const key = { clientId: CLIENT_ID, orgId: ORG_ID };
    const result = await store.withLock(key, () => store.withLock(key, async () => "inner"));
    assert.equal(result, "inner");
  });

  test("withLock releases after a failure", async () => {
    const store = new MemoryTokenStore();
    const key = { clientId: CLIENT_ID, orgId: ORG_ID };
    await assert.rejects(
      store.withLock(key, async () => {
        throw new Error("work failed");
      }),
      /work failed/,
    );
    assert.equal(await store.withLock(key, async () => "after"), "after");
  });

  test("describe counts entries", async () => {
    const store = new MemoryTokenStore([entryFor(CLIENT_ID, ORG_ID)]);
    assert.equal(store.describe(), "memory store (1 entry)");
  });
});

describe("FileTokenStore", () => {
  test("round trip through the file", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    const entry = { ...entryFor(CLIENT_ID, ORG_ID), appId: "app-1", state: "needs_reauthorization" as const, problem: "refresh rejected" };
    await new FileTokenStore({ path: storePath }).set(entry);

    const reopened = new FileTokenStore({ path: storePath });
    assert.deepEqual(await reopened.get({ clientId: CLIENT_ID, orgId: ORG_UUID }), entry);
    assert.deepEqual(await reopened.list(), [entry]);

    const onDisk = JSON.parse(await readFile(storePath, "utf8")) as { version: number; entries: Record<string, StoredToken> };
    assert.equal(onDisk.version, TOKEN_STORE_FILE_VERSION);
    assert.deepEqual(Object.keys(onDisk.entries), [`${CLIENT_ID}|${ORG_ID}`]);
  });

  test("one entry per client and org", async () => {
    const store = new FileTokenStore({ path: path.join(await freshFolder(), "tokens.json") });
    await store.set(entryFor(CLIENT_ID, ORG_ID, 1));
    await store.set(entryFor(CLIENT_ID, OTHER_ORG_ID, 2));
    await store.set(entryFor("C-other-client", ORG_ID, 3));
    await store.set(entryFor(CLIENT_ID, ORG_UUID, 4));

    const entries = await store.list();
    assert.equal(entries.length, 3);
    assert.equal((await store.get({ clientId: CLIENT_ID, orgId: ORG_ID }))?.obtainedAt, 4);
    assert.equal((await store.get({ clientId: CLIENT_ID, orgId: OTHER_ORG_ID }))?.obtainedAt, 2);
    assert.equal((await store.get({ clientId: "C-other-client", orgId: ORG_ID }))?.obtainedAt, 3);
  });

  test("missing file reads as empty", async () => {
    const store = new FileTokenStore({ path: path.join(await freshFolder(), "absent", "tokens.json") });
    assert.deepEqual(await store.list(), []);
    assert.equal(await store.get({ clientId: CLIENT_ID, orgId: ORG_ID }), undefined);
    assert.equal(await store.delete({ clientId: CLIENT_ID, orgId: ORG_ID }), false);
  });

  test("delete removes one entry", async () => {
    const store = new FileTokenStore({ path: path.join(await freshFolder(), "tokens.json") });
    await store.set(entryFor(CLIENT_ID, ORG_ID));
    await store.set(entryFor(CLIENT_ID, OTHER_ORG_ID));
    assert.equal(await store.delete({ clientId: CLIENT_ID, orgId: ORG_UUID }), true);
    assert.equal(await store.delete({ clientId: CLIENT_ID, orgId: ORG_ID }), false);
    assert.deepEqual(
      (await store.list()).map((entry) => entry.orgId),
      [OTHER_ORG_ID],
    );
  });

  test("modes 0600 and 0700", async () => {
    const folder = path.join(await freshFolder(), "nested", "wxadmin");
    const storePath = path.join(folder, "tokens.json");
    await new FileTokenStore({ path: storePath }).set(entryFor(CLIENT_ID, ORG_ID));

    assert.equal(modeBits((await stat(folder)).mode), 0o700);
    assert.equal(modeBits((await stat(path.dirname(folder))).mode), 0o700);
    assert.equal(modeBits((await stat(storePath)).mode), 0o600);
  });

  test("mode 0600 kept under umask 0", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    const previous = process.umask(0);
    try {
      await new FileTokenStore({ path: storePath }).set(entryFor(CLIENT_ID, ORG_ID));
    } finally {
      process.umask(previous);
    }
    assert.equal(modeBits((await stat(storePath)).mode), 0o600);
  });

  test("readable file rejected", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    const store = new FileTokenStore({ path: storePath });
    await store.set(entryFor(CLIENT_ID, ORG_ID));
    await chmod(storePath, 0o644);
    const before = await readFile(storePath, "utf8");

    for (const action of [() => store.get({ clientId: CLIENT_ID, orgId: ORG_ID }), () => store.set(entryFor(CLIENT_ID, OTHER_ORG_ID)), () => store.list()]) {
      const error = await caught(action);
      assert.ok(error instanceof InvalidInputError);
      assert.ok(error.message.includes(storePath), error.message);
      assert.ok(error.message.includes("0644"), error.message);
      assert.ok(error.message.includes(`chmod 600 ${storePath}`), error.message);
    }
    assert.equal(await readFile(storePath, "utf8"), before);
    assert.equal(modeBits((await stat(storePath)).mode), 0o644);
  });

  test("group-readable folder rejected", async () => {
    const folder = await freshFolder();
    await chmod(folder, 0o750);
    const store = new FileTokenStore({ path: path.join(folder, "tokens.json") });
    const error = await caught(() => store.set(entryFor(CLIENT_ID, ORG_ID)));
    assert.ok(error instanceof InvalidInputError);
    assert.ok(error.message.includes(`chmod 700 ${folder}`), error.message);
    assert.deepEqual(await readdir(folder), []);
  });

  test("corrupt file left untouched", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    const store = new FileTokenStore({ path: storePath });
    await store.set(entryFor(CLIENT_ID, ORG_ID));
    const corrupt = (await readFile(storePath, "utf8")).slice(0, 120);
    await writeFile(storePath, corrupt, { mode: 0o600 });

    for (const action of [() => store.get({ clientId: CLIENT_ID, orgId: ORG_ID }), () => store.set(entryFor(CLIENT_ID, OTHER_ORG_ID)), () => store.delete({ clientId: CLIENT_ID, orgId: ORG_ID })]) {
      const error = await caught(action);
      assert.ok(error instanceof InvalidInputError);
      assert.ok(error.message.includes(storePath), error.message);
      assert.match(error.message, /not valid JSON/);
      assert.match(error.message, /left unchanged/);
      assert.match(error.message, /wxadmin token fetch/);
    }
    assert.equal(await readFile(storePath, "utf8"), corrupt);
  });

  test("invalid entry named in error", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    const entry = entryFor(CLIENT_ID, ORG_ID) as unknown as Record<string, unknown>;
    delete entry.obtainedAt;
    await writeFile(storePath, JSON.stringify({ version: 1, entries: { "some-key": entry } }), { mode: 0o600 });

    const error = await caught(() => new FileTokenStore({ path: storePath }).list());
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /Entry "some-key"/);
    assert.match(error.message, /obtainedAt/);
    assert.ok(error.message.includes(storePath));
  });

  test("newer format version rejected", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    const text = JSON.stringify({ version: 2, entries: {} });
    await writeFile(storePath, text, { mode: 0o600 });

    const store = new FileTokenStore({ path: storePath });
    const error = await caught(() => store.set(entryFor(CLIENT_ID, ORG_ID)));
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /format version 2/);
    assert.match(error.message, /Upgrade wxadmin/);
    assert.equal(await readFile(storePath, "utf8"), text);
  });

  test("missing version rejected", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    await writeFile(storePath, JSON.stringify({ entries: {} }), { mode: 0o600 });
    const error = await caught(() => new FileTokenStore({ path: storePath }).list());
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /no valid version/);
  });

  test("empty file reads as empty", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    await writeFile(storePath, "", { mode: 0o600 });
    const store = new FileTokenStore({ path: storePath });
    assert.deepEqual(await store.list(), []);
    await store.set(entryFor(CLIENT_ID, ORG_ID));
    assert.equal((await store.list()).length, 1);
  });

  test("tokens read from file registered", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    const planted = buildEntry(CLIENT_ID, ORG_ID, 424242, 40);
    planted.tokens.access_token = "planted-file-access-token-7f3e9c1d";
    planted.tokens.refresh_token = "planted-file-refresh-token-2b8a4d6e";
    const text = JSON.stringify({ version: 1, entries: { [tokenStoreKey(CLIENT_ID, ORG_ID)]: planted } });
    await writeFile(storePath, text, { mode: 0o600 });

    const store = new FileTokenStore({ path: storePath });
    assert.equal((await store.get({ clientId: CLIENT_ID, orgId: ORG_ID }))?.tokens.access_token, planted.tokens.access_token);
    assert.ok(!redactText(`token ${planted.tokens.access_token}`).includes(planted.tokens.access_token));
    assert.ok(!redactText(`token ${planted.tokens.refresh_token}`).includes(planted.tokens.refresh_token));
    assert.ok(!store.describe().includes("planted"));
    assert.ok(!inspect(store).includes("planted"));
  });

  test("leftover temp files removed", async () => {
    const folder = await freshFolder();
    const storePath = path.join(folder, "tokens.json");
    await writeFile(path.join(folder, ".tokens.json.12345.abcdef.tmp"), "partial", { mode: 0o600 });
    await new FileTokenStore({ path: storePath }).set(entryFor(CLIENT_ID, ORG_ID));
    assert.deepEqual(await readdir(folder), ["tokens.json"]);
  });

  test("describe names the path", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    assert.equal(new FileTokenStore({ path: storePath }).describe(), `file store ${storePath}`);
  });

  test("defaultPath order", () => {
    assert.equal(FileTokenStore.defaultPath({ WXADMIN_TOKEN_STORE: "/srv/x/t.json", XDG_CONFIG_HOME: "/cfg", HOME: "/home/u" }), "/srv/x/t.json");
    assert.equal(FileTokenStore.defaultPath({ XDG_CONFIG_HOME: "/cfg", HOME: "/home/u" }), "/cfg/wxadmin/tokens.json");
    assert.equal(FileTokenStore.defaultPath({ HOME: "/home/u" }), "/home/u/.config/wxadmin/tokens.json");
  });

  test("withLock nested for one key", async () => {
    const store = new FileTokenStore({ path: path.join(await freshFolder(), "tokens.json"), lockTimeoutMs: 200 });
    const key = { clientId: CLIENT_ID, orgId: ORG_ID };
    const result = await store.withLock(key, async () => {
      await store.set(entryFor(CLIENT_ID, ORG_ID));
      return store.withLock(key, async () => (await store.get(key))?.obtainedAt);
    });
    assert.equal(result, 1);
  });

  test("withLock removes its lock file", async () => {
    const folder = await freshFolder();
    const store = new FileTokenStore({ path: path.join(folder, "tokens.json") });
    let filesInside: string[] = [];
    await store.withLock({ clientId: CLIENT_ID, orgId: ORG_ID }, async () => {
      filesInside = await readdir(folder);
    });
    assert.equal(filesInside.filter((name) => name.endsWith(".lock")).length, 1);
    assert.deepEqual(await readdir(folder), []);
  });
});

describe("FileTokenStore stale locks", () => {
  /** Writes a lock file as another process would, with its mtime `ageMs` in the past. */
  async function plantLock(lockPath: string, holder: Record<string, unknown>, ageMs = 0): Promise<void> {
    await writeFile(lockPath, JSON.stringify(holder), { mode: 0o600 });
    const touched = new Date(Date.now() - ageMs);
    await utimes(lockPath, touched, touched);
  }

  test("dead pid lock broken", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    const deadPid = await findDeadPid();
    await plantLock(`${storePath}.lock`, { pid: deadPid, hostname: hostname(), token: "left-behind", createdAt: new Date().toISOString() });
    const logger = createCapturingLogger();

    await new FileTokenStore({ path: storePath, lockTimeoutMs: 5_000, logger }).set(entryFor(CLIENT_ID, ORG_ID));

    assert.equal((await new FileTokenStore({ path: storePath }).list()).length, 1);
    const warnings = logger.lines.filter((line) => line.level === "warn");
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]?.message.includes(`${storePath}.lock`));
    assert.ok(warnings[0]?.message.includes(`process ${deadPid} no longer exists`));
  });

  test("old lock broken", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    await plantLock(`${storePath}.lock`, { pid: process.pid, hostname: "another-host.example", token: "x", createdAt: "2026-01-01T00:00:00Z" }, 60_000);
    const logger = createCapturingLogger();

    await new FileTokenStore({ path: storePath, lockTimeoutMs: 5_000, staleLockMs: 30_000, logger }).set(entryFor(CLIENT_ID, ORG_ID));

    assert.equal((await new FileTokenStore({ path: storePath }).list()).length, 1);
    assert.match(logger.text(), /stale age/);
  });

  test("own pid from earlier process broken", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    await plantLock(`${storePath}.lock`, { pid: process.pid, hostname: hostname(), token: "not-held-by-this-process" });
    const logger = createCapturingLogger();

    await new FileTokenStore({ path: storePath, lockTimeoutMs: 5_000, logger }).set(entryFor(CLIENT_ID, ORG_ID));
    assert.match(logger.text(), /earlier process/);
  });

  test("live lock wait times out", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    const lockPath = `${storePath}.lock`;
    await plantLock(lockPath, { pid: process.pid, hostname: "another-host.example", token: "x", createdAt: "2026-02-03T04:05:06.000Z" });
    const store = new FileTokenStore({ path: storePath, lockTimeoutMs: 150 });

    const error = await caught(() => store.set(entryFor(CLIENT_ID, ORG_ID)));
    assert.ok(error instanceof TimeoutError);
    assert.ok(error.message.includes(`lock ${lockPath}`), error.message);
    assert.ok(error.message.includes(`pid ${process.pid} on another-host.example since 2026-02-03T04:05:06.000Z`), error.message);
    assert.ok(error.message.includes(`delete ${lockPath}`), error.message);
    assert.equal(await readFile(lockPath, "utf8").then((text) => text.includes("another-host")), true);
  });
});

describe("FileTokenStore across processes", () => {
  test("two processes lose no update", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    const store = new FileTokenStore({ path: storePath });
    await store.set({ ...entryFor(CLIENT_ID, ORG_ID), obtainedAt: 0 });

    const workers = ["worker-a", "worker-b"].map((worker) => startChild(["count", storePath, CLIENT_ID, ORG_ID, "50", worker]));
    await Promise.all(workers.map((child) => waitForMessage(child, "ready")));
    const done = workers.map((child) => waitForMessage(child, "done"));
    for (const child of workers) {
      child.send("go");
    }
    await Promise.all(done);
    const exitCodes = await Promise.all(workers.map(waitForExit));
    assert.deepEqual(exitCodes, [0, 0]);

    const onDisk = JSON.parse(await readFile(storePath, "utf8")) as { entries: Record<string, StoredToken> };
    assert.equal(Object.keys(onDisk.entries).length, 3);
    assert.equal((await store.get({ clientId: CLIENT_ID, orgId: ORG_ID }))?.obtainedAt, 100);
    assert.equal((await store.get({ clientId: "worker-a", orgId: ORG_ID }))?.obtainedAt, 50);
    assert.equal((await store.get({ clientId: "worker-b", orgId: ORG_ID }))?.obtainedAt, 50);
    assert.deepEqual(await readdir(path.dirname(storePath)), ["tokens.json"]);
  });

  test("killed writer leaves a whole entry", async (context) => {
    const folder = await freshFolder();
    const storePath = path.join(folder, "tokens.json");
    const tokenSize = 1_000_000;
    const rounds = 12;
    let killsMidWrite = 0;

    for (let round = 0; round < rounds; round += 1) {
      const child = startChild(["write-loop", storePath, CLIENT_ID, ORG_ID, String(tokenSize)]);
      await waitForMessage(child, "writing");
      await waitForMessage(child, "write started");
      // A random moment within the write (about 50 ms for this size), so kills land in every
      // step: taking the lock, reading, writing the temporary file, syncing, renaming.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 50));
      await killChild(child);

      if ((await readdir(folder)).some((name) => name.endsWith(".tmp"))) {
        killsMidWrite += 1;
      }
      const text = await readFile(storePath, "utf8");
      const onDisk = JSON.parse(text) as { entries: Record<string, StoredToken> };
      assert.equal(Object.keys(onDisk.entries).length, 1);
      const entry = await new FileTokenStore({ path: storePath }).get({ clientId: CLIENT_ID, orgId: ORG_ID });
      assert.ok(entry, `round ${round}: no entry`);
      assert.ok(readSerial(entry, tokenSize) >= 1);
    }

    // The next write breaks the dead writer's lock and clears its temporary file.
    await new FileTokenStore({ path: storePath, lockTimeoutMs: 5_000 }).set(entryFor(CLIENT_ID, OTHER_ORG_ID));
    assert.deepEqual(await readdir(folder), ["tokens.json"]);
    assert.equal((await new FileTokenStore({ path: storePath }).list()).length, 2);
    context.diagnostic(`kills that left a temporary file: ${killsMidWrite} of ${rounds}`);
  });

  test("lock held by a live process times out", async () => {
    const storePath = path.join(await freshFolder(), "tokens.json");
    const holder = startChild(["hold", storePath, CLIENT_ID, ORG_ID]);
    try {
      await waitForMessage(holder, "holding");
      const store = new FileTokenStore({ path: storePath, lockTimeoutMs: 200 });

      const error = await caught(() => store.withLock({ clientId: CLIENT_ID, orgId: ORG_ID }, async () => "never"));
      assert.ok(error instanceof TimeoutError);
      assert.ok(error.message.includes(storePath), error.message);
      assert.match(error.message, /\.lock, held by pid \d+/);
      assert.ok(error.message.includes(`pid ${holder.pid} on ${hostname()}`), error.message);

      // Other keys and plain writes stay available while one key is locked.
      await store.set(entryFor(CLIENT_ID, OTHER_ORG_ID));
      assert.equal(await store.withLock({ clientId: CLIENT_ID, orgId: OTHER_ORG_ID }, async () => "free"), "free");
    } finally {
      await killChild(holder);
    }

    const logger = createCapturingLogger();
    const store = new FileTokenStore({ path: storePath, lockTimeoutMs: 5_000, logger });
    assert.equal(await store.withLock({ clientId: CLIENT_ID, orgId: ORG_ID }, async () => "taken"), "taken");
    assert.match(logger.text(), new RegExp(`process ${holder.pid} no longer exists`));
  });
});

describe("stored entry inspection", () => {
  const stores: Array<[string, () => Promise<MemoryTokenStore | FileTokenStore>]> = [
    ["memory", async () => new MemoryTokenStore()],
    ["file", async () => new FileTokenStore({ path: path.join(await freshFolder(), "tokens.json") })],
  ];

  for (const [name, createStore] of stores) {
    test(`${name} store masks tokens in inspect`, async () => {
      const store = await createStore();
      const entry = buildEntry(CLIENT_ID, ORG_ID, 7, 48);
      await store.set(entry);

      const fetched = await store.get({ clientId: CLIENT_ID, orgId: ORG_ID });
      assert.ok(fetched);
      const listed = await store.list();
      for (const shown of [inspect(fetched, { depth: 5 }), inspect(listed, { depth: 5 })]) {
        assert.ok(!shown.includes(entry.tokens.access_token), `inspect output shows the access token: ${shown}`);
        assert.ok(!shown.includes(entry.tokens.refresh_token), `inspect output shows the refresh token: ${shown}`);
        assert.match(shown, /expires_in: 1209600/);
      }
      assert.equal(JSON.parse(JSON.stringify(fetched)).tokens.access_token, entry.tokens.access_token);
    });
  }
});
