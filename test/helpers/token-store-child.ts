/**
 * A child process for the file store tests, started with `child_process.fork`. It talks to the
 * parent over IPC: it sends `ready` and, where a mode waits for it, starts on a `go` message.
 *
 * Modes (first argument, the store path second):
 * - `count CLIENT ORG CYCLES WORKER`: increments the `obtainedAt` of (CLIENT, ORG) CYCLES times,
 *   each time by a read-modify-write under `withLock`. It also stores its own entry (WORKER, ORG)
 *   on every cycle, and sends `done` at the end.
 * - `write-loop CLIENT ORG SIZE`: rewrites (CLIENT, ORG) forever with tokens of SIZE characters
 *   that carry the write number; sends `writing` after the first write and `write started`
 *   as each later write begins.
 * - `hold CLIENT ORG`: takes the lock of (CLIENT, ORG), sends `holding` and never lets go.
 * - `exit`: exits at once, to obtain the pid of a process that no longer exists.
 */
import { FileTokenStore } from "../../src/auth/file-token-store.js";
import { buildEntry } from "./token-store-fixtures.js";

const [mode, storePath, clientId, orgId, ...rest] = process.argv.slice(2);
// `node --test dist/test/` also runs the files under test/helpers; without IPC there is nothing to do.
if (process.send === undefined) {
  process.exit(0);
}
if (!mode || !storePath || !clientId || !orgId) {
  throw new Error("usage: token-store-child MODE STORE_PATH CLIENT_ID ORG_ID [ARGS…]");
}
const store = new FileTokenStore({ path: storePath, lockTimeoutMs: 60_000 });
const key = { clientId, orgId };

function send(message: string): void {
  process.send?.(message);
}

function waitForGo(): Promise<void> {
  return new Promise((resolve) => {
    process.on("message", (message) => {
      if (message === "go") {
        resolve();
      }
    });
  });
}

async function count(cycles: number, worker: string): Promise<void> {
  send("ready");
  await waitForGo();
  for (let cycle = 1; cycle <= cycles; cycle += 1) {
    await store.withLock(key, async () => {
      const entry = await store.get(key);
      if (entry === undefined) {
        throw new Error(`worker ${worker} found no entry for ${clientId} in ${storePath}`);
      }
      // Yield between read and write, so that a missing lock would lose updates.
      await new Promise((resolve) => setImmediate(resolve));
      await store.set({ ...entry, obtainedAt: entry.obtainedAt + 1 });
    });
    await store.set(buildEntry(worker, orgId!, cycle, 64));
  }
  send("done");
}

async function writeLoop(size: number): Promise<void> {
  send("ready");
  for (let serial = 1; ; serial += 1) {
    if (serial > 1) {
      send("write started");
    }
    await store.set(buildEntry(clientId!, orgId!, serial, size));
    if (serial === 1) {
      send("writing");
    }
  }
}

async function hold(): Promise<void> {
  await store.withLock(key, async () => {
    send("holding");
    // The interval keeps the process alive until the parent kills it.
    await new Promise(() => setInterval(() => undefined, 60_000));
  });
}

switch (mode) {
  case "count":
    await count(Number(rest[0]), rest[1] ?? "worker");
    process.disconnect?.();
    break;
  case "write-loop":
    await writeLoop(Number(rest[0]));
    break;
  case "hold":
    await hold();
    break;
  case "exit":
    break;
  default:
    throw new Error(`unknown mode ${mode}`);
}
