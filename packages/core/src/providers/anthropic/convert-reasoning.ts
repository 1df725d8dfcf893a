import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import { supportsAdaptiveThinking } from "./claude-models.ts";
import type { AnthropicThinkingConfig } from "./wire-schemas.ts";

export type ReasoningEffort = NonNullable<ChatCompletionRequest["reasoning_effort"]>;

/**
 * LiteLLM's `reasoning_effort` budgets (litellm/constants.py:
 * DEFAULT_REASONING_EFFORT_{LOW,MEDIUM,HIGH}_THINKING_BUDGET = 1024, 2048, 4096). LiteLLM's
 * `minimal` is 128, below Anthropic's documented minimum of 1024 ("Must be ≥1024 and less than
 * max_tokens"), so it gets the minimum; `xhigh` (not in LiteLLM's Anthropic map) doubles high.
 */
export const THINKING_BUDGETS: Readonly<Record<Exclude<ReasoningEffort, "none">, number>> = {
  minimal: 1024,
  low: 1024,
  medium: 2048,
  high: 4096,
  xhigh: 8192,
};

/** `output_config.effort` values for adaptive-thinking models (SDK: low|medium|high|xhigh|max). */
const ADAPTIVE_EFFORT: Readonly<Record<Exclude<ReasoningEffort, "none">, string>> = {
  minimal: "low",
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "xhigh",
};

export interface ConvertedReasoning {
  thinking: AnthropicThinkingConfig;
  /** Set for adaptive models, where effort (not a budget) steers thinking. */
  effort?: string;
}

/**
 * `reasoning_effort` to Anthropic thinking. Opus/Sonnet 4.6 and later take
 * `thinking: {type: "adaptive"}` plus `output_config.effort`; older models take
 * `thinking: {type: "enabled", budget_tokens}`. `none` (or no effort) means no thinking config.
 */
export function convertReasoningEffort(
  effort: ChatCompletionRequest["reasoning_effort"],
  model: string,
): ConvertedReasoning | undefined {
  if (effort === undefined || effort === null || effort === "none") return undefined;
  if (supportsAdaptiveThinking(model)) {
    return { thinking: { type: "adaptive" }, effort: ADAPTIVE_EFFORT[effort] };
  }
  return { thinking: { type: "enabled", budget_tokens: THINKING_BUDGETS[effort] } };
}
