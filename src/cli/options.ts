/**
 * Parsers for option values, raising commander's usage error (exit code 2) on bad input, and the
 * rules for which commands take the global `--org` more than once and `--app`.
 */
import { InvalidArgumentError, type Command } from "commander";
import { InvalidInputError } from "../transport/errors.js";

/** Returns a commander parser that accepts whole numbers from `min` to `max`. */
export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const trimmed = value.trim();
    if (!/^-?\d+$/.test(trimmed)) {
      throw new InvalidArgumentError(`Expected a whole number, got "${value}".`);
    }
    const parsed = Number(trimmed);
    if (parsed < min || parsed > max) {
      throw new InvalidArgumentError(`Expected a number from ${min} to ${max}, got ${parsed}.`);
    }
    return parsed;
  };
}

/** Collects a repeatable option whose values may also be comma- or space-separated lists. */
export function collectList(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  return [...(previous ?? []), ...items];
}

const commandsTakingManyOrgs = new WeakSet<Command>();
const commandsWithoutServiceApp = new WeakSet<Command>();

/** Lets `command` take `--org` more than once; every other command acts in one org. */
export function allowManyOrgs(command: Command): Command {
  commandsTakingManyOrgs.add(command);
  return command;
}

/** Rejects `--app` for `command` and its subcommands, which never run as a stored service app. */
export function rejectServiceApp(command: Command): Command {
  commandsWithoutServiceApp.add(command);
  return command;
}

/**
 * Checks the global options against the command about to run: `--org` once unless the command
 * takes several, and `--app` only where a command can run as a stored service app.
 *
 * @throws InvalidInputError (exit code 2) naming the option and the fix
 */
export function checkGlobalOptionUse(command: Command): void {
  const options = command.optsWithGlobals<{ org?: string[]; app?: string; token?: string; tokenFile?: string }>();
  const name = commandPath(command);

  const orgs = options.org ?? [];
  if (orgs.length > 1 && !commandsTakingManyOrgs.has(command)) {
    throw new InvalidInputError(
      `"wxadmin ${name}" acts in one org, but --org named ${orgs.length}: ${orgs.join(", ")}. Give --org once.`,
    );
  }

  if (options.app === undefined) {
    return;
  }
  for (let current: Command | null = command; current !== null; current = current.parent) {
    if (commandsWithoutServiceApp.has(current)) {
      throw new InvalidInputError(
        `"wxadmin ${name}" does not take --app: the ${commandPath(current)} commands never run as a stored service app. ` +
          `Remove --app; to manage stored tokens, use "wxadmin token".`,
      );
    }
  }
  const isTokenCommand = name.split(" ")[0] === "token";
  if (!isTokenCommand && (options.token !== undefined || options.tokenFile !== undefined)) {
    throw new InvalidInputError(
      `--app runs "wxadmin ${name}" as the stored service app, so --token and --token-file would not be used. Remove either --app or the token flag.`,
    );
  }
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) {
    names.unshift(current.name());
  }
  return names.join(" ");
}
