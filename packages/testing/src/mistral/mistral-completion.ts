import { mistralCompletionId } from "./mistral-ids.ts";

export interface MistralToolCallSpec {
  id: string;
  name: string;
  /** JSON text, as Mistral sends it. */
  arguments: string;
}

export interface MistralUsageSpec {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface MistralCompletionSpec {
  content?: string;
  toolCalls?: readonly MistralToolCallSpec[];
  /** `stop`, `length`, `model_length`, `error` or `tool_calls`. */
  finishReason?: string;
  usage?: MistralUsageSpec;
  model?: string;
  id?: string;
  created?: number;
}

export const mistralUsage = (prompt: number, completion: number): MistralUsageSpec => ({
  prompt_tokens: prompt,
  total_tokens: prompt + completion,
  completion_tokens: completion,
});

/**
 * A non-streamed Mistral chat completion: tool calls carry `index` but no `type`, `content` is
 * `""` beside them and `tool_calls` is `null` without them.
 */
export function mistralCompletion(spec: MistralCompletionSpec = {}): Record<string, unknown> {
  const toolCalls = spec.toolCalls ?? [];
  return {
    id: spec.id ?? mistralCompletionId(),
    object: "chat.completion",
    created: spec.created ?? Math.floor(Date.now() / 1000),
    model: spec.model ?? "mistral-small-2503",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          tool_calls:
            toolCalls.length === 0
              ? null
              : toolCalls.map((call, index) => ({
                  id: call.id,
                  function: { name: call.name, arguments: call.arguments },
                  index,
                })),
          content: spec.content ?? "",
        },
        finish_reason: spec.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop"),
      },
    ],
    usage: spec.usage ?? mistralUsage(10, 20),
  };
}
