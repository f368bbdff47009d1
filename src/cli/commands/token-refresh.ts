/**
 * `wxadmin token refresh`: refreshes stored pairs now through the service-app token provider,
 * which re-reads the entry, refreshes and writes the new pair under the store's lock, so a
 * refresh running in another process at the same time cannot lose a pair.
 */
import type { Command } from "commander";
import type { FileTokenStore } from "../../auth/file-token-store.js";
import type { StoredToken } from "../../auth/token-store.js";
import { isSameId } from "../../ids.js";
import { InvalidInputError, TokenRefreshError } from "../../transport/errors.js";
import { actionFor, type CliContext, type CliIo } from "../context.js";
import { allowManyOrgs } from "../options.js";
import { reportOutcomes, runPerOrg } from "./token-outcomes.js";
import { rewordRejection, storedPairTarget } from "./token-rejections.js";
import { describeEntryApp, entryAppRef, fetchCommandFor, isEntryOfApp, openTokenStore, parseOrgId, requireClientSecret } from "./token-shared.js";

/** Options of the commands that act on several stored orgs. */
export interface OrgSelectionOptions {
  allOrgs?: boolean;
}

/** The orgs a command acts on and their entries; `entry` is missing for an org with none stored. */
export interface SelectedOrg {
  orgId: string;
  entry?: StoredToken;
}

export function registerTokenRefreshCommand(token: Command, io: CliIo): void {
  const refresh = token
    .command("refresh")
    .description(
      "Refresh stored token pairs now, in the orgs given with --org or in every stored org with --all-orgs (one of them required).",
    )
    .option("--all-orgs", "Refresh every stored org of the app (of --app, or of the one app in the store). Default: off.")
    .addHelpText(
      "after",
      `
Needs the app's client secret (--secret-file or WEBEX_CLIENT_SECRET). Commands run with
--app refresh on their own when the access token nears expiry; this command forces it,
for example to keep a little-used refresh token alive.

Exit code: 0 when every org was refreshed; 4 when some were and others failed; when every
org failed, the highest exit code among the failures. A rejected refresh (refresh token
expired or revoked, app deauthorized, client secret regenerated) exits with 3 and says
what a person must do; it is not retried.

Examples:
  wxadmin token refresh --app APP_ID --org ORG_ID --secret-file app.secret
  wxadmin token refresh --app APP_ID --all-orgs --secret-file app.secret`,
    )
    .action(
      actionFor<OrgSelectionOptions>(io, async (context, _args, options) => {
        const store = openTokenStore(context);
        const selected = await selectStoredOrgs(context, store, options, "refresh");
        requireOneApp(selected);

        const secret = await requireClientSecret(context, "token refresh");

        const byOrg = new Map(selected.map((item) => [item.orgId, item.entry]));
        const outcomes = await runPerOrg(
          selected.map((item) => item.orgId),
          async (orgId) => {
            const entry = byOrg.get(orgId);
            if (entry === undefined) {
              throw missingEntryError(context, store, orgId);
            }
            const { provider } = await context.createServiceAppClient(store, entry, secret);
            try {
              return await provider.refresh("requested with wxadmin token refresh");
            } catch (error) {
              throw explainStoredRefreshFailure(context, entry, error);
            }
          },
        );
        reportOutcomes(context, outcomes, "refreshed");
      }),
    );
  allowManyOrgs(refresh);
}

/**
 * Chooses the stored orgs a command acts on: those named with `--org` (an org without an entry
 * is kept, for the command to report) or, with `--all-orgs`, every stored org. `--app`, when
 * given, limits both to that app.
 *
 * @throws InvalidInputError when neither or both of `--org` and `--all-orgs` are given, or an org
 *   id is malformed
 */
export async function selectStoredOrgs(
  context: CliContext,
  store: FileTokenStore,
  options: OrgSelectionOptions,
  verb: string,
): Promise<SelectedOrg[]> {
  const { app, orgs } = context.options;
  if (orgs.length > 0 && options.allOrgs) {
    throw new InvalidInputError(`Give either --org or --all-orgs to choose the orgs to ${verb}, not both.`);
  }
  if (orgs.length === 0 && !options.allOrgs) {
    throw new InvalidInputError(`Missing --org: name the orgs to ${verb} (repeat --org or separate ids with commas), or pass --all-orgs.`);
  }
  const orgIds = [...new Set(orgs.map((org) => parseOrgId(org)))];

  const entries = (await store.list()).filter((entry) => app === undefined || isEntryOfApp(entry, app.trim()));
  if (options.allOrgs) {
    if (entries.length === 0) {
      const whose = app === undefined ? "" : ` of app ${app}`;
      throw new TokenRefreshError(
        `No stored tokens${whose} in ${store.describe()}. A developer with the app's client secret fetches them with: ${fetchCommandFor(app ?? "APP_ID", "ORG_ID")}`,
        { reason: "no_pair" },
      );
    }
    return entries.map((entry) => ({ orgId: entry.orgId, entry }));
  }

  return orgIds.map((orgId) => {
    const matches = entries.filter((entry) => isSameId(entry.orgId, orgId));
    if (matches.length > 1) {
      const apps = matches.map((entry) => describeEntryApp(entry)).join(", ");
      throw new InvalidInputError(`Tokens of ${matches.length} apps are stored for org ${orgId} (${apps}); choose one with --app.`);
    }
    return { orgId, entry: matches[0] };
  });
}

/**
 * Checks that the selected entries belong to one app, since each app has its own client secret.
 *
 * @throws InvalidInputError listing the apps otherwise
 */
function requireOneApp(selected: SelectedOrg[]): void {
  const apps = new Map<string, StoredToken>();
  for (const { entry } of selected) {
    if (entry !== undefined) {
      apps.set(entry.clientId, entry);
    }
  }
  if (apps.size > 1) {
    const names = [...apps.values()].map((entry) => describeEntryApp(entry)).join(", ");
    throw new InvalidInputError(
      `The chosen orgs hold tokens of ${apps.size} apps (${names}), and each app has its own client secret; choose one with --app.`,
    );
  }
}

function missingEntryError(context: CliContext, store: FileTokenStore, orgId: string): TokenRefreshError {
  const app = context.options.app ?? "APP_ID";
  return new TokenRefreshError(
    `No stored token for org ${orgId} in ${store.describe()}. A developer with the app's client secret fetches one with: ${fetchCommandFor(app, orgId)}`,
    { reason: "no_pair" },
  );
}

/** Returns a rejected refresh of a stored pair in CLI words (see `rewordRejection`); other errors unchanged. */
function explainStoredRefreshFailure(context: CliContext, entry: StoredToken, error: unknown): unknown {
  if (!(error instanceof TokenRefreshError)) {
    return error;
  }
  const appId = entryAppRef(entry);
  const target = storedPairTarget(appId, entry.orgId, context.secretOrigin());
  return rewordRejection(error, `Refreshing the stored token of app ${appId} in org ${entry.orgId} was rejected.`, target);
}
