/**
 * The commander program: global options, command groups and the mapping of failures to exit
 * codes (0 success, 1 API or network failure, 2 invalid usage or input, 3 a person must act,
 * 4 finished with some orgs failed, 5 audit findings at or above the `--fail-on` severity).
 */
import { Command, CommanderError, Help, Option } from "commander";
import { maskSecret, redactText } from "../redact.js";
import { exitCodeFor, WebexError } from "../transport/errors.js";
import { registerAppsCommands } from "./commands/apps.js";
import { registerAuditCommand } from "./commands/audit.js";
import { registerBackupCommand } from "./commands/backup.js";
import { CommandExit } from "./command-exit.js";
import { registerDiffCommand } from "./commands/diff.js";
import { registerExportCommand } from "./commands/export.js";
import { registerSnapshotsCommands } from "./commands/snapshots.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerEmulatorCommand } from "./commands/emulator.js";
import { registerOrgsCommands } from "./commands/orgs.js";
import { registerTokenCommands } from "./commands/token.js";
import { TOKEN_STORE_ENV } from "./commands/token-shared.js";
import { registerWhoamiCommand } from "./commands/whoami.js";
import { ACCESS_TOKEN_ENV, type CliIo } from "./context.js";
import { CLIENT_SECRET_ENV } from "./credential-files.js";
import { checkGlobalOptionUse, collectOrgIds, isGlobalOptionShown, limitGlobalOptions } from "./options.js";

/** Exit code of a usage error: an unknown option, a missing argument, an invalid value. */
export const USAGE_EXIT_CODE = 2;

const VERSION = "0.1.0";

/**
 * Builds the `wxadmin` program; nothing is parsed yet.
 *
 * @param argv the arguments it will parse, so that usage errors can mask the ones that may be
 *   credentials (see `explainUsageError`)
 */
export function createProgram(io: CliIo, argv: readonly string[] = []): Command {
  const program = new Command("wxadmin")
    .description("Administer Webex organizations through Service Applications, or run a local Webex API emulator.")
    .version(VERSION, "-V, --version", "Print the wxadmin version and exit.")
    .helpOption("-h, --help", "Show help for the command and exit.")
    .helpCommand("help [command]", "Show help for a command.")
    .configureHelp({
      showGlobalOptions: true,
      sortSubcommands: false,
      visibleGlobalOptions(this: Help, command: Command): Option[] {
        return Help.prototype.visibleGlobalOptions.call(this, command).filter((option) => isGlobalOptionShown(command, option));
      },
      optionDescription: describeOption,
    })
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  program
    .addOption(
      new Option(
        "--token <token>",
        `Access token for the API calls. It shows in the process list and shell history, so prefer --token-file or ${ACCESS_TOKEN_ENV}. Default: the token from --token-file or ${ACCESS_TOKEN_ENV}.`,
      ).conflicts("tokenFile"),
    )
    .addOption(
      new Option(
        "--token-file <file>",
        'File holding the access token: the token alone, or the JSON written by "apps token --out". Default: none.',
      ).conflicts("token"),
    )
    .addOption(
      new Option(
        "--base-url <url>",
        "API base URL; plain http:// only for loopback hosts. Default: the WEBEX_BASE_URL environment variable, else https://webexapis.com/v1.",
      ).env("WEBEX_BASE_URL"),
    )
    .option(
      "--org <org>",
      "Org to act in, as a base64 Webex id or a bare UUID; for apps token, the org to get a token for. " +
        "token fetch, refresh and forget take several: repeat the flag or separate ids with commas. Default: the token owner's org.",
      collectOrgIds,
    )
    .option(
      "--app <id>",
      "Service app id (base64). With --org, runs the command as that app with its token pair from the token store, " +
        "refreshed when it nears expiry; the token commands act on this app. Not taken by apps, emulator and demo. Default: none, use the access token.",
    )
    .option(
      "--store <file>",
      `Token store file of --app and the token commands (JSON, mode 0600). Default: ${TOKEN_STORE_ENV}, else wxadmin/tokens.json in the user's config folder.`,
    )
    .option(
      "--secret-file <file>",
      `File holding the service app's client secret, for token fetch and for refreshes. Default: the ${CLIENT_SECRET_ENV} environment variable.`,
    )
    .option("--json", "Print results as JSON on stdout; notices still go to stderr. Default: off.")
    .addOption(new Option("--verbose", "Log each request and show stack traces on stderr. Default: off.").conflicts("quiet"))
    .addOption(new Option("--quiet", "Print only results and errors. Default: off.").conflicts("verbose"));

  program.addHelpText(
    "after",
    `
Exit codes: 0 success, 1 API or network failure, 2 invalid usage or input,
3 a person must act (credentials, scopes, roles, app authorization, a rejected refresh),
4 finished but incomplete: some orgs failed (token fetch, token refresh), some snapshots
  incomplete (backup), or a rule of the audit --fail-on severity was not checked,
5 audit --fail-on SEVERITY found a finding of that severity or a higher one,
130 or 143 a second SIGINT or SIGTERM quit a backup at once.

Client secrets are read from --secret-file FILE or ${CLIENT_SECRET_ENV}, never from a flag.

Run any command that talks to an org as a stored service app (see "wxadmin token"):
  wxadmin token fetch --app APP_ID --org ORG_ID --secret-file app.secret
  wxadmin whoami --app APP_ID --org ORG_ID --secret-file app.secret`,
  );

  registerWhoamiCommand(program, io);
  registerOrgsCommands(program, io);
  registerAppsCommands(program, io);
  registerTokenCommands(program, io);
  registerEmulatorCommand(program, io);
  registerDemoCommand(program, io);
  registerBackupCommand(program, io);
  registerSnapshotsCommands(program, io);
  registerExportCommand(program, io);
  registerDiffCommand(program, io);
  registerAuditCommand(program, io);

  limitCommandGroups(program);
  program.hook("preAction", (_program, actionCommand) => checkGlobalOptionUse(actionCommand));

  for (const command of allCommands(program)) {
    command.exitOverride();
    command.configureOutput({ outputError: (text, write) => write(explainUsageError(command, text, argv)) });
  }
  return program;
}

