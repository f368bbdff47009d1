/**
 * `wxadmin apps …`: the Service Application lifecycle. This file contains the group, the read
 * commands, authorize, deauthorize and delete. Creating apps and rotating secrets is in apps-secrets.ts,
 * tokens are in apps-tokens.ts, and lookup and rendering helpers in apps-shared.ts.
 */
import type { Command } from "commander";
import type { FileTokenStore } from "../../auth/file-token-store.js";
import { isSameId } from "../../ids.js";
import type { Application } from "../../resources/applications.js";
import { InvalidInputError, NotFoundError, withAdvice } from "../../transport/errors.js";
import type { Webex } from "../../webex.js";
import { actionFor, type CliIo } from "../context.js";
import { integerOption } from "../options.js";
import { renderTable } from "../render.js";
import { registerAppSecretCommands } from "./apps-secrets.js";
import { APP_ARGUMENT_HELP, describeOrg, findApp, renderApp, requireAppId } from "./apps-shared.js";
import { registerAppTokenCommands } from "./apps-tokens.js";
import { isEntryOfApp, openTokenStore, TOKEN_STORE_ENV } from "./token-shared.js";

export function registerAppsCommands(program: Command, io: CliIo): void {
  const apps = program
    .command("apps")
    .description("Service Applications: create, authorize and deauthorize, get tokens, rotate secrets, delete.")
    .addHelpText(
      "after",
      `
The flow from the shell (developer token in WEBEX_ACCESS_TOKEN, admin token in admin.token):
  wxadmin apps create --name "Audit robot" --contact-email dev@example.com \\
      --logo https://example.com/logo.png --scope spark-admin:people_read --secret-out app.secret
  wxadmin apps authorize APP_ID --token-file admin.token
  wxadmin apps token APP_ID --org CUSTOMER_ORG_ID --secret-file app.secret --out customer.json
  wxadmin whoami --token-file customer.json
  wxadmin apps refresh --from customer.json --secret-file app.secret --out customer.json
  wxadmin apps regenerate-secret APP_ID --secret-out app.secret --force`,
    );

  registerListCommand(apps, io);
  registerShowCommand(apps, io);
  registerAppSecretCommands(apps, io);
  registerAuthorizeCommand(apps, io);
  registerDeauthorizeCommand(apps, io);
  registerAppTokenCommands(apps, io);
  registerDeleteCommand(apps, io);
}

interface ListOptions {
  type?: string;
  createdBy?: string;
  limit?: number;
}

function registerListCommand(apps: Command, io: CliIo): void {
  apps
    .command("list")
    .description("List the applications of the org (--org, default the token owner's org).")
    .option("--type <type>", "Only apps of this type, such as authorizedAppIssuer (service apps). Default: every type.")
    .option("--created-by <person>", 'Only apps created by this person id, or "me". Default: anyone.')
    .option("--limit <count>", "Stop after this many apps. Default: all.", integerOption(1))
    .action(
      actionFor<ListOptions>(io, async (context, _args, options) => {
        const webex = await context.connect();
        const org = context.options.org === undefined ? webex.org : webex.forOrg(context.options.org);
        const list = org.applications.list({ type: options.type, createdBy: options.createdBy });
        const found = await list.toArray(options.limit === undefined ? undefined : { limit: options.limit });

        if (context.isJson) {
          context.printJson(found.map((app) => app.data));
          return;
        }
        if (found.length === 0) {
          context.notice(`No applications found in org ${org.displayName}.`);
          return;
        }
        const rows = found.map((app) => [app.name, app.type, app.data.created ?? "", app.id]);
        context.print(renderTable([{ header: "NAME" }, { header: "TYPE" }, { header: "CREATED" }, { header: "ID" }], rows));
      }),
    );
}

function registerShowCommand(apps: Command, io: CliIo): void {
  apps
    .command("show")
    .description("Show one application. The client secret is never shown: Webex returns it only on create.")
    .argument("<app>", APP_ARGUMENT_HELP)
    .action(
      actionFor(io, async (context, [ref = ""]) => {
        const webex = await context.connect();
        const app = await findApp(webex, ref);

        if (context.isJson) {
          context.printJson(app.data);
          return;
        }
        context.print(renderApp(app));
      }),
    );
}

