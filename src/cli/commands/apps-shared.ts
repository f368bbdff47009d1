/**
 * Helpers shared by the `apps` commands: finding an app, naming orgs, explaining a rejected
 * client secret and rendering apps.
 */
import { decodeId, isSameId, isWebexId } from "../../ids.js";
import type { Application } from "../../resources/applications.js";
import { BadRequestError, InvalidInputError, NotFoundError, PermissionError, WebexError, withAdvice } from "../../transport/errors.js";
import type { Webex } from "../../webex.js";
import type { CliContext } from "../context.js";
import { CLIENT_SECRET_ENV, type ClientSecret } from "../credential-files.js";
import { renderFields } from "../render.js";

/** Help line shared by every command that takes an app argument. */
export const APP_ARGUMENT_HELP = "the app's id (base64 Webex id) or, for apps of your own org, its exact name";

/**
 * Looks an app up by id, or by exact name among the apps of the token owner's org.
 *
 * @throws InvalidInputError when `ref` is a Webex id of another kind, such as an org id;
 *   NotFoundError when no app matches, with the next step
 */
export async function findApp(webex: Webex, ref: string): Promise<Application> {
  const kind = decodeId(ref)?.kind;
  if (kind === undefined) {
    return findAppByName(webex, ref);
  }
  if (kind !== "APPLICATION") {
    throw new InvalidInputError(
      `${ref} is a Webex id of kind ${kind}, not an app id. Pass the app's id (a base64 Webex id of kind APPLICATION) or, for an app of your own org, its exact name; "wxadmin apps list" shows both.`,
    );
  }

  try {
    return await webex.org.applications.getAppById(ref);
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw withAdvice(error, `No app has the id ${ref}, or your token cannot see it. Check the id, or list the apps of your org with: wxadmin apps list`);
    }
    throw error;
  }
}

/**
 * Returns `ref`, trimmed, when it is an application id, for commands that take no name, such
 * as `apps authorize`: an admin of another org cannot find the developer's apps by name.
 *
 * @throws InvalidInputError when `ref` is not an application id
 */
export function requireAppId(ref: string, command: string): string {
  const trimmed = ref.trim();
  if (isWebexId(trimmed, "APPLICATION")) {
    return trimmed;
  }
  const kind = decodeId(trimmed)?.kind;
  const found = kind === undefined ? `${JSON.stringify(ref)} is not an app id` : `${trimmed} is a Webex id of kind ${kind}`;
  throw new InvalidInputError(
    `"wxadmin ${command}" takes the app's id (a base64 Webex id of kind APPLICATION), but ${found}. ` +
      `Pass the app id the developer shared; "wxadmin apps create" and "wxadmin apps list" show it in the developer's org.`,
  );
}

async function findAppByName(webex: Webex, name: string): Promise<Application> {
  try {
    return await webex.org.applications.getAppByName(name);
  } catch (error) {
    if (!(error instanceof NotFoundError)) {
      throw error;
    }
    throw new NotFoundError(
      `${JSON.stringify(name)} is neither an app id nor the name of an app in your org ${describeOrg(webex, webex.org.id)}. ` +
        `Names match exactly; "wxadmin apps list" shows the names and ids of your org's apps. An app of another org is found only by its id.`,
    );
  }
}

/**
 * Returns the error to report when `POST /applications/{id}/token` failed, ending with the
 * next step. A 400 there means Webex rejected the client id or secret (the caller's own token
 * was accepted), which a person must fix, so it becomes an `auth` error (exit code 3) that
 * names the secret's source. A 403 means the app is not authorized in `orgId`, or the caller's
 * token lacks `spark:applications_token`. Other errors are returned unchanged.
 */
export function explainTokenRequestFailure(error: unknown, appId: string, orgId: string, secret: ClientSecret): unknown {
  if (error instanceof PermissionError) {
    return withAdvice(error, describeTokenPermissionFailure(error, appId, orgId));
  }
  if (!(error instanceof BadRequestError)) {
    return error;
  }
  const source = secret.file === undefined ? `the ${CLIENT_SECRET_ENV} environment variable` : `the file ${secret.file}`;
  const check = secret.file === undefined ? `Set ${CLIENT_SECRET_ENV} to the app's current client secret` : `Check that ${secret.file} holds the app's current client secret`;
  return new WebexError(
    "auth",
    `Webex rejected the client secret from ${source} for app ${appId}: ${error.message} ` +
      `${check}: a regenerated secret replaces the old one at once. If the secret is lost, make a new one ` +
      `(the old secret then stops working everywhere) and run this command again with --secret-file FILE: ` +
      `wxadmin apps regenerate-secret ${appId} --secret-out FILE`,
    { method: error.method, path: error.path, status: error.status, trackingId: error.trackingId, attempts: error.attempts, body: error.body, cause: error },
  );
}

function describeTokenPermissionFailure(error: PermissionError, appId: string, orgId: string): string {
  if (error.message.includes(TOKEN_SCOPE)) {
    return (
      `The access token this command used (the developer's) lacks the ${TOKEN_SCOPE} scope, which getting a service app's token needs. ` +
      `Run the command again with a token that has it, given with --token-file FILE or WEBEX_ACCESS_TOKEN.`
    );
  }
  return (
    `Service app ${appId} is not authorized in org ${orgId}, so it gets no token there. Once a full admin of that org has authorized it, ` +
    `run this command again. The admin authorizes it with their own access token: wxadmin apps authorize ${appId} --org ${orgId}`
  );
}

/** The scope a caller needs to get a service app's token. */
const TOKEN_SCOPE = "spark:applications_token";

/**
 * Returns the error to report when the app named by `--app` could not be read: for a 404, the
 * error with the next step (check the id, or list the apps). Other errors are returned unchanged.
 */
export function explainUnknownApp(error: unknown, appId: string): unknown {
  if (!(error instanceof NotFoundError)) {
    return error;
  }
  return withAdvice(
    error,
    `No service app has the id ${appId}, or the developer's token cannot see it; it may have been deleted. ` +
      `Check --app against the ids of the developer's apps, which this lists: wxadmin apps list --type authorizedAppIssuer`,
  );
}

/** Returns `displayName (id)` for a visible org whose name is known, or the id alone. */
export function describeOrg(webex: Webex, orgId: string): string {
  const org = webex.orgs.find((visible) => isSameId(visible.id, orgId));
  return org === undefined || org.displayName === "" ? orgId : `${org.displayName} (${org.id})`;
}

/** Renders the fields of an application, without any secret. */
export function renderApp(app: Application, extra: Array<[string, string]> = []): string {
  const fields: Array<[string, string]> = [
    ["Name", app.name],
    ["Id", app.id],
    ["Client id", app.clientId ?? "(none)"],
    ["Type", app.type],
    ["Org id", app.orgId],
    ["Scopes", app.scopes.join(", ") || "(none)"],
  ];
  if (app.data.contactEmail) {
    fields.push(["Contact email", app.data.contactEmail]);
  }
  if (app.data.description) {
    fields.push(["Description", app.data.description]);
  }
  if (app.data.created) {
    fields.push(["Created", app.data.created]);
  }
  return renderFields([...fields, ...extra], 0);
}

/** Returns the org the command acts in when the user must name one, such as the target of a token. */
export function requireOrgOption(context: CliContext, purpose: string): string {
  const org = context.options.org;
  if (org === undefined || org.trim().length === 0) {
    throw new InvalidInputError(`Missing --org: ${purpose}. Give it as a base64 Webex org id or a bare UUID.`);
  }
  return org.trim();
}
