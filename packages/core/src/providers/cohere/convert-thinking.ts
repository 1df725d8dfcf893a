import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { CohereThinking } from "./wire-schemas.ts";

/**
 * `reasoning_effort` to Cohere's `thinking` (docs "Reasoning"): `none` disables thinking; any
 * other effort enables it without a budget, which is what Cohere recommends (its reasoning
 * models think by default, and a budget only caps the trace). Unset sends nothing, so models
 * without reasoning never see the field. An explicit `thinking` object in the request wins
 * (it is forwarded as a native field by convertRequest).
 */
export function convertThinking(
  effort: ChatCompletionRequest["reasoning_effort"],
): CohereThinking | undefined {
  if (effort === undefined || effort === null) return undefined;
  return effort === "none" ? { type: "disabled" } : { type: "enabled" };
}
