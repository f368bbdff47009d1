/**
 * `wxadmin emulator`: runs the local Webex API emulator until SIGINT or SIGTERM and prints its
 * URL, the personal tokens of its seeded identities and what each token is for. Those tokens
 * exist only inside this emulator, so printing them in full is safe and is what the user asked
 * for. `wxadmin emulator mutate` (emulator-mutate.ts) changes the data of a running emulator.
 */
import type { Command } from "commander";
import { Option } from "commander";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator/index.js";
import { InvalidInputError } from "../../transport/errors.js";
import { actionFor, ACCESS_TOKEN_ENV, type CliContext, type CliIo } from "../context.js";
import { integerOption } from "../options.js";
import { formatCount, renderFields } from "../render.js";
import { registerEmulatorMutateCommand } from "./emulator-mutate.js";

interface EmulatorCommandOptions {
  port: number;
  host: string;
  seed: "demo" | "empty";
  people: number;
  orgs: number;
  randomSeed: number;
  accessTokenLifetime?: number;
  refreshTokenLifetime?: number;
  rotateRefreshTokens?: boolean;
  rateLimit?: number;
}

export function registerEmulatorCommand(program: Command, io: CliIo): void {
  const emulator = program.command("emulator");
  emulator
    .description("Run the local Webex API emulator until stopped with Ctrl+C (SIGINT) or SIGTERM.")
    .option("--port <port>", "TCP port to listen on; 0 picks a free port. Default: 0.", integerOption(0, 65_535), 0)
    .option("--host <address>", "Loopback address to listen on (127.0.0.1, ::1 or localhost). Default: 127.0.0.1.", "127.0.0.1")
    .addOption(
      new Option("--seed <fixture>", "Data to load: demo (orgs, admins, people, licenses) or empty (orgs and admins only). Default: demo.")
        .choices(["demo", "empty"])
        .default("demo"),
    )
    .option(
      "--people <count>",
      "People in the customer org, its admin included, from 1 to 1000000; 100000 seed in a few seconds. Default: 300.",
      integerOption(1, 1_000_000),
      300,
    )
    .option(
      "--orgs <count>",
      "Customer orgs the partner admin manages, the customer org included, from 1 to 1000; each further org has 50 people. Default: 1.",
      integerOption(1, 1000),
      1,
    )
    .option(
      "--random-seed <number>",
      "Seed of the generated people and ids; the same seed gives the same data. Default: 1.",
      integerOption(0),
      1,
    )
    .option(
      "--access-token-lifetime <seconds>",
      "Lifetime of service-app access tokens, in seconds. Default: 1209600 (14 days).",
      integerOption(1),
    )
    .option(
      "--refresh-token-lifetime <seconds>",
      "Lifetime of service-app refresh tokens, in seconds. Default: 7776000 (90 days).",
      integerOption(1),
    )
    .option(
      "--rotate-refresh-tokens",
      "Return a new refresh token on every refresh and revoke the one sent, so a client must store the new one. Default: off, a refresh returns the same refresh token with its lifetime reset.",
    )
    .option(
      "--rate-limit <requests>",
      "Answer 429 with Retry-After past this many requests per second per token. Default: no limit.",
      integerOption(1),
    )
    .addHelpText(
      "after",
      `
With --verbose, one access line per request goes to stderr (credentials masked).
With --json, the URL, orgs and tokens are printed as one JSON object.

Which token to use:
  developer      the apps commands: create service apps, authorize them, get their tokens
  customerAdmin  the customer org's data: whoami, orgs list, backup (then diff and audit)
  partnerAdmin   the partner org and every customer org it manages: backup --all-orgs

While it runs, "wxadmin emulator mutate --url URL" changes the data of one org, so that
two backups differ.`,
    )
    .action(
      actionFor<EmulatorCommandOptions>(io, async (context, _args, options) => {
        const emulatorOptions: EmulatorOptions = {
          port: options.port,
          host: options.host,
          seed: options.seed,
          people: options.people,
          orgs: options.orgs,
          randomSeed: options.randomSeed,
          accessTokenLifetimeSeconds: options.accessTokenLifetime,
          refreshTokenLifetimeSeconds: options.refreshTokenLifetime,
          rotateRefreshTokens: options.rotateRefreshTokens === true,
        };
        if (options.rateLimit !== undefined) {
          emulatorOptions.rateLimit = { requestsPerSecond: options.rateLimit };
        }
        if (context.options.verbose) {
          emulatorOptions.accessLog = (line) => context.io.stderr.write(`${line}\n`);
        }

        const emulator = await startEmulatorForCli(emulatorOptions);
        const stopped = waitForStopSignal();
        printStarted(context, emulator, options);

        const signal = await stopped;
        context.notice(`Received ${signal}, stopping the emulator.`);
        await emulator.stop();
      }),
    );
  registerEmulatorMutateCommand(emulator, io);
}

