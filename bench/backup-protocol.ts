/** Task and result messages shared by the backup benchmark and its child processes. */

/** Name of the environment variable that carries the task. */
export const TASK_ENV = "BENCH_BACKUP_TASK";

/** What one child run does. */
export interface BackupChildTask {
  mode: "backup" | "raw";
  /** Emulator base URL ending in `/v1`. */
  url: string;
  token: string;
  /** Kinds read at the same time. */
  concurrency: number;
  /** SQLite file of the `backup` mode; created by the child, removed by the parent. */
  dbPath: string;
}

/** What a child run reports. */
export interface BackupChildResult {
  type: "result";
  mode: "backup" | "raw";
  /** Wall time of the work alone (connecting excluded), in milliseconds. */
  wallMs: number;
  /** CPU time of the child (user plus system, all threads) during the work, in milliseconds. */
  cpuMs: number;
  /** Responses with a 2xx status during the work. */
  okResponses: number;
  /** Responses with status 429 during the work. */
  rateLimited: number;
  /** Other failed responses and network errors during the work. */
  failedRequests: number;
  /** Wall time from the first request of the work to its last response, in milliseconds. */
  requestSpanMs: number;
  /** Milliseconds from the first request to the first 429, or undefined without a 429. */
  firstRateLimitedAtMs: number | undefined;
  /** 2xx responses received from the first 429 on. */
  okAfterFirstRateLimit: number;
  /** Objects per kind: stored (backup) or received (raw). */
  counts: Record<string, number>;
  /** True when the backup finished complete; always true for raw. */
  complete: boolean;
  /** The snapshot's error when it is incomplete. */
  error?: string;
  /** Peak resident set size of the child process, in bytes. */
  maxRssBytes: number;
}
