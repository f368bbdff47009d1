import type { Identity } from "../credentials.js";
import { forbidden, notFound } from "../errors.js";
import type { HandlerContext } from "../http.js";
import type { ApplicationRecord, PersonRecord } from "../model.js";

/** Returns the person behind `identity`. @throws ApiError 403 for a Service App token. */
export function requirePerson(identity: Identity): PersonRecord {
  if (identity.kind === "app") {
    throw forbidden("A Service App token cannot manage applications. Use the personal token of a person in the app's organization.");
  }
  return identity.person;
}

/** Returns the application with `id`. @throws ApiError 404 when there is none. */
export function requireApplication(context: HandlerContext, id: string): ApplicationRecord {
  const app = context.state.findApplication(id);
  if (!app) {
    throw notFound(`Application ${id} was not found.`);
  }
  return app;
}

/** @throws ApiError 403 unless `person` belongs to the org that owns `app`. */
export function requireOwnApplication(app: ApplicationRecord, person: PersonRecord): void {
  if (app.orgUuid !== person.orgUuid) {
    throw forbidden(`Application ${app.id} belongs to another organization; only people of that organization can change it.`);
  }
}
