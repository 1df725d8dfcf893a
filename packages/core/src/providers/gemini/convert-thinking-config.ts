import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { GeminiModelTraits } from "./gemini-model-traits.ts";
import type { GeminiThinkingConfig } from "./wire-schemas.ts";

/**
 * `reasoning_effort` budgets for Gemini 2.5, as LiteLLM's defaults (litellm/constants.py):
 * minimal 128 (Flash-Lite's floor is 512), low 1024, medium 2048, high 4096, xhigh 8192.
 */
const BUDGETS = { low: 1024, medium: 2048, high: 4096, xhigh: 8192 } as const;
const MINIMAL_BUDGET = 128;
const MINIMAL_BUDGET_FLASH_LITE = 512;
/** Gemini 2.5 Pro cannot stop thinking; its smallest budget stands in for "none". */
const PRO_FLOOR_BUDGET = 128;

/**
 * `thinkingConfig` from `reasoning_effort` (or LiteLLM's Anthropic-style `thinking` param):
 * Gemini 3+ gets `thinkingLevel` (Gemini 3 Pro has only low/high, Flash and 3.1 Pro add
 * minimal/medium), Gemini 2.5 a `thinkingBudget`. Thoughts are requested (`includeThoughts`)
 * so they come back as `reasoning_content`, except for `none`. Models that cannot think
 * (1.x, 2.0) get nothing: Gemini rejects a thinkingConfig there.
 */
export function convertThinkingConfig(
  request: ChatCompletionRequest,
  traits: GeminiModelTraits,
): GeminiThinkingConfig | undefined {
  if (!traits.supportsThinking) return undefined;
  const effort = request.reasoning_effort;
  if (effort !== undefined && effort !== null) {
    return traits.usesThinkingLevel ? levelFor(effort, traits) : budgetFor(effort, traits);
  }
  return fromThinkingParam(request.thinking, traits);
}

type Effort = NonNullable<ChatCompletionRequest["reasoning_effort"]>;

function levelFor(effort: Effort, traits: GeminiModelTraits): GeminiThinkingConfig {
  switch (effort) {
    case "none":
      // Gemini 3 cannot switch thinking off: the lowest level, without thoughts in the answer.
      return { thinkingLevel: traits.isFlash ? "minimal" : "low", includeThoughts: false };
    case "minimal":
      return { thinkingLevel: traits.isFlash ? "minimal" : "low", includeThoughts: true };
    case "low":
      return { thinkingLevel: "low", includeThoughts: true };
    case "medium":
      return {
        thinkingLevel: traits.supportsMediumLevel ? "medium" : "high",
        includeThoughts: true,
      };
    case "high":
    case "xhigh":
      return { thinkingLevel: "high", includeThoughts: true };
  }
}

function budgetFor(effort: Effort, traits: GeminiModelTraits): GeminiThinkingConfig {
  switch (effort) {
    case "none":
      return {
        thinkingBudget: traits.cannotDisableThinking ? PRO_FLOOR_BUDGET : 0,
        includeThoughts: false,
      };
    case "minimal":
      return {
        thinkingBudget: traits.isFlashLite ? MINIMAL_BUDGET_FLASH_LITE : MINIMAL_BUDGET,
        includeThoughts: true,
      };
    default:
      return { thinkingBudget: BUDGETS[effort], includeThoughts: true };
  }
}

/** LiteLLM also accepts Anthropic's `thinking: {type, budget_tokens}` for Gemini. */
function fromThinkingParam(
  thinking: unknown,
  traits: GeminiModelTraits,
): GeminiThinkingConfig | undefined {
  if (typeof thinking !== "object" || thinking === null) return undefined;
  const { type, budget_tokens: budget } = thinking as { type?: unknown; budget_tokens?: unknown };
  if (type === "disabled") {
    if (traits.usesThinkingLevel) return { includeThoughts: false };
    return {
      thinkingBudget: traits.cannotDisableThinking ? PRO_FLOOR_BUDGET : 0,
      includeThoughts: false,
    };
  }
  if (type !== "enabled") return undefined;
  if (traits.usesThinkingLevel || typeof budget !== "number") return { includeThoughts: true };
  return { thinkingBudget: budget, includeThoughts: budget !== 0 };
}
