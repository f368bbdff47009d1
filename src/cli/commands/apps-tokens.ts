/**
 * `wxadmin apps token` and `apps refresh`: get a service app's token pair for an org and
 * refresh it. A pair is written to a 0600 JSON file with `--out`, which `--token-file` and
 * `apps refresh --from` read; without `--out` the tokens are shown masked only.
 */
import type { Command } from "commander";
import type { TokenInfo } from "../../auth/token.js";
import { maskSecret } from "../../redact.js";
import type { Application } from "../../resources/applications.js";
import { InvalidInputError, TokenRefreshError } from "../../transport/errors.js";
import {
  assertWritableTarget,
  formatTokenPairFile,
  isSameFile,
  readClientSecret,
  readTokenPairFile,
  writePrivateFile,
  type ClientSecret,
  type TokenPairFile,
} from "../credential-files.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { formatExpiry, joinCommand, renderFields, shellQuote } from "../render.js";
import { explainTokenRequestFailure, findApp, requireOrgOption } from "./apps-shared.js";
import { rewordRejection, type RejectionTarget } from "./token-rejections.js";

const SECRET_FILE_HELP =
  "File holding the app's client secret. Default: the WEBEX_CLIENT_SECRET environment variable.";

interface TokenOptions {
  secretFile?: string;
  out?: string;
  force?: boolean;
}

interface RefreshOptions extends TokenOptions {
  from: string;
}

export function registerAppTokenCommands(apps: Command, io: CliIo): void {
  apps
    .command("token")
    .description("Get a service app's access and refresh tokens for an org that authorized it (--org, required).")
    .argument("<app>", "the app's id (base64 Webex id) or, for apps of your own org, its exact name")
    .option("--secret-file <file>", SECRET_FILE_HELP)
    .option("--out <file>", "Write the token pair as JSON to this file with mode 0600. Default: show the tokens masked only.")
    .option("--force", "Replace the --out file if it exists. Default: off, an existing file is an error.")
    .addHelpText(
      "after",
      `
The caller's token needs the spark:applications_token scope. Use the --out file afterwards
with --token-file to act in the org, and with "apps refresh --from" to refresh it.`,
    )
    .action(
      actionFor<TokenOptions>(io, async (context, [ref = ""], options) => {
        const targetOrg = requireOrgOption(context, "the org to get a token for (the org that authorized the app)");
        if (options.out !== undefined) {
          await assertWritableTarget(options.out, options.force === true, "--out file");
        }
        const secret = await readClientSecret(options.secretFile, context.io.env, (message) => context.warn(message));

        const webex = await context.connect();
        const app = await findApp(webex, ref);
        const orgId = await webex.resolveOrgId(targetOrg);
        context.logger.debug(`Requesting a token for app ${app.id} in org ${orgId}, client secret from ${secret.source}`);
        let token: TokenInfo;
        try {
          token = await app.getToken(secret.value, orgId);
        } catch (error) {
          throw explainTokenRequestFailure(error, app.id, orgId, secret);
        }

        const pair = buildPairFile(token, { appId: app.id, clientId: app.clientId, orgId });
        await emitTokenPair(context, pair, options, {
          heading: `Got a token pair for service app "${app.name}" in org ${orgId}.`,
          overwrite: options.force === true,
          saveCommand: joinCommand("wxadmin apps token", app.id, "--org", orgId, secretFileArgument(secret), "--out FILE"),
        });
      }),
    );

  apps
    .command("refresh")
    .description("Refresh a service app's access token with the refresh token of a pair file (--from, required).")
    .argument("[app]", "the app's id or exact name. Default: the appId stored in the --from file")
    .requiredOption("--from <file>", 'Token pair file written by "apps token --out" or "apps refresh --out" (required).')
    .option("--secret-file <file>", SECRET_FILE_HELP)
    .option(
      "--out <file>",
      "Write the new pair as JSON to this file with mode 0600; it may be the --from file, which is then replaced. Default: show the tokens masked only.",
    )
    .option("--force", "Replace the --out file if it exists and is not the --from file. Default: off.")
    .addHelpText(
      "after",
      `
Without --out the new pair is not saved. When refresh tokens rotate, the old pair then
stops working, so pass --out (usually the --from file).`,
    )
    .action(
      actionFor<RefreshOptions>(io, async (context, [ref], options) => {
        const previous = await readTokenPairFile(options.from, (message) => context.warn(message));
        const appRef = ref ?? previous.appId;
        if (appRef === undefined) {
          throw new InvalidInputError(`The token pair file ${options.from} names no appId; give the app id as an argument.`);
        }
        const overwrite = options.out !== undefined && (options.force === true || (await isSameFile(options.out, options.from)));
        if (options.out !== undefined) {
          await assertWritableTarget(options.out, overwrite, "--out file");
        }
        const secret = await readClientSecret(options.secretFile, context.io.env, (message) => context.warn(message));

        const webex = await context.connect();
        const app = await findApp(webex, appRef);
        context.logger.debug(`Refreshing the token of app ${app.id}, client secret from ${secret.source}`);
        let token: TokenInfo;
        try {
          token = await app.getTokenRefresh(secret.value, previous.refresh_token);
        } catch (error) {
          throw explainRefreshFailure(error, { app, from: options.from, orgId: previous.orgId, appFromFile: previous.appId !== undefined, secret });
        }

        const pair = buildPairFile(token, { appId: app.id, clientId: app.clientId, orgId: previous.orgId });
        const isRefreshTokenKept = token.refresh_token === previous.refresh_token;
        const from = shellQuote(options.from);
        // When the refresh token changed, the one in the --from file may be used up, so only a new
        // pair helps, and it replaces the --from file (--force).
        const saveCommand = isRefreshTokenKept
          ? joinCommand("wxadmin apps refresh", previous.appId === undefined ? app.id : "", "--from", from, secretFileArgument(secret), "--out", from)
          : joinCommand("wxadmin apps token", app.id, "--org", previous.orgId ?? "ORG_ID", secretFileArgument(secret), "--out", from, "--force");
        await emitTokenPair(context, pair, options, {
          heading: `Refreshed the token pair of service app "${app.name}"${previous.orgId ? ` in org ${previous.orgId}` : ""}.`,
          overwrite,
          refreshNote: isRefreshTokenKept ? "unchanged" : "new, the old one may no longer work",
          saveCommand,
        });
      }),
    );
}

