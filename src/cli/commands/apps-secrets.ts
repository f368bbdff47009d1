/**
 * `wxadmin apps create` and `apps regenerate-secret`: the two commands that receive a client
 * secret. Webex returns a secret only in that one response, so it is either shown once in full
 * (the user asked for exactly that value) or written to a 0600 file and shown masked.
 */
import type { Command } from "commander";
import { maskSecret } from "../../redact.js";
import { InvalidInputError } from "../../transport/errors.js";
import { assertWritableTarget, CLIENT_SECRET_ENV, writePrivateFile } from "../credential-files.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { collectList } from "../options.js";
import { renderFields } from "../render.js";
import { APP_ARGUMENT_HELP, findApp, renderApp } from "./apps-shared.js";

const SECRET_OUT_HELP =
  "Write the new client secret to this file with mode 0600 and show it only masked. Default: show it once in full on stdout.";
const FORCE_HELP = "Replace the --secret-out file if it exists. Default: off, an existing file is an error.";

interface CreateOptions {
  name: string;
  contactEmail: string;
  logo: string;
  scope?: string[];
  description?: string;
  secretOut?: string;
  force?: boolean;
}

interface RegenerateOptions {
  secretOut?: string;
  force?: boolean;
}

export function registerAppSecretCommands(apps: Command, io: CliIo): void {
  apps
    .command("create")
    .description("Create a service app in the token owner's org. Its client secret is returned only now.")
    .requiredOption("--name <name>", "Display name of the app (required).")
    .requiredOption("--contact-email <email>", "Email address of the app's contact (required).")
    .requiredOption("--logo <url>", "URL of the app's logo image (required).")
    .option(
      "--scope <scopes>",
      "Scope the app requests, such as spark-admin:people_read; repeat the flag or separate scopes with commas (required, at least one).",
      collectList,
    )
    .option("--description <text>", "Description shown to admins who authorize the app. Default: none.")
    .option("--secret-out <file>", SECRET_OUT_HELP)
    .option("--force", FORCE_HELP)
    .action(
      actionFor<CreateOptions>(io, async (context, _args, options) => {
        const scopes = options.scope ?? [];
        if (scopes.length === 0) {
          throw new InvalidInputError("Missing --scope: a service app needs at least one scope, such as spark-admin:people_read.");
        }
        if (options.secretOut !== undefined) {
          await assertWritableTarget(options.secretOut, options.force === true, "--secret-out file");
        }

        const webex = await context.connect();
        const app = await webex.org.applications.createServiceApplication({
          name: options.name,
          contactEmail: options.contactEmail,
          logo: options.logo,
          scopes,
          description: options.description,
        });
        const secret = app.clientSecret;
        if (secret === undefined) {
          throw new Error(
            `Webex created app "${app.name}" (${app.id}) but returned no client secret; get one with: wxadmin apps regenerate-secret ${app.id} --secret-out FILE`,
          );
        }

        await emitNewSecret(context, {
          appId: app.id,
          secret,
          secretOut: options.secretOut,
          overwrite: options.force === true,
          json: { ...app.data },
          text: (secretLine) => `Created service app "${app.name}".\n${renderApp(app, [secretLine])}`,
        });
        context.notice(`Next, a full admin of the customer org authorizes it:\n  wxadmin apps authorize ${app.id}`);
      }),
    );

  apps
    .command("regenerate-secret")
    .description("Issue a new client secret for an app; the old secret stops working at once.")
    .argument("<app>", APP_ARGUMENT_HELP)
    .option("--secret-out <file>", SECRET_OUT_HELP)
    .option("--force", FORCE_HELP)
    .action(
      actionFor<RegenerateOptions>(io, async (context, [ref = ""], options) => {
        if (options.secretOut !== undefined) {
          await assertWritableTarget(options.secretOut, options.force === true, "--secret-out file");
        }

        const webex = await context.connect();
        const app = await findApp(webex, ref);
        const secret = await app.regenerateClientSecret();

        await emitNewSecret(context, {
          appId: app.id,
          secret,
          secretOut: options.secretOut,
          overwrite: options.force === true,
          json: { appId: app.id, name: app.name },
          text: (secretLine) =>
            `New client secret for "${app.name}" (${app.id}).\n${renderFields([secretLine], 0)}`,
        });
        context.notice("The old client secret no longer works: update every place that uses it.");
      }),
    );
}

interface NewSecretOutput {
  appId: string;
  secret: string;
  secretOut: string | undefined;
  overwrite: boolean;
  /** Fields printed with `--json`, without the secret. */
  json: Record<string, unknown>;
  /** Builds the human output around the line that shows or describes the secret. */
  text: (secretLine: [string, string]) => string;
}

/**
 * Writes a new client secret to `--secret-out` and prints it masked, or prints it once in full.
 * A failed write does not fall back to printing. Its error explains how to get another secret instead.
 */
async function emitNewSecret(context: CliContext, output: NewSecretOutput): Promise<void> {
  if (output.secretOut === undefined) {
    if (context.isJson) {
      context.printJsonUnmasked({ ...output.json, clientSecret: output.secret });
    } else {
      context.printUnmasked(output.text(["Client secret", output.secret]));
    }
    context.notice(
      `This is the only time the client secret is shown: Webex never returns it again. Store it now where only you can read it; ` +
        `commands read it from --secret-file FILE or ${CLIENT_SECRET_ENV}. Next time, --secret-out FILE writes it to a file instead.`,
    );
    return;
  }

  try {
    await writePrivateFile(output.secretOut, `${output.secret}\n`, output.overwrite);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The new client secret could not be written to ${output.secretOut} (${reason}), and it is not shown. ` +
        `Get another one with: wxadmin apps regenerate-secret ${output.appId} --secret-out FILE`,
    );
  }

  if (context.isJson) {
    context.printJson({ ...output.json, clientSecretFile: output.secretOut });
    return;
  }
  context.print(output.text(["Client secret", `${maskSecret(output.secret)} (written to ${output.secretOut}, mode 0600)`]));
}
