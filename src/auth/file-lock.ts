/**
 * A cross-process lock on a path, made of a lock file created with `O_EXCL`. The lock file
 * contains the holder's pid, host name and a random token. A holder touches the file's mtime
 * while it works. A lock whose mtime is older than the stale age, or whose pid is gone on this
 * host, was left behind by a crashed process and is removed.
 */
import { randomBytes } from "node:crypto";
import { open, readFile, stat, unlink, utimes } from "node:fs/promises";
import { hostname } from "node:os";
import { silentLogger, type Logger } from "../logger.js";
import { TimeoutError } from "../transport/errors.js";

/** Options of `withFileLock`. */
export interface FileLockOptions {
  /** How long to wait for a lock held by another live process, in milliseconds. Default 10,000. */
  timeoutMs?: number;
  /** Age of the lock file's mtime past which a lock counts as left behind, in milliseconds. Default 30,000. */
  staleMs?: number;
  /** Receives a warn line whenever a stale lock is removed. Default silent. */
  logger?: Logger;
}

/** Holder details from the lock file's JSON. */
interface LockHolder {
  pid?: number;
  hostname?: string;
  token?: string;
  createdAt?: string;
}

/** A lock file as found on disk, with the reason it counts as stale, if any. */
interface LockState {
  holder: LockHolder;
  inode: number;
  mtimeMs: number;
  staleReason?: string;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
export const DEFAULT_STALE_LOCK_MS = 30_000;

/** Maximum pause between two attempts to take a held lock, in milliseconds. */
const MAX_POLL_MS = 100;

/**
 * Tokens of the locks this process holds now. A lock file with this process's pid and a token
 * not in this set was left by an earlier process that had the same pid (common in containers).
 */
const heldTokens = new Set<string>();

const localHostname = hostname();

/**
 * Runs `work` holding the lock file `lockPath`, and removes the lock file when `work` settles.
 * The folder of `lockPath` must exist.
 *
 * @throws TimeoutError naming the lock file and its holder when the lock stays held by a live
 *   process for longer than `timeoutMs`
 */
export async function withFileLock<T>(lockPath: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const settings = {
    timeoutMs: options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    staleMs: options.staleMs ?? DEFAULT_STALE_LOCK_MS,
    logger: options.logger ?? silentLogger,
  };
  const token = await acquireLock(lockPath, settings);

  // Touch the lock while `work` runs, so that a long refresh is not mistaken for a crash.
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => undefined);
  }, Math.max(10, Math.floor(settings.staleMs / 3)));
  heartbeat.unref();

  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    await releaseLock(lockPath, token, settings.logger);
  }
}

async function acquireLock(lockPath: string, settings: Required<FileLockOptions>): Promise<string> {
  const token = randomBytes(12).toString("hex");
  const deadline = Date.now() + settings.timeoutMs;
  let pauseMs = 5;

  for (;;) {
    if (await tryCreateLockFile(lockPath, token)) {
      return token;
    }

    const state = await readLockState(lockPath, settings.staleMs);
    if (state === undefined) {
      continue; // The holder released it between our attempt and the read.
    }
    const remainingMs = deadline - Date.now();
    if (state.staleReason !== undefined && remainingMs > 0) {
      await breakStaleLock(lockPath, state, settings);
      continue;
    }
    if (remainingMs <= 0) {
      throw new TimeoutError(
        `Timed out after ${settings.timeoutMs} ms waiting for the lock ${lockPath}, held by ${describeHolder(state)}. ` +
          `If no wxadmin process is running, delete ${lockPath}; otherwise try again once the holder has finished.`,
      );
    }
    // Jitter keeps two waiting processes from retrying in lockstep.
    await pause(Math.min(remainingMs, pauseMs * (0.5 + Math.random())));
    pauseMs = Math.min(pauseMs * 2, MAX_POLL_MS);
  }
}

/** Creates the lock file with `O_EXCL`. Returns false when it already exists. */
async function tryCreateLockFile(lockPath: string, token: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, "wx", 0o600);
  } catch (error) {
    if (errorCode(error) === "EEXIST") {
      return false;
    }
    throw error;
  }

  heldTokens.add(token);
  try {
    const holder: LockHolder = { pid: process.pid, hostname: localHostname, token, createdAt: new Date().toISOString() };
    await handle.writeFile(`${JSON.stringify(holder)}\n`);
    await handle.sync();
  } catch (error) {
    heldTokens.delete(token);
    await handle.close().catch(() => undefined);
    await unlink(lockPath).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return true;
}