/**
 * Returns the help text of an option: its description, plus commander's note of the choices,
 * default and environment variable only for those the description does not already state,
 * so help does not read "Default: 0. (default: 0)".
 */
export function describeOption(option: Option): string {
  const text = option.description;
  const notes: string[] = [];
  if (option.argChoices !== undefined && !option.argChoices.every((choice) => text.includes(choice))) {
    notes.push(`choices: ${option.argChoices.join(", ")}`);
  }
  const takesValue = option.required || option.optional;
  if (option.defaultValue !== undefined && takesValue && !/\bDefault\b/i.test(text)) {
    notes.push(`default: ${option.defaultValueDescription ?? JSON.stringify(option.defaultValue)}`);
  }
  if (option.envVar !== undefined && !text.includes(option.envVar)) {
    notes.push(`env: ${option.envVar}`);
  }
  return notes.length === 0 ? text : `${text} (${notes.join(", ")})`;
}

const OUTPUT_OPTIONS = ["--version", "--json", "--verbose", "--quiet"];

/** Limits the global options of the command groups to which only some of them apply. */
function limitCommandGroups(program: Command): void {
  const limits: Array<[name: string, allowed: string[], reason: string]> = [
    [
      "apps",
      [...OUTPUT_OPTIONS, "--token", "--token-file", "--base-url", "--org"],
      'the apps commands act with the access token of a developer or an admin, never as a stored service app, and --org names the org to act in. To manage stored tokens, use "wxadmin token".',
    ],
    ["emulator", OUTPUT_OPTIONS, "the emulator serves its own orgs and tokens and calls no API."],
    ["demo", OUTPUT_OPTIONS, "the demo starts its own emulator and uses the tokens it seeds."],
  ];
  for (const [name, allowed, reason] of limits) {
    const command = program.commands.find((candidate) => candidate.name() === name);
    if (command !== undefined) {
      limitGlobalOptions(command, allowed, reason);
    }
  }
}

/**
 * Returns commander's usage error for `command` with a hint that points at the fix: the help of
 * the command, and for a flag that would take a client secret, the two places a secret can come from.
 * Arguments from `argv` that may be credentials are masked wherever the message quotes them.
 */
export function explainUsageError(command: Command, text: string, argv: readonly string[] = []): string {
  // Commander quotes an unknown "--secret=VALUE" whole; a credential in it must not reach the terminal.
  const message = maskCredentialArguments(text.trimEnd(), argv).replace(
    /unknown option '(--[^=']*(?:secret|token|password|key)[^=']*)=[^']*'/i,
    "unknown option '$1=****'",
  );
  const isSecretFlag = /unknown option '--(client-)?secret(=[^']*)?'/.test(message);
  // Commander may suggest a flag by spelling, such as --store for --secret; the hint below names the right ones.
  const lines = [`wxadmin: ${isSecretFlag ? message.replace(/\n\(Did you mean [^)]*\)$/, "") : message}`];
  if (isSecretFlag) {
    lines.push(
      `wxadmin: A client secret is never taken from a flag, because flags show in the process list and the shell history. ` +
        `Pass --secret-file FILE (a file only you can read) or set ${CLIENT_SECRET_ENV}.`,
    );
  }
  const name = ["wxadmin", ...commandNames(command)].join(" ");
  const helpHint = /unknown command/.test(text) ? "for the list of commands" : "for its usage";
  lines.push(`wxadmin: See "${name} --help" ${helpHint}.`);
  return `${lines.join("\n")}\n`;
}

/**
 * Flags whose value is a credential, known or mistyped: --secret, --client-secret, --token,
 * --access-token, --password, --api-key. Flags that name a file, such as --secret-file, do not count.
 */