/**
 * Starts the emulator, reporting a start failure (a host that is not loopback, a port in use) as
 * invalid input, because the user fixes it by changing an option.
 */
async function startEmulatorForCli(options: EmulatorOptions): Promise<Emulator> {
  try {
    return await startEmulator(options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`Cannot start the emulator on ${options.host}:${options.port}: ${reason}`);
  }
}

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

function printStarted(context: CliContext, emulator: Emulator, options: EmulatorCommandOptions): void {
  if (context.isJson) {
    context.printJsonUnmasked({ url: emulator.url, orgs: emulator.orgs, tokens: emulator.tokens });
    return;
  }

  const seedText =
    options.seed === "demo"
      ? `seed demo, ${formatCount(options.people)} people in the customer org, ${formatCount(options.orgs)} customer org${options.orgs === 1 ? "" : "s"}, random seed ${options.randomSeed}`
      : `seed empty, random seed ${options.randomSeed}`;
  const lines = [
    `Webex API emulator listening at ${emulator.url} (${seedText})`,
    "",
    "Orgs:",
    renderFields(
      [
        ["developer", `${emulator.orgs.developer.displayName} (${emulator.orgs.developer.id})`],
        ["customer", `${emulator.orgs.customer.displayName} (${emulator.orgs.customer.id})`],
        ["partner", `${emulator.orgs.partner.displayName} (${emulator.orgs.partner.id}), manages ${formatCount(emulator.orgs.customers.length)} customer org${emulator.orgs.customers.length === 1 ? "" : "s"}`],
      ],
      2,
    ),
    "",
    "Personal tokens, valid only inside this emulator:",
    renderFields(
      [
        ["developer", emulator.tokens.developer],
        ["customerAdmin", emulator.tokens.customerAdmin],
        ["partnerAdmin", emulator.tokens.partnerAdmin],
      ],
      2,
    ),
    "",
    "Which token to use:",
    renderFields(
      [
        ["developer", "the apps commands: create service apps, authorize them, get their tokens"],
        ["customerAdmin", "the customer org's data: whoami, orgs list, backup (then diff and audit)"],
        ["partnerAdmin", "the partner org and every customer org it manages: backup --all-orgs"],
      ],
      2,
    ),
    "",
    "Back up and audit the customer org from another shell:",
    `  export WEBEX_BASE_URL=${emulator.url} ${ACCESS_TOKEN_ENV}=${emulator.tokens.customerAdmin}`,
    "  wxadmin backup && wxadmin audit",
    "",
    "Change its data, then back up again and compare the two snapshots:",
    `  wxadmin emulator mutate --url ${emulator.url}`,
    "  wxadmin backup && wxadmin diff",
  ];
  // The tokens are the emulator's own, printed on purpose; see the file comment.
  context.printUnmasked(lines.join("\n"));
  context.notice("Press Ctrl+C to stop.");
}