interface PairMetadata {
  appId: string;
  clientId: string | undefined;
  orgId: string | undefined;
}

function buildPairFile(token: TokenInfo, metadata: PairMetadata): TokenPairFile {
  return {
    access_token: token.access_token,
    expires_in: token.expires_in,
    refresh_token: token.refresh_token,
    refresh_token_expires_in: token.refresh_token_expires_in,
    token_type: token.token_type,
    obtainedAt: token.obtainedAt().toISOString(),
    accessExpiresAt: token.accessExpiresAt().toISOString(),
    refreshExpiresAt: token.refreshExpiresAt().toISOString(),
    appId: metadata.appId,
    clientId: metadata.clientId,
    orgId: metadata.orgId,
  };
}

interface PairOutput {
  heading: string;
  overwrite: boolean;
  /** Whether the refresh token changed, for `apps refresh`. */
  refreshNote?: string;
  /** The command that gets a pair again and saves it, shown when `--out` was not given. */
  saveCommand: string;
}

/** Writes the pair to `--out` when given, then prints it with both tokens masked. */
async function emitTokenPair(
  context: CliContext,
  pair: TokenPairFile,
  options: TokenOptions,
  output: PairOutput,
): Promise<void> {
  if (options.out !== undefined) {
    await writePrivateFile(options.out, formatTokenPairFile(pair), output.overwrite);
  }

  const accessExpiresAt = new Date(pair.accessExpiresAt ?? Date.now());
  const refreshExpiresAt = new Date(pair.refreshExpiresAt ?? Date.now());
  if (context.isJson) {
    context.printJson({
      appId: pair.appId,
      clientId: pair.clientId,
      orgId: pair.orgId,
      token_type: pair.token_type,
      expires_in: pair.expires_in,
      refresh_token_expires_in: pair.refresh_token_expires_in,
      obtainedAt: pair.obtainedAt,
      accessExpiresAt: pair.accessExpiresAt,
      refreshExpiresAt: pair.refreshExpiresAt,
      access_token_masked: maskSecret(pair.access_token),
      refresh_token_masked: maskSecret(pair.refresh_token),
      file: options.out,
    });
  } else {
    const refreshSuffix = output.refreshNote === undefined ? "" : ` (${output.refreshNote})`;
    const fields: Array<[string, string]> = [
      ["Access token", `${maskSecret(pair.access_token)}, expires ${formatExpiry(accessExpiresAt)}`],
      ["Refresh token", `${maskSecret(pair.refresh_token)}${refreshSuffix}, expires ${formatExpiry(refreshExpiresAt)}`],
      ["Token type", pair.token_type],
    ];
    if (options.out !== undefined) {
      fields.push(["Saved to", `${options.out} (mode 0600)`]);
    }
    context.print(`${output.heading}\n${renderFields(fields, 2)}`);
  }

  if (options.out === undefined) {
    context.notice(
      `The tokens are shown masked only and were not saved. To write them to a file only you can read, run:\n  ${output.saveCommand}\n` +
        "then act in the org with --token-file FILE.",
    );
  } else {
    context.notice(`Act in the org with: wxadmin whoami --token-file ${options.out}`);
  }
}

/** Returns `--secret-file PATH` when the secret came from a file; nothing when it came from the environment, which a rerun reads again. */
function secretFileArgument(secret: ClientSecret): string {
  return secret.file === undefined ? "" : `--secret-file ${shellQuote(secret.file)}`;
}

/**
 * Returns the error to report for a rejected refresh of the pair in the `--from` file: the SDK's
 * `TokenRefreshError` in CLI words (see `rewordRejection`). Other errors are returned unchanged.
 */
function explainRefreshFailure(error: unknown, refresh: { app: Application; from: string; orgId: string | undefined; appFromFile: boolean; secret: ClientSecret }): unknown {
  if (!(error instanceof TokenRefreshError)) {
    return error;
  }
  const { app, secret } = refresh;
  const from = shellQuote(refresh.from);
  const secretArgument = secretFileArgument(secret);
  const target: RejectionTarget = {
    appId: app.id,
    orgId: refresh.orgId ?? "ORG_ID",
    secret: secret.file === undefined ? { kind: "env" } : { kind: "file", file: secret.file },
    retryCommand: joinCommand("wxadmin apps refresh", refresh.appFromFile ? "" : app.id, "--from", from, secretArgument, "--out", from),
    fetchCommand: joinCommand("wxadmin apps token", app.id, "--org", refresh.orgId ?? "ORG_ID", secretArgument, "--out", from, "--force"),
  };
  return rewordRejection(error, `Refreshing the token pair in ${refresh.from} was rejected.`, target);
}
