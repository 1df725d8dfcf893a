import { argumentsText, finishReasonOf, joined, type CohereAnswerSpec } from "./cohere-answer.ts";
import { cohereGenerationId, cohereToolCallId } from "./cohere-ids.ts";
import { cohereUsage } from "./cohere-usage.ts";

/**
 * A non-streamed v2 chat response body (`{id, finish_reason, message, usage}`), as the
 * cohere-typescript V2ChatResponse describes it: `message.content` holds `thinking` and `text`
 * parts, `message.tool_plan` and `message.tool_calls` the tool-calling part.
 */
export function cohereChatResponse(spec: CohereAnswerSpec): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  const thinking = joined(spec.thinking);
  if (thinking !== "") content.push({ type: "thinking", thinking });
  const text = joined(spec.text);
  if (spec.text !== undefined) content.push({ type: "text", text });
  const message: Record<string, unknown> = { role: "assistant" };
  if (content.length > 0) message.content = content;
  if (spec.toolPlan !== undefined) message.tool_plan = joined(spec.toolPlan);
  if (spec.toolCalls !== undefined && spec.toolCalls.length > 0) {
    message.tool_calls = spec.toolCalls.map((call) => ({
      id: call.id ?? cohereToolCallId(call.name),
      type: "function",
      function: { name: call.name, arguments: argumentsText(call.arguments) },
    }));
  }
  return {
    id: spec.id ?? cohereGenerationId(),
    message,
    finish_reason: finishReasonOf(spec),
    usage: spec.usage ?? cohereUsage(1, 1),
  };
}
