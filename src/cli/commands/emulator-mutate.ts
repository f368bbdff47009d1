/**
 * `wxadmin emulator mutate`: changes the data of a running emulator through its control
 * endpoint `POST /_emulator/mutate`, as `Emulator.mutate()` does in code, so that two backups
 * taken before and after differ. The endpoint is no part of the Webex API and takes no token.
 * The command sends the request to loopback addresses only, because the emulator listens only there.
 */
import type { Command } from "commander";
import type { TokenProvider } from "../../auth/token-provider.js";
import { MAX_CONTROL_CHANGES } from "../../emulator/control.js";
import type { DataChange, DataKind, MutateResponse } from "../../emulator/index.js";
import { sortKinds } from "../../jobs/snapshot-source.js";
import { isLoopbackHost } from "../../transport/base-url.js";
import { BadRequestError, InvalidInputError, NetworkError, NotFoundError, TimeoutError, WebexError } from "../../transport/errors.js";
import { Transport } from "../../transport/request.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { integerOption, limitGlobalOptions } from "../options.js";
import { formatCount, renderTable } from "../render.js";

/** Path of the control endpoint, on the emulator's origin. */
const MUTATE_PATH = "/_emulator/mutate";
interface MutateCommandOptions {
  url?: string;
  changes?: number;
  randomSeed?: number;
}

/** Added, removed and changed objects of one kind. */
type ChangeCounts = Record<DataChange["change"], number>;

/** The control request carries no token, so a provider that is asked for one is a bug. */
const NO_TOKEN: TokenProvider = {
  getAccessToken: () => Promise.reject(new Error("Emulator control requests send no access token.")),
  describe: () => "no token (emulator control request)",
};

/** Adds `mutate` to the `emulator` command. */
export function registerEmulatorMutateCommand(emulator: Command, io: CliIo): void {
  const command = emulator
    .command("mutate")
    .description("Add, remove and change a few objects of several kinds in one org of a running emulator, as happens between two backups.")
    .option("--url <url>", "URL of the running emulator, as it printed it, such as http://127.0.0.1:8080/v1. Default: WEBEX_BASE_URL.")
    .option("--changes <count>", `Operations to apply, from 1 to ${formatCount(MAX_CONTROL_CHANGES)}; one may change several objects. Default: 6.`, integerOption(1, MAX_CONTROL_CHANGES))
    .option("--random-seed <number>", "Seed of the random choices; the same seed on the same data gives the same changes. Default: a new seed per run.", integerOption(0))
    .addHelpText(
      "after",
      `
--org ORG picks the org to change; the default is the customer org. The command sends
POST ${MUTATE_PATH} to the emulator. That control endpoint is no part of the Webex API and
needs no token, so the command sends it to loopback addresses only.

Example, between two backups:
  wxadmin backup
  wxadmin emulator mutate --url http://127.0.0.1:8080/v1 --changes 10
  wxadmin backup && wxadmin diff`,
    )
    .action(
      actionFor<MutateCommandOptions>(io, async (context, _args, options) => {
        const url = chooseEmulatorUrl(context, options.url);
        const response = await requestMutation(context, url, { orgId: context.options.org, changes: options.changes, randomSeed: options.randomSeed });
        printMutation(context, response);
      }),
    );
  limitGlobalOptions(
    command,
    ["--version", "--json", "--verbose", "--quiet", "--org"],
    "it changes the data of a running emulator, which takes no token, and --org names the org to change.",
  );
}

/**
 * Returns the emulator's origin from `--url`, else from WEBEX_BASE_URL.
 * @throws InvalidInputError when neither is given, or the URL is not http(s) on a loopback host
 */
function chooseEmulatorUrl(context: CliContext, urlOption: string | undefined): URL {
  const fromEnv = context.options.baseUrlSource === "env" ? context.options.baseUrl : undefined;
  const text = urlOption ?? fromEnv;
  const flag = urlOption === undefined ? "WEBEX_BASE_URL" : "--url";
  if (text === undefined || text.trim() === "") {
    throw new InvalidInputError(
      'Missing --url: pass the URL that "wxadmin emulator" printed, such as --url http://127.0.0.1:8080/v1, or set WEBEX_BASE_URL to it.',
    );
  }

  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new InvalidInputError(`${flag} ${JSON.stringify(text)} is not a valid URL; pass the URL that "wxadmin emulator" printed, such as http://127.0.0.1:8080/v1.`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !isLoopbackHost(url.hostname)) {
    throw new InvalidInputError(
      `${flag} ${text} is not on a loopback address (127.0.0.1, ::1 or localhost). The emulator listens only there, so "wxadmin emulator mutate" sends nothing elsewhere.`,
    );
  }
  return new URL(url.origin);
}

