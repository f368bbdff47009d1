import { randomUUID } from "node:crypto";
import { encodeId } from "../ids.js";
import type { HandlerContext } from "./http.js";
import type { PersonRecord } from "./model.js";
import type { PersonalTokenRequest } from "./types.js";

/**
 * Adds a person to a seeded org and issues their personal token, so tests can act as a
 * read-only admin, a plain user or a caller without some scope.
 */
export function addPersonWithToken(context: HandlerContext, request: PersonalTokenRequest): string {
  const org = request.org === "developer" ? context.world.developerOrg : context.world.customerOrg;
  const role = request.role ?? "none";
  const uuid = randomUUID();
  const createdMs = context.now();
  const firstName = "Test";
  const lastName = `User ${org.people.length + 1}`;
  const person: PersonRecord = {
    uuid,
    id: encodeId("PEOPLE", uuid),
    orgUuid: org.uuid,
    type: "person",
    email: `test.user.${uuid.slice(0, 8)}@${org.domain}`,
    displayName: `${firstName} ${lastName}`,
    firstName,
    lastName,
    roles: role === "none" ? [] : [role],
    licenses: [],
    createdMs,
    lastModifiedMs: createdMs,
    status: "active",
    invitePending: false,
    loginEnabled: true,
  };
  context.state.addPerson(person);
  return context.credentials.issuePersonalToken(person, request.scopes ?? context.settings.personalScopes, request.lifetimeSeconds);
}
