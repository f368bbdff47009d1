/**
 * Child-process entry of the backup benchmark. One run does one sample in a fresh process, so
 * its peak RSS is the sample's own:
 *
 * - `backup`: `backupOrgs` of the customer org into a new SQLite file;
 * - `raw`: the same page and detail requests with plain `fetch` and `response.json()`, in the
 *   same pool of concurrent kinds, storing nothing.
 *
 * Started by `bench/backup.ts` through `child_process.fork`; reads a `BackupChildTask` (JSON)
 * from the `BENCH_BACKUP_TASK` environment variable and sends one `BackupChildResult` back
 * (both in bench/backup-protocol.ts).
 */
import { performance } from "node:perf_hooks";
import { backupOrgs } from "../src/jobs/backup.js";
import { SnapshotDb } from "../src/storage/snapshot-db.js";
import { Webex } from "../src/webex.js";
import { TASK_ENV, type BackupChildResult, type BackupChildTask } from "./backup-protocol.js";
import { findNextLink } from "./raw-client.js";

/** Counts responses by outcome and times the request span, as a wrapper of `fetch`. */
class RequestCounter {
  okResponses = 0;
  rateLimited = 0;
  failedRequests = 0;
  firstRequestAt: number | undefined;
  lastResponseAt = 0;
  firstRateLimitedAt: number | undefined;
  okAfterFirstRateLimit = 0;
  counting = false;

  readonly fetch: typeof fetch = async (input, init) => {
    if (!this.counting) {
      return fetch(input, init);
    }
    this.firstRequestAt ??= performance.now();
    try {
      const response = await fetch(input, init);
      this.#count(response.status);
      return response;
    } catch (error) {
      this.failedRequests += 1;
      throw error;
    }
  };

  #count(status: number): void {
    const now = performance.now();
    this.lastResponseAt = now;
    if (status === 429) {
      this.rateLimited += 1;
      this.firstRateLimitedAt ??= now;
    } else if (status >= 200 && status < 300) {
      this.okResponses += 1;
      if (this.firstRateLimitedAt !== undefined) {
        this.okAfterFirstRateLimit += 1;
      }
    } else {
      this.failedRequests += 1;
    }
  }
}

