import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { BedrockModelFamily } from "./model-family.ts";

/**
 * `reasoning_effort` as a Claude thinking budget. LiteLLM's Anthropic map is low 1024,
 * medium 2048, high 4096; Bedrock rejects budgets under 1024, so `minimal` is raised to 1024.
 * `xhigh` (newer OpenAI value, not in LiteLLM's map) doubles `high`.
 */
export const THINKING_BUDGETS: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 1024,
  medium: 2048,
  high: 4096,
  xhigh: 8192,
};

export type ThinkingConfig = { type: string; budget_tokens?: number } & Record<string, unknown>;

/**
 * The `additionalModelRequestFields.thinking` for a request, if any:
 * - an explicit Anthropic-style `thinking` object (LiteLLM passes it through) wins;
 * - else `reasoning_effort` maps through THINKING_BUDGETS (`none` means no thinking).
 * Only Claude models take `thinking` through Converse; elsewhere reasoning_effort is a 400
 * naming it, or dropped with drop_params.
 */
export function thinkingConfig(
  request: ChatCompletionRequest,
  family: BedrockModelFamily,
  dropParams: boolean,
): ThinkingConfig | undefined {
  const explicit = request["thinking"];
  const effort = request.reasoning_effort;
  const wantsReasoning =
    (typeof explicit === "object" && explicit !== null) ||
    (typeof effort === "string" && effort !== "none");
  if (!wantsReasoning) return undefined;
  if (family !== "anthropic") {
    if (dropParams) return undefined;
    throw new InvalidRequestError(
      "bedrock supports reasoning_effort / thinking only for Anthropic Claude models through " +
        "Converse. Remove it, or set drop_params: true to drop it.",
      { param: "reasoning_effort", code: "unsupported_parameter", provider: "bedrock" },
    );
  }
  if (typeof explicit === "object" && explicit !== null) return explicit as ThinkingConfig;
  const budget = THINKING_BUDGETS[effort ?? ""] ?? THINKING_BUDGETS["medium"] ?? 2048;
  return { type: "enabled", budget_tokens: budget };
}
