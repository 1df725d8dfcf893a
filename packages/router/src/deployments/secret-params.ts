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
