/**
 * The CLI's wording for a rejected service-app token refresh: what Webex rejected and the
 * command to run next. The SDK words the same `TokenRefreshError` for programs (method names);
 * the CLI replaces that message with this one. Both choose their advice by the error's
 * `reason`, which the SDK derives once from Webex's response.
 */
import { TokenRefreshError, wrappingDetails, type TokenRejectionReason } from "../../transport/errors.js";
import { CLIENT_SECRET_ENV } from "../credential-files.js";
import { joinCommand, shellQuote } from "../render.js";

/** The source of the client secret of a run: `--secret-file`, `WEBEX_CLIENT_SECRET`, or none. */
export type SecretOrigin = { kind: "file"; file: string } | { kind: "env" } | { kind: "none" };

/** Returns the origin of the client secret that `--secret-file` and the environment give. */
export function findSecretOrigin(secretFile: string | undefined, env: NodeJS.ProcessEnv): SecretOrigin {
  if (secretFile !== undefined) {
    return { kind: "file", file: secretFile };
  }
  return env[CLIENT_SECRET_ENV]?.trim() ? { kind: "env" } : { kind: "none" };
}

/**
 * Returns the client-secret flag of a suggested command: the given `--secret-file`, nothing
 * when the secret comes from `WEBEX_CLIENT_SECRET` (a rerun reads it again), else the
 * `--secret-file FILE` placeholder.
 */
export function secretFileArgument(origin: SecretOrigin): string {
  if (origin.kind === "file") {
    return `--secret-file ${shellQuote(origin.file)}`;
  }
  return origin.kind === "env" ? "" : "--secret-file FILE";
}

/** Returns the note that follows a suggested command with the `--secret-file FILE` placeholder. */
export function secretNote(origin: SecretOrigin): string {
  return origin.kind === "none" ? ` (or set ${CLIENT_SECRET_ENV} instead of --secret-file)` : "";
}

/** The app and org of a rejected refresh, and the commands that go on from it. */
export interface RejectionTarget {
  /** The app id, or its client id when the id is not known. */
  appId: string;
  /** Base64 org id. */
  orgId: string;
  /** The client secret the refresh was sent with; `none` when the advice is shown later, as by `token status`. */
  secret: SecretOrigin;
  /** The command that runs the refresh again once the client secret is fixed. */
  retryCommand: string;
  /** The command that gets a new pair. */
  fetchCommand: string;
}

/** Returns the target of a pair in the token store, whose commands are `token refresh` and `token fetch`. */
export function storedPairTarget(appId: string, orgId: string, secret: SecretOrigin): RejectionTarget {
  const secretArgument = secretFileArgument(secret);
  return {
    appId,
    orgId,
    secret,
    retryCommand: joinCommand("wxadmin token refresh --app", appId, "--org", orgId, secretArgument),
    fetchCommand: joinCommand("wxadmin token fetch --app", appId, "--org", orgId, secretArgument),
  };
}

/**
 * Returns what a person does about a rejection of `reason`, ending with the command to run.
 * `unknown` and the reasons of a re-mint, which the CLI does not do, get advice that covers
 * both the client secret and the refresh token.
 */
export function adviseOnRejection(reason: TokenRejectionReason, target: RejectionTarget): string {
  const note = secretNote(target.secret);
  const authorizeCommand = `wxadmin apps authorize ${target.appId} --org ${target.orgId}`;
  if (reason === "client_secret") {
    return (
      `Webex rejected the client secret${describeSecretSource(target.secret)}: it is not the app's current secret, which happens once the secret is regenerated. ` +
      `The refresh token may still be valid, so ${describeSecretFix(target.secret)} and run: ${target.retryCommand}${note}. ` +
      `If the secret is lost, make a new one (the old one then stops working everywhere), then run that command with it: ` +
      `wxadmin apps regenerate-secret ${target.appId} --secret-out FILE`
    );
  }
  if (reason === "refresh_token") {
    return (
      `The refresh token has expired or was revoked, or the app was deauthorized in org ${target.orgId}. ` +
      `If it was deauthorized, a full admin of that org first authorizes it again with their own token: ${authorizeCommand}. ` +
      `Then get a new pair with: ${target.fetchCommand}${note}`
    );
  }
  return (
    `Webex did not say whether it rejected the client secret or the refresh token. ` +
    `Check that the client secret${describeSecretSource(target.secret)} is the app's current one; if it is, a full admin of org ${target.orgId} ` +
    `may need to authorize the app again (${authorizeCommand}). Then get a new pair with: ${target.fetchCommand}${note}`
  );
}

/**
 * Returns `error` with the CLI's message: `subject` (what was refreshed), Webex's response and
 * the advice for its reason. An error already in CLI words, or one that reports a missing pair
 * rather than a rejection, is returned unchanged.
 *
 * @param subject the first sentence, such as "Refreshing the token pair in pair.json was rejected."
 */
export function rewordRejection(error: TokenRefreshError, subject: string, target: RejectionTarget): TokenRefreshError {
  if (cliWorded.has(error) || error.reason === "no_pair") {
    return error;
  }
  const response = error.cause instanceof Error ? error.cause.message : error.message;
  const advice = adviseOnRejection(error.reason, target);
  const reworded = new TokenRefreshError(`${subject} Webex's response: ${response} ${advice}`, { ...wrappingDetails(error), reason: error.reason });
  cliWorded.add(reworded);
  return reworded;
}

/** Errors whose message is already the CLI's, so a second `rewordRejection` keeps them. */
const cliWorded = new WeakSet<TokenRefreshError>();

function describeSecretSource(origin: SecretOrigin): string {
  if (origin.kind === "file") {
    return ` from the file ${origin.file}`;
  }
  return origin.kind === "env" ? ` from the ${CLIENT_SECRET_ENV} environment variable` : "";
}

function describeSecretFix(origin: SecretOrigin): string {
  if (origin.kind === "file") {
    return `put the app's current secret in ${origin.file}`;
  }
  return origin.kind === "env" ? `set ${CLIENT_SECRET_ENV} to the app's current secret` : "put the app's current secret in a file";
}
