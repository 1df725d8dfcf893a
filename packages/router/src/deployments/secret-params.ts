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