const CREDENTIAL_FLAG = /^--?(?![\w-]*-(?:file|out)$)[\w-]*(?:secret|token|password|key)[\w-]*$/i;
/** Arguments longer than this may be tokens or secrets pasted in the wrong place. */
const MAX_SHOWN_ARGUMENT_LENGTH = 24;
/** Credential values at least this long are masked wherever quoted text contains them. */
const MIN_SEARCHED_LENGTH = 8;

/**
 * Masks in the quoted parts of `message` every argument of `argv` that may be a credential. The
 * value of a credential flag (`--secret VALUE`, `--token=VALUE`) becomes `****`. Any other
 * argument or option value longer than 24 characters is shown by its first and last four characters.
 *
 * NOTE: values that contain "/" are left readable, so that a long file path in an error stays
 * useful. Webex tokens and client secrets contain no "/".
 */
export function maskCredentialArguments(message: string, argv: readonly string[]): string {
  /** Text to replace inside a quoted part, and what replaces it. */
  const masks = new Map<string, string>();
  /** Values too short to search for inside other text: replaced only when quoted alone. */
  const wholeMasks = new Map<string, string>();
  for (const [index, arg] of argv.entries()) {
    const assignment = /^(--?[^=]+)=(.*)$/s.exec(arg);
    if (assignment !== null) {
      const [, flag = "", value = ""] = assignment;
      if (CREDENTIAL_FLAG.test(flag)) {
        masks.set(arg, `${flag}=****`);
      } else if (isLongArgument(value)) {
        masks.set(value, maskSecret(value));
      }
      continue;
    }

    const previous = argv[index - 1];
    if (!arg.startsWith("-") && previous !== undefined && CREDENTIAL_FLAG.test(previous)) {
      (arg.length >= MIN_SEARCHED_LENGTH ? masks : wholeMasks).set(arg, "****");
    } else if (isLongArgument(arg)) {
      masks.set(arg, maskSecret(arg));
    }
  }
  if (masks.size === 0 && wholeMasks.size === 0) {
    return message;
  }

  // Longer values first, so that a value inside another is not masked half.
  const ordered = [...masks].sort(([a], [b]) => b.length - a.length);
  // Commander and the option parsers quote every argument they repeat, so only quoted text is
  // searched, and a value cannot change the words of the message around it.
  return message.replace(/'([^'\n]*)'|"([^"\n]*)"/g, (quoted, single?: string, double?: string) => {
    const inner = single ?? double ?? "";
    const quote = quoted[0] ?? "'";
    const whole = wholeMasks.get(inner);
    if (whole !== undefined) {
      return `${quote}${whole}${quote}`;
    }
    let masked = inner;
    for (const [value, mask] of ordered) {
      masked = masked.split(value).join(mask);
    }
    return `${quote}${masked}${quote}`;
  });
}

function isLongArgument(value: string): boolean {
  return value.length > MAX_SHOWN_ARGUMENT_LENGTH && !value.includes("/");
}

function commandNames(command: Command): string[] {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) {
    names.unshift(current.name());
  }
  return names;
}

/**
 * Runs `wxadmin` with `argv` (arguments after the program name) and returns the exit code.
 * Errors are printed as one line on stderr; `--verbose` adds the stack.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = createProgram(io, argv);
  try {
    await program.parseAsync(expandNestedHelp(program, argv), { from: "user" });
    return 0;
  } catch (error) {
    return reportError(error, io, argv.includes("--verbose"));
  }
}

/**
 * Turns `help apps token` into `apps token --help`. Commander's help command takes one command
 * name, so it would show the help of `apps` and ignore `token`. A path with an unknown command
 * is passed on without `--help`, so commander reports that command as unknown.
 */
function expandNestedHelp(program: Command, argv: string[]): string[] {
  const [first, ...rest] = argv;
  if (first !== "help" || rest.length < 2 || rest.some((arg) => arg.startsWith("-"))) {
    return argv;
  }

  let command: Command | undefined = program;
  for (const name of rest) {
    command = command?.commands.find((candidate) => candidate.name() === name || candidate.aliases().includes(name));
  }
  return command === undefined ? rest : [...rest, "--help"];
}

function reportError(error: unknown, io: CliIo, isVerbose: boolean): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message. Requested help and --version exit with 0;
    // help shown because a command is missing exits with 1 and counts as a usage error.
    return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  }

  if (error instanceof CommandExit) {
    io.stderr.write(`wxadmin: ${redactText(error.message)}\n`);
    return error.exitCode;
  }

  if (error instanceof WebexError) {
    io.stderr.write(`wxadmin: error: ${error.message}\n`);
    if (isVerbose && error.stack) {
      io.stderr.write(`${redactText(error.stack)}\n`);
    }
    return exitCodeFor(error.code);
  }

  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`wxadmin: error: ${redactText(message)}\n`);
  if (isVerbose && error instanceof Error && error.stack) {
    io.stderr.write(`${redactText(error.stack)}\n`);
  }
  return 1;
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap((child) => allCommands(child))];
}
