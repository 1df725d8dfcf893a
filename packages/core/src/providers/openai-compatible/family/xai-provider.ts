import type { Usage } from "../../../openai/chat-response.ts";
import { renameParam, stripMessageField, stripToolStrict } from "./body-edits.ts";
import { createFamilyProvider } from "./create-family-provider.ts";

export const XAI_API_BASE = "https://api.x.ai/v1";

/** xAI's reasoning models reject these (docs.x.ai, reasoning guide); grok-4 has no effort knob. */
function xaiModelUnsupportedParams(model: string): readonly string[] {
  if (/grok-4/.test(model)) {
    return ["presence_penalty", "frequency_penalty", "stop", "reasoning_effort"];
  }
  if (/grok-3-mini|grok-code-fast/.test(model)) {
    return ["presence_penalty", "frequency_penalty", "stop"];
  }
  return [];
}

/**
 * xAI (Grok). As LiteLLM does: `max_completion_tokens` is sent as `max_tokens`, `strict` is
 * removed from tools, `name` from messages, and `web_search_options` (Live Search, gone from
 * chat completions) is refused. Usage is folded to OpenAI's meaning (xAI leaves reasoning
 * tokens out of `completion_tokens`), and the empty `finish_reason` xAI sends after tool calls
 * becomes `tool_calls`; both are rewrites, so clients never get xAI's bytes unchanged.
 */
export const xaiProvider = createFamilyProvider({
  id: "xai",
  defaultApiBase: XAI_API_BASE,
  unsupportedParams: ["web_search_options"],
  modelUnsupportedParams: xaiModelUnsupportedParams,
  embeddingsPath: false,
  transformBody: (body) =>
    stripToolStrict(
      stripMessageField(renameParam(body, "max_completion_tokens", "max_tokens"), "name"),
    ),
  normalizeUsage: foldReasoningTokens,
  passthrough: false,
});

/** Adds reasoning to completion tokens when xAI counted it only in the total. Idempotent. */
export function foldReasoningTokens(usage: Usage): void {
  const reasoning = usage.completion_tokens_details?.reasoning_tokens ?? 0;
  if (reasoning <= 0) return;
  const { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total } = usage;
  if (total === prompt + completion + reasoning) usage.completion_tokens = completion + reasoning;
}
