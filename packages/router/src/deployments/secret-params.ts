/**
 * litellm_params keys that hold credentials. They never enter a deployment id, a log line, a
 * /model/info answer or an error message.
 */
const SECRET_KEY =
  /(^|_)(secret|password|passwd|credentials?|authorization)($|_)|_?key$|(^|_)(session|access|auth|bearer|refresh|id|ad)_token$|^token$/i;
const EXPLICIT = new Set([
  "api_key",
  "aws_access_key_id",
  "aws_secret_access_key",
  "aws_session_token",
  "azure_ad_token",
  "client_secret",
  "vertex_credentials",
  "extra_headers",
]);

export function isSecretParam(key: string): boolean {
  return EXPLICIT.has(key) || SECRET_KEY.test(key);
}

/** A copy of litellm_params without credentials (extra_headers are dropped too: they often carry keys). */
export function publicParams(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (isSecretParam(key)) continue;
    out[key] = key === "api_base" && typeof value === "string" ? publicApiBase(value) : value;
  }
  return out;
}

/** An api_base without userinfo, query or fragment (some carry keys there). */
export function publicApiBase(apiBase: string | undefined): string | undefined {
  if (apiBase === undefined) return undefined;
  // Asked on every attempt (the response headers and the spend log name the api_base): the
  // WHATWG URL parse and rewrite was a visible share of the request path, for a handful of
  // distinct values (one per deployment). Bounded, emptied when full; a pure function.
  if (publicBases.has(apiBase)) return publicBases.get(apiBase);
  const result = stripApiBase(apiBase);
  if (publicBases.size >= MAX_CACHED_BASES) publicBases.clear();
  publicBases.set(apiBase, result);
  return result;
}

const MAX_CACHED_BASES = 1024;
const publicBases = new Map<string, string | undefined>();

function stripApiBase(apiBase: string): string | undefined {
  try {
    const url = new URL(apiBase);
    url.username = "";
    url.password = "";
    url.search = "";
    url.hash = "";
    return url.toString().replace(/\/$/, "");
  } catch {
    return undefined;
  }
}

/**
 * The credential values in a deployment's litellm_params, to redact from error text an upstream
 * may echo (a 401 naming the URL or headers it was sent): every secret param's string values,
 * nested ones too (extra_headers, a vertex_credentials object or JSON string), and what an
 * api_base carries in its userinfo, query or fragment (a `?key=` or SAS `sig=` is a key).
 * Values under 4 characters are not redacted anyway (redactSecrets).
 */
export function secretValues(params: Readonly<Record<string, unknown>>): string[] {
  const out = new Set<string>();
  for (const [key, value] of Object.entries(params)) {
    if (isSecretParam(key)) collectStrings(value, out, 0);
    else if (key === "api_base" && typeof value === "string") collectApiBase(value, out);
  }
  return [...out];
}

function collectStrings(value: unknown, out: Set<string>, depth: number): void {
  if (depth > 8) return;
  if (typeof value === "string") {
    out.add(value);
    // A service account's JSON as a string: its private key and ids must go too.
    if (value.trimStart().startsWith("{")) {
      try {
        collectStrings(JSON.parse(value), out, depth + 1);
      } catch {
        // Not JSON after all: the whole string is redacted, which is enough.
      }
    }
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const item of Object.values(value)) collectStrings(item, out, depth + 1);
}

function collectApiBase(apiBase: string, out: Set<string>): void {
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch {
    return;
  }
  // As written (percent-encoded) and decoded: an upstream may echo either.
  const add = (raw: string) => {
    if (raw === "") return;
    out.add(raw);
    try {
      out.add(decodeURIComponent(raw));
    } catch {
      // Not valid percent-encoding: the raw form is what can be echoed.
    }
  };
  add(url.password);
  if (url.password !== "") add(url.username);
  for (const [, value] of url.searchParams) {
    out.add(value);
    out.add(encodeURIComponent(value));
  }
  add(url.hash.slice(1));
}
