#!/usr/bin/env node
/**
 * Entry point of the `wxadmin` command. The exit code is set rather than forced with
 * `process.exit`, so output still buffered for a pipe is written before the process ends.
 */
import { runCli } from "./program.js";

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
