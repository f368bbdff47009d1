/**
 * An outcome that ends a command with its own exit code after its output was printed, such as
 * audit findings at or above the `--fail-on` severity. It is not an SDK error: the SDK's error
 * codes map to exit codes 1 to 4 through `exitCodeFor`, and these codes come after them.
 */

/** Exit code of `wxadmin audit --fail-on SEVERITY` when a finding of that severity or a higher one exists. */
export const FINDINGS_EXIT_CODE = 5;

/** Ends a command with `exitCode` and prints `message` on stderr. */
export class CommandExit extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.name = "CommandExit";
    this.exitCode = exitCode;
  }
}
