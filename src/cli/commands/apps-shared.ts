/**
 * Helpers shared by the `apps` commands: finding an app, naming orgs and rendering apps.
 */
import { isSameId, isWebexId } from "../../ids.js";
import type { Application } from "../../resources/applications.js";
import { InvalidInputError } from "../../transport/errors.js";
import type { Webex } from "../../webex.js";
import type { CliContext } from "../context.js";
import { renderFields } from "../render.js";

/** Help line shared by every command that takes an app argument. */
export const APP_ARGUMENT_HELP = "the app's id (base64 Webex id) or, for apps of your own org, its exact name";

/**
 * Looks an app up by id, or by exact name among the apps of the token owner's org.
 *
 * @throws NotFoundError when no app matches.
 */
export async function findApp(webex: Webex, ref: string): Promise<Application> {
  if (isWebexId(ref)) {
    return webex.org.applications.getAppById(ref);
  }
  return webex.org.applications.getAppByName(ref);
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
