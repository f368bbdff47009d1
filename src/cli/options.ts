/**
 * Parsers for option values, raising commander's usage error (exit code 2) on bad input. Also the
 * rules for which global options each command takes: `--org` more than once, `--app`, and the
 * options that do not apply to a command group at all.
 */
import { InvalidArgumentError, type Command, type Option } from "commander";
import { isUuid, isWebexId } from "../ids.js";
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

/**
 * Collects the repeatable `--org` option: ids separated by commas, or by spaces when every part
 * is an org id. Any other value with spaces, such as an org's name, stays whole, so that
 * `checkGlobalOptionUse` can report it as one value.
 */
export function collectOrgIds(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
    .flatMap((item) => {
      const parts = item.split(/\s+/);
      return parts.length > 1 && parts.every(isOrgId) ? parts : [item];
    });
  return [...(previous ?? []), ...items];
}

/** Returns true when `value` is a base64 Webex org id or a bare UUID. */
function isOrgId(value: string): boolean {
  return isUuid(value) || isWebexId(value, "ORGANIZATION");
}

const commandsTakingManyOrgs = new WeakSet<Command>();

/** The global options a command group takes, as long flags, and why it takes no others. */
interface GlobalOptionLimit {
  allowed: ReadonlySet<string>;
  reason: string;
}

const globalOptionLimits = new WeakMap<Command, GlobalOptionLimit>();

/** Lets `command` take `--org` more than once; every other command acts in one org. */
export function allowManyOrgs(command: Command): Command {
  commandsTakingManyOrgs.add(command);
  return command;
}

/**
 * Limits the global options that `command` and its subcommands take to `allowed` (long flags
 * such as `--json`) and the options each command declares itself. Help lists only those, and
 * `checkGlobalOptionUse` rejects the others when given on the command line.
 *
 * @param reason why the others do not apply, for the error message
 */
export function limitGlobalOptions(command: Command, allowed: string[], reason: string): Command {
  globalOptionLimits.set(command, { allowed: new Set(allowed), reason });
  return command;
}

/**
 * Returns true when the help of `command` lists the global `option`: the command takes it and
 * does not declare an option of the same name itself, which help lists among its own options.
 */
export function isGlobalOptionShown(command: Command, option: Option): boolean {
  if (option.long !== undefined && command.options.some((own) => own.long === option.long)) {
    return false;
  }
  const limit = findGlobalOptionLimit(command);
  return limit === undefined || option.long === undefined || limit.allowed.has(option.long);
}

/**
 * Checks the global options against the command about to run: only options the command takes,
 * `--org` as org ids and once unless the command takes several, and `--app` without a token flag.
 *
 * @throws InvalidInputError (exit code 2) naming the option and the fix
 */
export function checkGlobalOptionUse(command: Command): void {
  const options = command.optsWithGlobals<{ org?: string[]; app?: string; token?: string; tokenFile?: string }>();
  const name = commandPath(command);
  rejectInapplicableOptions(command, name);

  const orgs = options.org ?? [];
  const notAnId = orgs.find((org) => !isOrgId(org));
  if (notAnId !== undefined) {
    throw new InvalidInputError(
      `Invalid --org ${JSON.stringify(notAnId)}: --org takes an org id (a base64 Webex org id or a bare UUID), not an org name. ` +
        'Find the id with "wxadmin orgs list", or for orgs with stored snapshots, "wxadmin snapshots list --json" (field orgId).',
    );
  }
  if (orgs.length > 1 && !commandsTakingManyOrgs.has(command)) {
    throw new InvalidInputError(
      `"wxadmin ${name}" acts in one org, but --org named ${orgs.length}: ${orgs.join(", ")}. Give --org once.`,
    );
  }

  if (options.app === undefined) {
    return;
  }
  const isTokenCommand = name.split(" ")[0] === "token";
  if (!isTokenCommand && (options.token !== undefined || options.tokenFile !== undefined)) {
    throw new InvalidInputError(
      `--app runs "wxadmin ${name}" as the stored service app, so --token and --token-file would not be used. Remove either --app or the token flag.`,
    );
  }
}

/** Rejects a global option given on the command line that `command` does not take; see `limitGlobalOptions`. */
function rejectInapplicableOptions(command: Command, name: string): void {
  const found = findGlobalOptionLimit(command);
  if (found === undefined) {
    return;
  }

  const ownFlags = new Set(command.options.map((option) => option.long));
  for (let ancestor = command.parent; ancestor !== null; ancestor = ancestor.parent) {
    for (const option of ancestor.options) {
      const flag = option.long;
      if (flag === undefined || found.allowed.has(flag) || ownFlags.has(flag)) {
        continue;
      }
      // Values from the environment (WEBEX_BASE_URL) are not the user's choice for this command.
      if (ancestor.getOptionValueSource(option.attributeName()) === "cli") {
        throw new InvalidInputError(`"wxadmin ${name}" does not take ${flag}: ${found.reason} Remove ${flag}.`);
      }
    }
  }
}

function findGlobalOptionLimit(command: Command): GlobalOptionLimit | undefined {
  for (let current: Command | null = command; current !== null; current = current.parent) {
    const limit = globalOptionLimits.get(current);
    if (limit !== undefined) {
      return limit;
    }
  }
  return undefined;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) {
    names.unshift(current.name());
  }
  return names.join(" ");
}
