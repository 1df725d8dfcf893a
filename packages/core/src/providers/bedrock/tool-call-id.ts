/**
 * Converse tool-use ids must match `^[a-zA-Z0-9_-]+$` and be at most 64 characters. OpenAI's
 * `call_...` ids pass unchanged; ids minted by other providers are rewritten deterministically,
 * so an assistant `tool_calls[].id` and the `tool_call_id` answering it still match.
 */
export function sanitizeToolUseId(id: string): string {
  const cleaned = id.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
  return cleaned === "" ? "call" : cleaned;
}

/** Ids for the deprecated `function_call` / `function` message pair, which carry none. */
export function legacyFunctionCallId(name: string): string {
  return sanitizeToolUseId(`call_${name}`);
}