async function main(): Promise<void> {
  if (!process.send) {
    throw new Error("bench/backup-child.js must be started with child_process.fork by the benchmark.");
  }
  const task = JSON.parse(process.env[TASK_ENV] ?? "null") as BackupChildTask | null;
  if (task === null) {
    throw new Error(`${TASK_ENV} is not set; the benchmark parent passes the task in it.`);
  }

  const counter = new RequestCounter();
  const webex = await Webex.connect({ accessToken: task.token, baseUrl: task.url, fetch: counter.fetch });
  counter.counting = true;
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const outcome = task.mode === "backup" ? await runBackup(webex, task) : await runRaw(webex, task, counter.fetch);
  const wallMs = performance.now() - wallBefore;
  const cpu = process.cpuUsage(cpuBefore);
  counter.counting = false;

  const firstRequestAt = counter.firstRequestAt ?? wallBefore;
  const result: BackupChildResult = {
    type: "result",
    mode: task.mode,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    okResponses: counter.okResponses,
    rateLimited: counter.rateLimited,
    failedRequests: counter.failedRequests,
    requestSpanMs: counter.lastResponseAt - firstRequestAt,
    firstRateLimitedAtMs: counter.firstRateLimitedAt === undefined ? undefined : counter.firstRateLimitedAt - firstRequestAt,
    okAfterFirstRateLimit: counter.okAfterFirstRateLimit,
    counts: outcome.counts,
    complete: outcome.complete,
    error: outcome.error,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.send(result, () => process.exit(0));
}

async function runBackup(webex: Webex, task: BackupChildTask): Promise<RunOutcome> {
  const db = SnapshotDb.open(task.dbPath);
  try {
    const result = await backupOrgs({ webex, db, concurrency: task.concurrency });
    const snapshot = result.snapshots[0]?.snapshot;
    return { counts: snapshot?.counts ?? {}, complete: result.complete, error: snapshot?.error };
  } finally {
    db.close();
  }
}

// ---- raw baseline ----

/** One kind as the raw baseline reads it: the first page's path and query, and whether each item's detail is read. */
interface RawKind {
  kind: string;
  /** Path and query below the base URL; `orgId` is added. Same page sizes as the backup's defaults. */
  first: string;
  key: string;
  /** Path segment of the per-location detail (`queues`), when the backup reads details. */
  detailSegment?: string;
}

/** The backup's kinds, in its order and with its default page sizes (see src/jobs/backup-kinds.ts). */
const RAW_KINDS: RawKind[] = [
  { kind: "people", first: "/people?callingData=true&max=100", key: "items" },
  { kind: "licenses", first: "/licenses", key: "items" },
  { kind: "locations", first: "/locations?max=500", key: "items" },
  { kind: "callingLocations", first: "/telephony/config/locations?max=1000", key: "locations" },
  { kind: "numbers", first: "/telephony/config/numbers", key: "phoneNumbers" },
  { kind: "callQueues", first: "/telephony/config/queues?max=1000", key: "queues", detailSegment: "queues" },
  { kind: "huntGroups", first: "/telephony/config/huntGroups?max=1000", key: "huntGroups", detailSegment: "huntGroups" },
  { kind: "autoAttendants", first: "/telephony/config/autoAttendants?max=1000", key: "autoAttendants", detailSegment: "autoAttendants" },
  { kind: "callQueueAgents", first: "/telephony/config/queues/agents?max=1000", key: "agents" },
];

/** Objects per kind and the backup's outcome. */
interface RunOutcome {
  counts: Record<string, number>;
  complete: boolean;
  error?: string;
}

async function runRaw(webex: Webex, task: BackupChildTask, fetchCounted: typeof fetch): Promise<RunOutcome> {
  const orgId = encodeURIComponent(webex.org.id);
  const headers = { authorization: `Bearer ${task.token}`, accept: "application/json" };
  const getJson = async (url: string): Promise<{ body: Record<string, unknown>; next: string | undefined }> => {
    const response = await fetchCounted(url, { headers });
    if (!response.ok) {
      const text = await response.text();
      throw new Error(`GET ${url} failed: ${response.status} ${text.slice(0, 300)}`);
    }
    const body = (await response.json()) as Record<string, unknown>;
    return { body, next: findNextLink(response.headers.get("link")) };
  };

  const counts: Record<string, number> = {};
  const readKind = async (rawKind: RawKind): Promise<void> => {
    let url: string | undefined = `${task.url}${rawKind.first}${rawKind.first.includes("?") ? "&" : "?"}orgId=${orgId}`;
    let count = 0;
    while (url !== undefined) {
      const page = await getJson(url);
      const items = page.body[rawKind.key] as Array<Record<string, unknown>>;
      for (const item of items) {
        if (rawKind.detailSegment !== undefined) {
          const customerAssist = rawKind.detailSegment === "queues" && item.hasCxEssentials === true ? "&hasCxEssentials=true" : "";
          const detailUrl = `${task.url}/telephony/config/locations/${encodeURIComponent(String(item.locationId))}/${rawKind.detailSegment}/${encodeURIComponent(String(item.id))}?orgId=${orgId}${customerAssist}`;
          await getJson(detailUrl);
        }
        count += 1;
      }
      url = page.next;
    }
    counts[rawKind.kind] = count;
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < RAW_KINDS.length) {
      const rawKind = RAW_KINDS[next] as RawKind;
      next += 1;
      await readKind(rawKind);
    }
  };
  await Promise.all(Array.from({ length: task.concurrency }, worker));
  return { counts, complete: true };
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`bench backup child: ${message}\n`);
  process.exit(1);
});
