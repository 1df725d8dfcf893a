/**
 * Fields `extra_body` may not carry. It is merged into the upstream body last (OpenAI SDK
 * semantics), so without this a caller could replace what the gateway decided and budgets on:
 * the upstream model (billed on the operator's account, charged at the routed model's price),
 * the prompt, `n` and the output bounds the budget hold is computed from, and `stream` (a
 * streamed answer read as JSON fails and is charged nothing). These go top-level, where they
 * are validated, access-checked and counted.
 */
export const EXTRA_BODY_RESERVED: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "prompt",
  "input",
  "system",
  "n",
  "best_of",
  "max_tokens",
  "max_completion_tokens",
  "max_output_tokens",
  "stream",
  "stream_options",
]);

/**
 * The gateway's response-cache controls, which LiteLLM clients also send inside a literal
 * `extra_body` (the cache reads them there): they steer the gateway, and an upstream that checks
 * its fields (OpenAI, Anthropic) answers 400 to an unknown `cache`.
 */
const GATEWAY_CACHE_CONTROLS: ReadonlySet<string> = new Set(["cache", "caching"]);

/**
 * `extra_body` without the reserved fields (the edge refuses them; this is the builders' guard)
 * and without the gateway's cache controls.
 */
export function extraBodyFields(extra: unknown): Record<string, unknown> {
  if (typeof extra !== "object" || extra === null || Array.isArray(extra)) return {};
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(extra))
    if (!EXTRA_BODY_RESERVED.has(name) && !GATEWAY_CACHE_CONTROLS.has(name)) out[name] = value;
  return out;
}
