/**
 * Secret masking shared by errors, logs, `inspect()` output and the CLI.
 *
 * Two mechanisms work together. Values under a secret-bearing key (`access_token`,
 * `clientSecret`, `Authorization`, …) are masked wherever an object is redacted. Every secret
 * the SDK handles is also registered here, so a secret that ends up inside free text (an error
 * message that quotes a request body, say) is masked by value.
 */

const SECRET_KEYS = new Set(
  [
    "access_token",
    "refresh_token",
    "client_secret",
    "clientsecret",
    "accesstoken",
    "refreshtoken",
    "authorization",
    "token",
    "secret",
    "password",
    "id_token",
  ].map((key) => key.toLowerCase()),
);

/** Values shorter than this are masked whole, so a mask never shows more than half of a value. */
const MIN_MASKED_LENGTH = 16;
/** Registered secrets shorter than this are not matched by value, to avoid masking common words. */
const MIN_REGISTERED_LENGTH = 8;
/** Oldest registered secrets are dropped past this count so a long-running process stays bounded. */
const MAX_REGISTERED = 2000;

const registered = new Set<string>();

/**
 * Masks a secret for display: the first and last four characters of a long value, `****` for a
 * short one. Webex tokens end in `_<cluster>_<org UUID>`, which every token of an org shares, so
 * when the part before the first `_` is long enough the last four characters come from that
 * part, which keeps the masks of different tokens apart. A mask shows at most 8 characters of a
 * value of at least 16, so the full value can never be rebuilt from it.
 */
export function maskSecret(value: string | undefined | null): string {
  if (!value) {
    return "(none)";
  }
  if (value.length < MIN_MASKED_LENGTH) {
    return "****";
  }
  const head = value.slice(0, value.includes("_") ? value.indexOf("_") : value.length);
  const part = head.length >= MIN_MASKED_LENGTH ? head : value;
  return `${part.slice(0, 4)}…${part.slice(-4)}`;
}

/** Registers a secret so that `redactText` masks it wherever it appears. */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < MIN_REGISTERED_LENGTH || registered.has(value)) {
    return;
  }
  registered.add(value);
  if (registered.size > MAX_REGISTERED) {
    const oldest = registered.values().next().value;
    if (oldest !== undefined) {
      registered.delete(oldest);
    }
  }
}

/** Returns true when `key` names a field that carries a credential. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

/**
 * Masks every registered secret, every bearer credential and every `key=value` pair with a
 * secret-bearing key in `text`.
 */
export function redactText(text: string): string {
  let result = text;
  for (const secret of registered) {
    if (result.includes(secret)) {
      result = result.split(secret).join(maskSecret(secret));
    }
  }
  result = result.replace(/(Bearer\s+)([A-Za-z0-9._~+/=-]{8,})/gi, (_match, prefix: string, token: string) => {
    return `${prefix}${maskSecret(token)}`;
  });
  result = result.replace(
    /\b(access_token|refresh_token|client_secret|clientSecret)=([^&\s"']+)/g,
    (_match, key: string, value: string) => `${key}=${maskSecret(decodeURIComponentSafe(value))}`,
  );
  return result;
}

/**
 * Returns a deep copy of `value` in which secret-bearing keys are masked and every string has
 * passed through `redactText`. Cycles are cut with `[Circular]`.
 */
export function redactValue<T>(value: T): T {
  return redactInner(value, new WeakSet()) as T;
}

function redactInner(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === "string") {
    return redactText(value);
  }
  if (value === null || typeof value !== "object") {
    return value;
  }
  if (seen.has(value)) {
    return "[Circular]";
  }
  seen.add(value);

  if (Array.isArray(value)) {
    return value.map((item) => redactInner(item, seen));
  }
  if (value instanceof Error) {
    return redactText(value.message);
  }

  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = isSecretKey(key) && typeof item === "string" ? maskSecret(item) : redactInner(item, seen);
  }
  return copy;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
