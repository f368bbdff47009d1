/**
 * `wxadmin token …`: service-app token pairs kept in the token store, one entry per (app, org).
 * This file contains the group, status, forget and print; fetch and refresh have their own files.
 */
import type { Command } from "commander";
import { isSameId } from "../../ids.js";
import type { FileTokenStore } from "../../auth/file-token-store.js";
import { InvalidInputError, TokenRefreshError } from "../../transport/errors.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { allowManyOrgs } from "../options.js";
import type { StoredToken } from "../../auth/token-store.js";
import { formatExpiry, formatRelativeTime, renderTable, shortenIds } from "../render.js";
import { registerTokenFetchCommand } from "./token-fetch.js";
import { registerTokenRefreshCommand, selectStoredOrgs, type OrgSelectionOptions } from "./token-refresh.js";
import { adviseOnRejection, storedPairTarget } from "./token-rejections.js";
import {
  assessTokenHealth,
  entryAppRef,
  fetchCommandFor,
  isEntryOfApp,
  openTokenStore,
  parseOrgId,
  requireAppOption,
  requireStoredEntry,
  TOKEN_STORE_ENV,
  type TokenHealth,
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

interface StatusOptions {
  wide?: boolean;
}

function registerStatusCommand(token: Command, io: CliIo): void {
  token
    .command("status")
    .description("List the stored pairs with their expiry and state; no token is shown. Filter with --app and --org.")
    .option("--wide", "Show the org and app ids in full, which makes lines longer than 100 columns. Default: off, ids are shortened.")
    .addHelpText(
      "after",
      `
States: ok; access expired (the next use refreshes it); refresh expiring soon (use or
refresh it before then); refresh expired; client secret rejected (give the app's current
secret); needs re-authorization (the refresh token was rejected: re-authorize the app in
the org, then fetch a new pair); refresh rejected (the reason is not known). A PROBLEM line
says what to run for each rejected pair. The exit code is 0 whatever the states are.

The table shows the start of each id's UUID; --wide or --json shows the ids in full.`,
    )
    .action(
      actionFor<StatusOptions>(io, async (context, _args, options) => {
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
              rejectionReason: entry.rejectionReason,
              problem: entry.problem,
              advice: entry.state === "needs_reauthorization" ? describeStoredProblem(entry) : undefined,
            })),
          );
          return;
        }

        if (rows.length === 0) {
          context.notice(`No stored tokens match in ${store.path}. Store some with: wxadmin token fetch --app APP_ID --org ORG_ID --secret-file FILE`);
          return;
        }
        context.print([renderStatusTable(rows, options.wide === true), ...renderProblems(rows)].join("\n"));
        context.notice(`Token store: ${store.path}`);
      }),
    );
}

/**
 * Renders the status table. Without `wide`, the org and app columns show shortened ids, so a
 * row fits 100 columns: ids of 9 characters, two expiries of at most 20 ("13 days 23 hours
 * ago") and a state of at most 22.
 */
function renderStatusTable(rows: Array<{ entry: StoredToken; health: TokenHealth }>, wide: boolean): string {
  const orgIds = rows.map(({ entry }) => entry.orgId);
  const apps = rows.map(({ entry }) => entryAppRef(entry));
  const shortOrgs = shortenIds(orgIds);
  const shortApps = shortenIds(apps);
  return renderTable(
    [{ header: "ORG" }, { header: "APP" }, { header: "ACCESS EXPIRES" }, { header: "REFRESH EXPIRES" }, { header: "STATE" }],
    rows.map(({ entry, health }) => {
      const app = entryAppRef(entry);
      return [
        wide ? entry.orgId : (shortOrgs.get(entry.orgId) ?? entry.orgId),
        wide ? app : (shortApps.get(app) ?? app),
        formatRelativeTime(health.accessSecondsLeft),
        formatRelativeTime(health.refreshSecondsLeft),
        health.state,
      ];
    }),
  );
}

/** Returns one PROBLEM line per rejected pair, naming the org in full and what to run. */
function renderProblems(rows: Array<{ entry: StoredToken }>): string[] {
  return rows
    .filter(({ entry }) => entry.state === "needs_reauthorization")
    .map(({ entry }) => `PROBLEM in org ${entry.orgId}, rejected ${formatExpiry(new Date(entry.updatedAt))}: ${describeStoredProblem(entry)}`);
}

/**
 * Returns what to do about a pair whose refresh was rejected: the CLI's advice for the stored
 * rejection reason, or the stored problem text for a pair marked by a version that kept no reason.
 */
function describeStoredProblem(entry: StoredToken): string {
  if (entry.rejectionReason === undefined) {
    return entry.problem ?? "the refresh was rejected; no reason was recorded.";
  }
  return adviseOnRejection(entry.rejectionReason, storedPairTarget(entryAppRef(entry), entry.orgId, { kind: "none" }));
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
      "Print the full access token of a stored app (--app) in an org (--org), alone on stdout, for piping into other tools. " +
        "Both may be left out when the store holds one pair that matches.",
    )
    .addHelpText(
      "after",
      `
This is the only command that shows a token in full. When the stored access token nears
expiry it is refreshed and stored first, which needs the client secret (--secret-file or
WEBEX_CLIENT_SECRET). Without the secret the stored token is printed until it expires, with
a warning on stderr once it nears expiry. With --json, prints orgId, appId, access_token,
token_type and accessExpiresAt.

Example:
  curl -H "Authorization: Bearer $(wxadmin token print --app APP_ID --org ORG_ID)" \\
      https://webexapis.com/v1/people/me`,
    )
    .action(
      actionFor(io, async (context) => {
        const store = openTokenStore(context);
        const entry = await chooseEntryToPrint(context, store);
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

/**
 * Chooses the stored pair that `token print` prints: the one of `--app` in `--org`, or, when
 * either is left out, the only stored pair that matches the one given.
 *
 * @throws InvalidInputError (exit code 2) when several pairs match, listing their `--app` and
 *   `--org` values; TokenRefreshError (exit code 3) when none does
 */
async function chooseEntryToPrint(context: CliContext, store: FileTokenStore): Promise<StoredToken> {
  const app = context.options.app === undefined ? undefined : requireAppOption(context, "the service app whose access token to print");
  const orgId = context.options.org === undefined ? undefined : parseOrgId(context.options.org);
  if (app !== undefined && orgId !== undefined) {
    return requireStoredEntry(store, app, orgId);
  }

  const matches = (await store.list()).filter(
    (entry) => (app === undefined || isEntryOfApp(entry, app)) && (orgId === undefined || isSameId(entry.orgId, orgId)),
  );
  const filter = [app === undefined ? "" : ` of app ${app}`, orgId === undefined ? "" : ` in org ${orgId}`].join("");
  if (matches.length === 1) {
    return matches[0] as StoredToken;
  }
  if (matches.length === 0) {
    throw new TokenRefreshError(
      `No stored token${filter} in ${store.describe()}. A developer with the app's client secret fetches one with: ${fetchCommandFor(app ?? "APP_ID", orgId ?? "ORG_ID")}`,
      { reason: "no_pair" },
    );
  }
  const choices = matches.map((entry) => `  --app ${entryAppRef(entry)} --org ${entry.orgId}`);
  throw new InvalidInputError(
    `The ${store.describe()} holds ${matches.length} token pairs${filter}, so "wxadmin token print" needs --app and --org to select one of them:\n${choices.join("\n")}`,
  );
}
