/**
 * The commander program: global options, command groups and the mapping of failures to exit
 * codes (0 success, 1 API or network failure, 2 invalid usage or input, 3 a person must act,
 * 4 finished with some orgs failed).
 */
import { Command, CommanderError, Option } from "commander";
import { redactText } from "../redact.js";
import { exitCodeFor, WebexError } from "../transport/errors.js";
import { registerAppsCommands } from "./commands/apps.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerEmulatorCommand } from "./commands/emulator.js";
import { registerOrgsCommands } from "./commands/orgs.js";
import { registerTokenCommands } from "./commands/token.js";
import { TOKEN_STORE_ENV } from "./commands/token-shared.js";
import { registerWhoamiCommand } from "./commands/whoami.js";
import { ACCESS_TOKEN_ENV, type CliIo } from "./context.js";
import { CLIENT_SECRET_ENV } from "./credential-files.js";
import { checkGlobalOptionUse, collectList, rejectServiceApp } from "./options.js";

/** Exit code of a usage error: an unknown option, a missing argument, an invalid value. */
export const USAGE_EXIT_CODE = 2;

const VERSION = "0.1.0";

/** Builds the `wxadmin` program; nothing is parsed yet. */
export function createProgram(io: CliIo): Command {
  const program = new Command("wxadmin")
    .description("Administer Webex organizations through Service Applications, or run a local Webex API emulator.")
    .version(VERSION, "-V, --version", "Print the wxadmin version and exit.")
    .helpOption("-h, --help", "Show help for the command and exit.")
    .helpCommand("help [command]", "Show help for a command.")
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`wxadmin: ${text}`),
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
        "API base URL; plain http:// only for loopback hosts. Default: https://webexapis.com/v1.",
      ).env("WEBEX_BASE_URL"),
    )
    .option(
      "--org <org>",
      "Org to act in, as a base64 Webex id or a bare UUID; for apps token, the org to get a token for. " +
        "token fetch, refresh and forget take several: repeat the flag or separate ids with commas. Default: the token owner's org.",
      collectList,
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
4 finished with some orgs failed (token fetch and token refresh).

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

  // The apps commands manage apps with a developer's or admin's token, and for apps token and
  // apps authorize --org names the target org, so --app (run as a stored app) has no place there.
  for (const name of ["apps", "emulator", "demo"]) {
    const command = program.commands.find((candidate) => candidate.name() === name);
    if (command !== undefined) {
      rejectServiceApp(command);
    }
  }
  program.hook("preAction", (_program, actionCommand) => checkGlobalOptionUse(actionCommand));

  for (const command of allCommands(program)) {
    command.exitOverride();
  }
  return program;
}

/**
 * Runs `wxadmin` with `argv` (arguments after the program name) and returns the exit code.
 * Errors are printed as one line on stderr; `--verbose` adds the stack.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    return reportError(error, io, argv.includes("--verbose"));
  }
}

function reportError(error: unknown, io: CliIo, isVerbose: boolean): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message. Requested help and --version exit with 0;
    // help shown because a command is missing exits with 1 and counts as a usage error.
    return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
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
