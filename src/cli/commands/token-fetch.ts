/**
 * `wxadmin token fetch`: gets a service app's token pair for each org that authorized it and
 * stores one entry per org in the token store, with the developer's access token and the app's
 * client secret.
 */
import type { Command } from "commander";
import type { TokenInfo } from "../../auth/token.js";
import { normalizeOrgId, type StoredToken } from "../../auth/token-store.js";
import { InvalidInputError } from "../../transport/errors.js";
import { readClientSecret } from "../credential-files.js";
import { actionFor, type CliIo } from "../context.js";
import { allowManyOrgs } from "../options.js";
import type { Application } from "../../resources/applications.js";
import { explainTokenRequestFailure, explainUnknownApp } from "./apps-shared.js";
import { reportOutcomes, runPerOrg } from "./token-outcomes.js";
import { openTokenStore, parseOrgId, requireAppOption } from "./token-shared.js";

export function registerTokenFetchCommand(token: Command, io: CliIo): void {
  const fetch = token
    .command("fetch")
    .description(
      "Get the token pair of a service app (--app, required) for each org that authorized it (--org, required, several allowed) and store one entry per org.",
    )
    .addHelpText(
      "after",
      `
Needs the developer's access token (WEBEX_ACCESS_TOKEN or --token-file) with the
spark:applications_token scope, and the app's client secret (--secret-file or
WEBEX_CLIENT_SECRET). An entry already stored for an org is replaced.

Exit code: 0 when every org got a pair; 4 when some did and others failed; when every
org failed, the highest exit code among the failures (3 when a person must act, such as
an admin authorizing the app in that org).

Example:
  wxadmin token fetch --app APP_ID --org ORG_A --org ORG_B --secret-file app.secret`,
    )
    .action(
      actionFor(io, async (context) => {
        const appId = requireAppOption(context, "the service app to fetch tokens for", true);
        if (context.options.orgs.length === 0) {
          throw new InvalidInputError(
            "Missing --org: name each org that authorized the app, as a base64 Webex org id or a bare UUID; repeat --org or separate ids with commas.",
          );
        }
        // Checked before any request; a UUID is resolved to its org id once connected.
        for (const org of context.options.orgs) {
          parseOrgId(org);
        }
        const secret = await readClientSecret(context.options.secretFile, context.io.env, (message) => context.warn(message));

        // Reading the store first reports a store others can read before any token is requested.
        const store = openTokenStore(context);
        await store.list();

        const webex = await context.connectWithGivenToken();
        let app: Application;
        try {
          app = await webex.org.applications.getAppById(appId);
        } catch (error) {
          throw explainUnknownApp(error, appId);
        }
        const clientId = app.clientId;
        if (clientId === undefined) {
          throw new InvalidInputError(`Application ${appId} has no clientId; is it a service app of the developer's org? Check it with: wxadmin apps show ${appId}`);
        }
        const orgIds: string[] = [];
        for (const org of context.options.orgs) {
          const orgId = normalizeOrgId(await webex.resolveOrgId(org.trim()));
          if (!orgIds.includes(orgId)) {
            orgIds.push(orgId);
          }
        }
        context.logger.debug(`Fetching tokens of app ${appId} for ${orgIds.length === 1 ? "1 org" : `${orgIds.length} orgs`}, client secret from ${secret.source}, into ${store.describe()}`);

        const outcomes = await runPerOrg(orgIds, async (orgId): Promise<StoredToken> => {
          let pair: TokenInfo;
          try {
            pair = await app.getToken(secret.value, orgId);
          } catch (error) {
            throw explainTokenRequestFailure(error, app.id, orgId, secret);
          }
          const entry: StoredToken = {
            clientId,
            orgId,
            appId: app.id,
            tokens: pair.toJSON(),
            obtainedAt: pair.obtainedAt().getTime(),
            updatedAt: Date.now(),
            state: "ok",
          };
          // The key lock keeps a refresh in another process from writing an older pair over this one.
          await store.withLock({ clientId, orgId }, () => store.set(entry));
          return entry;
        });

        reportOutcomes(
          context,
          outcomes,
          "stored",
          `Stored in ${store.path}. Run a command as the app with: wxadmin whoami --app ${app.id} --org ORG_ID`,
        );
      }),
    );
  allowManyOrgs(fetch);
}
