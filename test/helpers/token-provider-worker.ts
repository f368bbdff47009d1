/**
 * Child process of the two-process token test. It acts as the service app through
 * `Webex.fromServiceApp` with a `FileTokenStore` that another child shares, on a clock the
 * parent sets to the emulator clock.
 *
 * Messages from the parent: `init` (connection settings), `run` (the clock offset; make one
 * request and report the access token used), `exit`. Replies: `ready`, `done`, `failed`.
 */
import { FileTokenStore } from "../../src/auth/file-token-store.js";
import { Webex } from "../../src/webex.js";

/** Settings the parent sends first. */
export interface WorkerInit {
  type: "init";
  storePath: string;
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  orgId: string;
}

export type WorkerCommand = WorkerInit | { type: "run"; clockOffsetMs: number } | { type: "exit" };

export type WorkerReply =
  | { type: "ready" }
  | { type: "done"; accessToken: string; personType: string | undefined; refreshes: number }
  | { type: "failed"; message: string };

let clockOffsetMs = 0;
let webex: ReturnType<typeof Webex.fromServiceApp> | undefined;
let refreshes = 0;

function reply(message: WorkerReply): void {
  process.send?.(message);
}

async function handle(command: WorkerCommand): Promise<void> {
  if (command.type === "exit") {
    process.exit(0);
  }
  if (command.type === "init") {
    webex = Webex.fromServiceApp({
      clientId: command.clientId,
      clientSecret: command.clientSecret,
      orgId: command.orgId,
      store: new FileTokenStore({ path: command.storePath }),
      baseUrl: command.baseUrl,
      now: () => Date.now() + clockOffsetMs,
    });
    webex.tokenProvider.on("refreshed", () => {
      refreshes += 1;
    });
    reply({ type: "ready" });
    return;
  }

  if (webex === undefined) {
    throw new Error("run arrived before init");
  }
  clockOffsetMs = command.clockOffsetMs;
  const person = await webex.org.people.me();
  reply({ type: "done", accessToken: await webex.tokenProvider.getAccessToken(), personType: person.type, refreshes });
}

process.on("message", (command: WorkerCommand) => {
  handle(command).catch((error: unknown) => {
    reply({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  });
});
// The IPC channel closes when the parent exits, a failed test run included.
process.on("disconnect", () => process.exit(0));