/**
 * Sends the mutate request and returns the emulator's response.
 * @throws InvalidInputError when the emulator rejects the options; WebexError (exit code 1) when
 *   it cannot be reached or is no emulator of this version
 */
async function requestMutation(context: CliContext, origin: URL, body: { orgId?: string; changes?: number; randomSeed?: number }): Promise<MutateResponse> {
  // No retries: a refused connection means no emulator runs there, and a mutation is not repeated.
  const transport = new Transport({ baseUrl: origin.origin, tokenProvider: NO_TOKEN, logger: context.logger, retry: { maxRetries: 0 } });
  try {
    const response = await transport.request<MutateResponse>({ method: "POST", url: `${origin.origin}${MUTATE_PATH}`, json: body, authenticate: false });
    return response.body;
  } catch (error) {
    throw explainControlFailure(error, origin.origin);
  }
}

function explainControlFailure(error: unknown, origin: string): unknown {
  if (error instanceof BadRequestError) {
    return new InvalidInputError(`The emulator at ${origin} rejected the change: ${describeErrorBody(error.body) ?? error.message}`);
  }
  if (error instanceof NotFoundError) {
    return new WebexError(
      "not_found",
      `${origin} has no emulator control endpoint (404 on POST ${MUTATE_PATH}); pass the URL of a running "wxadmin emulator" of this version.`,
    );
  }
  if (error instanceof NetworkError || error instanceof TimeoutError) {
    // A WebexError of the same code, so the CLI does not add advice about --base-url, which this command does not take.
    return new WebexError(error.code, `Cannot reach the emulator at ${origin}: ${error.message} Start it with "wxadmin emulator" and pass the URL it prints.`);
  }
  return error;
}

/** Returns the message and description of an emulator error body, or undefined for another body. */
function describeErrorBody(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) {
    return undefined;
  }
  const { message, errors } = body as { message?: unknown; errors?: Array<{ description?: unknown }> };
  const description = Array.isArray(errors) ? errors[0]?.description : undefined;
  if (typeof message !== "string") {
    return undefined;
  }
  return typeof description === "string" && description !== message ? `${message} ${description}` : message;
}

/** Counts the changes per kind, in table order; kinds without changes are left out. */
function countChanges(changes: readonly DataChange[]): Array<[kind: DataKind, counts: ChangeCounts]> {
  const byKind = new Map<DataKind, ChangeCounts>();
  for (const change of changes) {
    const counts = byKind.get(change.kind) ?? { added: 0, removed: 0, changed: 0 };
    counts[change.change] += 1;
    byKind.set(change.kind, counts);
  }
  // The backup's kind names, so the table lists kinds in the order backup and diff do.
  return sortKinds(byKind.keys()).map((kind) => [kind as DataKind, byKind.get(kind as DataKind) as ChangeCounts]);
}

function printMutation(context: CliContext, response: MutateResponse): void {
  const counts = countChanges(response.changes);
  if (context.isJson) {
    context.printJson({ org: response.org, counts: Object.fromEntries(counts), changes: response.changes });
    return;
  }

  const total = response.changes.length;
  const header = `Changed ${formatCount(total)} object${total === 1 ? "" : "s"} in org ${response.org.displayName} (${response.org.id}).`;
  const rows = counts.map(([kind, count]) => [kind, formatCount(count.added), formatCount(count.removed), formatCount(count.changed)]);
  const table = renderTable([{ header: "KIND" }, { header: "ADDED", alignRight: true }, { header: "REMOVED", alignRight: true }, { header: "CHANGED", alignRight: true }], rows);
  context.print(total === 0 ? header : `${header}\n\n${table}`);
  context.notice('Back up the org again, then run "wxadmin diff" to compare the two snapshots.');
}