function registerAuthorizeCommand(apps: Command, io: CliIo): void {
  apps
    .command("authorize")
    .description(
      "Authorize a service app in an org, as a full admin of that org (--org, default the token owner's org).",
    )
    .argument("<app>", "the app's id (base64 Webex id), as the developer shared it")
    .action(
      actionFor(io, async (context, [ref = ""]) => {
        const appId = requireAppId(ref, "apps authorize");
        const webex = await context.connect();
        const app = await getSharedApp(webex, appId);
        const orgId = context.options.org === undefined ? webex.org.id : await webex.resolveOrgId(context.options.org);
        await app.authorize(orgId);

        if (context.isJson) {
          context.printJson({ appId: app.id, name: app.name, orgId, authorized: true });
          return;
        }
        context.print(`Authorized service app "${app.name}" (${app.id}) in org ${describeOrg(webex, orgId)}.`);
        context.notice(
          `Next, the developer gets a token for this org:\n  wxadmin apps token ${app.id} --org ${orgId} --secret-file FILE --out FILE`,
        );
      }),
    );
}

interface DeauthorizeOptions {
  store?: string;
}

function registerDeauthorizeCommand(apps: Command, io: CliIo): void {
  apps
    .command("deauthorize")
    .description(
      "Withdraw a service app's authorization in an org, as a full admin of that org (--org, default the token owner's org). " +
        "Its tokens for that org stop working, and a pair of it stored for that org is forgotten.",
    )
    .argument("<app>", "the app's id (base64 Webex id), as the developer shared it")
    .option(
      "--store <file>",
      `Token store file to forget the app's pair in that org from. Default: ${TOKEN_STORE_ENV}, else wxadmin/tokens.json in the user's config folder.`,
    )
    .addHelpText(
      "after",
      `
Deauthorizing an app that is not authorized in the org changes nothing and succeeds.

Example, as the customer org's full admin:
  wxadmin apps deauthorize APP_ID --token-file admin.token`,
    )
    .action(
      actionFor<DeauthorizeOptions>(io, async (context, [ref = ""]) => {
        const appId = requireAppId(ref, "apps deauthorize");
        // Reading the store first reports a store others can read before anything changes at Webex.
        const store = openTokenStore(context);
        await store.list();

        const webex = await context.connect();
        const app = await getSharedApp(webex, appId);
        const orgId = context.options.org === undefined ? webex.org.id : await webex.resolveOrgId(context.options.org);
        await app.deauthorize(orgId);
        const forgotten = await forgetStoredPairs(store, app, orgId);

        if (context.isJson) {
          context.printJson({ appId: app.id, name: app.name, orgId, authorized: false, forgotStoredToken: forgotten > 0, store: store.path });
          return;
        }
        const lines = [`Deauthorized service app "${app.name}" (${app.id}) in org ${describeOrg(webex, orgId)}; its tokens for that org no longer work.`];
        if (forgotten > 0) {
          lines.push(`Forgot the stored token pair of app ${app.id} in org ${orgId} in ${store.path}.`);
        }
        context.print(lines.join("\n"));
        context.notice(`To let the app act in this org again, a full admin of the org runs:\n  wxadmin apps authorize ${app.id} --org ${orgId}`);
      }),
    );
}

/** Deletes the stored pairs of `app` in `orgId` and returns how many there were. */
async function forgetStoredPairs(store: FileTokenStore, app: Application, orgId: string): Promise<number> {
  const entries = (await store.list()).filter(
    (entry) => isSameId(entry.orgId, orgId) && (isEntryOfApp(entry, app.id) || (app.clientId !== undefined && entry.clientId === app.clientId)),
  );
  let forgotten = 0;
  for (const entry of entries) {
    if (await store.delete({ clientId: entry.clientId, orgId: entry.orgId })) {
      forgotten += 1;
    }
  }
  return forgotten;
}

/** Reads an app by the id its developer shared, which an admin of any org can read. */
async function getSharedApp(webex: Webex, appId: string): Promise<Application> {
  try {
    return await webex.org.applications.getAppById(appId);
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw withAdvice(error, `No service app has the id ${appId}: check the id with the developer who shared it; the app may have been deleted.`);
    }
    throw error;
  }
}

interface DeleteOptions {
  yes?: boolean;
}

function registerDeleteCommand(apps: Command, io: CliIo): void {
  apps
    .command("delete")
    .description("Delete an application; every token it issued stops working.")
    .argument("<app>", APP_ARGUMENT_HELP)
    .option("--yes", "Confirm the deletion; without it nothing is deleted. Default: off.")
    .action(
      actionFor<DeleteOptions>(io, async (context, [ref = ""], options) => {
        if (!options.yes) {
          throw new InvalidInputError(
            `Not deleting app ${ref}: deleting revokes every token it issued in every org. Pass --yes to confirm.`,
          );
        }

        const webex = await context.connect();
        const app = await findApp(webex, ref);
        await app.delete();

        if (context.isJson) {
          context.printJson({ appId: app.id, name: app.name, deleted: true });
          return;
        }
        context.print(`Deleted application "${app.name}" (${app.id}).`);
      }),
    );
}
