/**
 * Anthropic accepts tool-use ids matching `^[a-zA-Z0-9_-]+$`. OpenAI's `call_...` and
 * Anthropic's own `toolu_...` pass unchanged; ids minted by other providers (Mistral, Gemini
 * via other gateways, hand-written histories) may carry `.`, `:` or `|`. The mapping is
 * deterministic, so a `tool_use` and its `tool_result` stay paired without any state.
 */
export function toAnthropicToolId(id: string): string {
  const sanitized = id.replace(/[^a-zA-Z0-9_-]/g, "_");
  return sanitized === "" ? "toolu_empty" : sanitized;
}
