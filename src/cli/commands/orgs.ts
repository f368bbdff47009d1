/**
 * `wxadmin orgs list`: the orgs the access token can see.
 */
import type { Command } from "commander";
import { isSameId } from "../../ids.js";
import { actionFor, type CliIo } from "../context.js";
import { renderTable } from "../render.js";

export function registerOrgsCommands(program: Command, io: CliIo): void {
  const orgs = program.command("orgs").description("Organizations the access token can see.");

  orgs
    .command("list")
    .description("List the orgs the access token can see; * marks the token owner's org.")
    .action(
      actionFor(io, async (context) => {
        const webex = await context.connect();

        if (context.isJson) {
          context.printJson(webex.orgs.map((org) => org.data));
          return;
        }

        const rows = webex.orgs.map((org) => [
          isSameId(org.id, webex.org.id) ? "*" : "",
          org.displayName,
          org.uuid,
          org.id,
        ]);
        context.print(renderTable([{ header: "" }, { header: "NAME" }, { header: "UUID" }, { header: "ID" }], rows));
      }),
    );
}
