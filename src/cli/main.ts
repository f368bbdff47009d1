#!/usr/bin/env node
/**
 * Entry point of the `wxadmin` command. The exit code is set rather than forced with
 * `process.exit`, so output still buffered for a pipe is written before the process ends.
 */
import { runCli } from "./program.js";

handleClosedPipes();

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});

/**
 * Handles a reader that closes its end of a pipe (EPIPE), as `head` does in
 * `wxadmin demo | head -1` once it has read enough. When stdout's reader is gone, the rest of the
 * output cannot be delivered, so the run stops at once with exit code 0. When stderr's reader is
 * gone, notices and errors are dropped and the run goes on, so its exit code still reports the
 * outcome. Other stream errors are thrown, as Node does for a stream without an error listener.
 */
function handleClosedPipes(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") {
      throw error;
    }
    process.exit(0);
  });
  process.stderr.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") {
      throw error;
    }
  });
}
