/**
 * `wxadmin whoami`: who the access token belongs to, which org it acts in, and where the token
 * came from (never the token itself).
 */
import type { Command } from "commander";
import { maskSecret } from "../../redact.js";
import { actionFor, type CliIo } from "../context.js";
import { formatExpiry, renderFields } from "../render.js";

export function registerWhoamiCommand(program: Command, io: CliIo): void {
  program
    .command("whoami")
    .description("Show the identity and org behind the access token, and the orgs it can see.")
    .addHelpText(
      "after",
      `
Examples:
  wxadmin whoami --token-file customer-tokens.json
  WEBEX_ACCESS_TOKEN=... wxadmin whoami --json`,
    )
    .action(
      actionFor(io, async (context) => {
        const token = await context.resolveAccessToken();
        const webex = await context.connect();
        const me = webex.me ?? (await webex.org.people.me());
        const org = context.options.org === undefined ? webex.org : webex.forOrg(context.options.org);
        const accessExpiresAt = token.pair?.accessExpiresAt;

        if (context.isJson) {
          context.printJson({
            person: me,
            org: { id: org.id, displayName: org.displayName },
            orgs: webex.orgs.map((visible) => ({ id: visible.id, displayName: visible.displayName })),
            tokenSource: token.source,
            accessExpiresAt,
          });
          return;
        }

        const fields: Array<[string, string]> = [
          ["Name", me.displayName ?? "(no display name)"],
          ["Type", me.type ?? "(unknown)"],
          ["Email", me.emails?.join(", ") || "(none)"],
          ["Person id", me.id],
          // A service-app token without an organizations read scope cannot read the org's name.
          ["Org", org.displayName === "" ? org.id : `${org.displayName} (${org.id})`],
          ["Visible orgs", String(webex.orgs.length)],
          ["Token", `${maskSecret(token.value)} from ${token.source}`],
        ];
        if (accessExpiresAt !== undefined) {
          fields.push(["Token expires", formatExpiry(new Date(accessExpiresAt))]);
        }
        context.print(renderFields(fields, 0));
      }),
    );
}