/** Reads the lock file. Returns `undefined` when it does not exist. */
async function readLockState(lockPath: string, staleMs: number): Promise<LockState | undefined> {
  let text: string;
  let inode: number;
  let mtimeMs: number;
  try {
    const info = await stat(lockPath);
    inode = info.ino;
    mtimeMs = info.mtimeMs;
    text = await readFile(lockPath, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") {
      return undefined;
    }
    throw error;
  }

  // The holder writes its details just after creating the file, so the text may be empty.
  let holder: LockHolder = {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === "object") {
      holder = parsed as LockHolder;
    }
  } catch {
    holder = {};
  }

  const state: LockState = { holder, inode, mtimeMs };
  state.staleReason = findStaleReason(state, staleMs);
  return state;
}

function findStaleReason(state: LockState, staleMs: number): string | undefined {
  const { pid, hostname: holderHost, token } = state.holder;
  if (typeof pid === "number" && holderHost === localHostname) {
    if (pid === process.pid && (typeof token !== "string" || !heldTokens.has(token))) {
      return "it was left by an earlier process with this process's pid";
    }
    if (!isProcessAlive(pid)) {
      return `process ${pid} no longer exists`;
    }
  }

  const ageMs = Date.now() - state.mtimeMs;
  if (ageMs > staleMs) {
    return `it was last touched ${Math.round(ageMs / 1000)} s ago, more than the ${staleMs} ms stale age`;
  }
  return undefined;
}

/**
 * Removes a stale lock file. Breakers first take a second lock file (`<lock>.break`) and check
 * again under it, so two processes that both found the lock stale cannot remove each other's
 * fresh lock.
 */
async function breakStaleLock(lockPath: string, seen: LockState, settings: Required<FileLockOptions>): Promise<void> {
  const breakPath = `${lockPath}.break`;
  const breakToken = randomBytes(12).toString("hex");
  if (!(await tryCreateLockFile(breakPath, breakToken))) {
    const breaker = await readLockState(breakPath, settings.staleMs);
    if (breaker?.staleReason !== undefined) {
      // NOTE: two processes may both find the break lock stale and both remove it. That needs a
      // breaker to die while it has the break lock, and the inode check below still applies.
      settings.logger.warn(`Removing the stale lock ${breakPath}, because ${breaker.staleReason}.`);
      await unlink(breakPath).catch(() => undefined);
    } else {
      await pause(1);
    }
    return;
  }

  try {
    const current = await readLockState(lockPath, settings.staleMs);
    if (current === undefined || current.inode !== seen.inode || current.staleReason === undefined) {
      return; // Another process removed or replaced it meanwhile.
    }
    settings.logger.warn(`Removing the stale lock ${lockPath} of ${describeHolder(current)}, because ${current.staleReason}.`, {
      lockPath,
    });
    await unlink(lockPath).catch((error: unknown) => {
      if (errorCode(error) !== "ENOENT") {
        throw error;
      }
    });
  } finally {
    await releaseLock(breakPath, breakToken, settings.logger);
  }
}

/** Removes the lock file if it still carries `token`. */
async function releaseLock(lockPath: string, token: string, logger: Logger): Promise<void> {
  heldTokens.delete(token);
  let text: string;
  try {
    text = await readFile(lockPath, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") {
      logger.warn(`The lock ${lockPath} was removed by another process while this process held it.`, { lockPath });
      return;
    }
    throw error;
  }
  if (!text.includes(token)) {
    logger.warn(`The lock ${lockPath} was taken over by another process while this process held it.`, { lockPath });
    return;
  }
  await unlink(lockPath).catch(() => undefined);
}

function describeHolder(state: LockState): string {
  const { pid, hostname: holderHost, createdAt } = state.holder;
  let holderName = "an unknown process";
  if (typeof pid === "number") {
    holderName = typeof holderHost === "string" ? `pid ${pid} on ${holderHost}` : `pid ${pid}`;
  }
  const since = typeof createdAt === "string" ? createdAt : new Date(state.mtimeMs).toISOString();
  return `${holderName} since ${since}`;
}

/** Returns false only when `pid` certainly does not exist. */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errorCode(error) !== "ESRCH";
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
