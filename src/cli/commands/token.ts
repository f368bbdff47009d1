/**
 * `wxadmin token …`: service-app token pairs kept in the token store, one entry per (app, org).
 * This file contains the group, status, forget and print; fetch and refresh have their own files.
 */
import type { Command } from "commander";
import { isSameId } from "../../ids.js";
import { InvalidInputError } from "../../transport/errors.js";
import { actionFor, type CliIo } from "../context.js";
import { allowManyOrgs } from "../options.js";
import { renderTable } from "../render.js";
import { registerTokenFetchCommand } from "./token-fetch.js";
import { formatSecondsLeft } from "./token-outcomes.js";
import { registerTokenRefreshCommand, selectStoredOrgs, type OrgSelectionOptions } from "./token-refresh.js";
import {
  assessTokenHealth,
  describeEntryApp,
  isEntryOfApp,
  openTokenStore,
  parseOrgId,
  requireAppOption,
  requireStoredEntry,
  TOKEN_STORE_ENV,
} from "./token-shared.js";

export function registerTokenCommands(program: Command, io: CliIo): void {
  const token = program
    .command("token")
    .description("Service-app token pairs kept in the token store, refreshed on their own when commands run with --app.")
    .addHelpText(
      "after",
      `
The store is one JSON file (mode 0600, in a folder with mode 0700): --store FILE, else
${TOKEN_STORE_ENV}, else wxadmin/tokens.json in the user's config folder. It holds one
pair per app and org. Only "token print" shows a token in full.

From the shell (developer token in WEBEX_ACCESS_TOKEN, client secret in app.secret):
  wxadmin token fetch --app APP_ID --org ORG_A,ORG_B --secret-file app.secret
  wxadmin token status
  wxadmin whoami --app APP_ID --org ORG_A --secret-file app.secret
  wxadmin token refresh --app APP_ID --all-orgs --secret-file app.secret
  curl -H "Authorization: Bearer $(wxadmin token print --app APP_ID --org ORG_A)" ...
  wxadmin token forget --app APP_ID --org ORG_B`,
    );

  registerTokenFetchCommand(token, io);
  registerStatusCommand(token, io);
  registerTokenRefreshCommand(token, io);
  registerForgetCommand(token, io);
  registerPrintCommand(token, io);
}

function registerStatusCommand(token: Command, io: CliIo): void {
  token
    .command("status")
    .description("List the stored pairs with their expiry and state; no token is shown. Filter with --app and --org.")
    .addHelpText(
      "after",
      `
States: ok; access expired (the next use refreshes it); refresh expiring soon (use or
refresh it before then); refresh expired or needs re-authorization (a person must act,
as the PROBLEM lines say). The exit code is 0 whatever the states are.`,
    )
    .action(
      actionFor(io, async (context) => {
        const store = openTokenStore(context);
        const { app, org } = context.options;
        const orgId = org === undefined ? undefined : parseOrgId(org);
        const entries = (await store.list()).filter(
          (entry) => (app === undefined || isEntryOfApp(entry, app.trim())) && (orgId === undefined || isSameId(entry.orgId, orgId)),
        );

        const nowMs = Date.now();
        const rows = entries.map((entry) => ({ entry, health: assessTokenHealth(entry, nowMs) }));
        if (context.isJson) {
          context.printJson(
            rows.map(({ entry, health }) => ({
              orgId: entry.orgId,
              appId: entry.appId,
              clientId: entry.clientId,
              obtainedAt: new Date(entry.obtainedAt).toISOString(),
              updatedAt: new Date(entry.updatedAt).toISOString(),
              accessExpiresAt: health.accessExpiresAt.toISOString(),
              refreshExpiresAt: health.refreshExpiresAt.toISOString(),
              accessExpiresInSeconds: Math.round(health.accessSecondsLeft),
              refreshExpiresInSeconds: Math.round(health.refreshSecondsLeft),
              state: health.state,
              problem: entry.problem,
            })),
          );
          return;
        }

        if (rows.length === 0) {
          context.notice(`No stored tokens match in ${store.path}. Store some with: wxadmin token fetch --app APP_ID --org ORG_ID --secret-file FILE`);
          return;
        }
        const table = renderTable(
          [{ header: "ORG" }, { header: "APP" }, { header: "ACCESS EXPIRES IN" }, { header: "REFRESH EXPIRES IN" }, { header: "STATE" }],
          rows.map(({ entry, health }) => [
            entry.orgId,
            describeEntryApp(entry),
            formatSecondsLeft(health.accessSecondsLeft),
            formatSecondsLeft(health.refreshSecondsLeft),
            health.state,
          ]),
        );
        const problems = rows
          .filter(({ entry, health }) => entry.problem !== undefined && health.state === "needs re-authorization")
          .map(({ entry }) => `PROBLEM in org ${entry.orgId}: ${entry.problem}`);
        context.print([table, ...problems].join("\n"));
        context.notice(`Token store: ${store.path}`);
      }),
    );
}

