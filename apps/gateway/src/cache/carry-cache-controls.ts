/**
 * LiteLLM's per-request cache controls in a request body (`cache: {...}`, `caching`). The cache
 * reads them from the translated chat request, and a format whose translation builds a new body
 * (Anthropic's `/v1/messages`) would drop them: `no-store` would be silently ignored and a
 * malformed value silently accepted. Both fields stay out of the cache key and are stripped
 * before any upstream call (core's GATEWAY_ONLY_PARAMS; other adapters build their own bodies).
 */
const CACHE_CONTROL_FIELDS = ["cache", "caching"] as const;

/** Copies the inbound request's cache controls onto its chat translation when it lost them. */
export function carryCacheControls(inbound: object, chat: object): void {
  const from = inbound as Record<string, unknown>;
  const to = chat as Record<string, unknown>;
  for (const field of CACHE_CONTROL_FIELDS) {
    if (from[field] !== undefined && to[field] === undefined) to[field] = from[field];
  }
}