function registerForgetCommand(token: Command, io: CliIo): void {
  const forget = token
    .command("forget")
    .description("Delete stored pairs of an app (--app, required) in the orgs given with --org, or in every org with --all-orgs.")
    .option("--all-orgs", "Delete the app's pairs in every stored org. Default: off.")
    .addHelpText(
      "after",
      `
Only the local copy is deleted: an access token keeps working at Webex until it expires,
unless an admin deauthorizes the app in that org. An org with nothing stored is reported
and is not an error.`,
    )
    .action(
      actionFor<OrgSelectionOptions>(io, async (context, _args, options) => {
        const app = requireAppOption(context, "the service app whose stored tokens to delete");
        const store = openTokenStore(context);
        const selected = await selectStoredOrgs(context, store, options, "forget");

        const results: Array<{ orgId: string; deleted: boolean }> = [];
        for (const { orgId, entry } of selected) {
          const deleted = entry === undefined ? false : await store.delete({ clientId: entry.clientId, orgId: entry.orgId });
          results.push({ orgId, deleted });
        }

        if (context.isJson) {
          context.printJson(results.map((result) => ({ appId: app, ...result })));
          return;
        }
        for (const result of results) {
          context.print(
            result.deleted
              ? `Forgot the stored token pair of app ${app} in org ${result.orgId}.`
              : `Nothing stored for app ${app} in org ${result.orgId}; nothing to forget.`,
          );
        }
      }),
    );
  allowManyOrgs(forget);
}

function registerPrintCommand(token: Command, io: CliIo): void {
  token
    .command("print")
    .description(
      "Print the full access token of an app (--app, required) in an org (--org, required), alone on stdout, for piping into other tools.",
    )
    .addHelpText(
      "after",
      `
This is the only command that shows a token in full. When the stored access token nears
expiry it is refreshed and stored first, which needs the client secret (--secret-file or
WEBEX_CLIENT_SECRET). With --json, prints orgId, appId, access_token, token_type and
accessExpiresAt.

Example:
  curl -H "Authorization: Bearer $(wxadmin token print --app APP_ID --org ORG_ID)" \\
      https://webexapis.com/v1/people/me`,
    )
    .action(
      actionFor(io, async (context) => {
        const app = requireAppOption(context, "the service app whose access token to print");
        const org = context.options.org;
        if (org === undefined) {
          throw new InvalidInputError(`Missing --org: name the org whose access token to print, as a base64 Webex org id or a bare UUID.`);
        }

        const store = openTokenStore(context);
        const entry = await requireStoredEntry(store, app, parseOrgId(org));
        const { provider } = await context.createServiceAppClient(store, entry);
        const accessToken = await provider.getAccessToken();

        // The user asked for exactly this token; see the help text.
        if (!context.isJson) {
          context.printUnmasked(accessToken);
          return;
        }
        const status = await provider.status();
        context.printJsonUnmasked({
          orgId: entry.orgId,
          appId: status.appId,
          clientId: entry.clientId,
          access_token: accessToken,
          token_type: entry.tokens.token_type,
          accessExpiresAt: status.accessExpiresAt?.toISOString(),
        });
      }),
    );
}
