import type { ChatCompletion, FinishReason, Usage } from "@org/core";
import { OPENAI_DEFAULTS } from "./openai-defaults.ts";
import { optional } from "./optional-field.ts";
import { argumentsText, type OpenAIToolCallSpec } from "./openai-tool-call.ts";
import { openaiUsage } from "./openai-usage.ts";

export interface OpenAICompletionSpec {
  /** Defaults to `null` when there are tool calls, `""` otherwise. */
  content?: string | null;
  toolCalls?: readonly OpenAIToolCallSpec[];
  /** Defaults to `"tool_calls"` when there are tool calls, `"stop"` otherwise. */
  finishReason?: FinishReason;
  /** Defaults to 10 prompt and 20 completion tokens. */
  usage?: Usage;
  model?: string;
  id?: string;
  created?: number;
  /** `null` leaves the field out. */
  systemFingerprint?: string | null;
  /** `null` leaves the field out. */
  serviceTier?: string | null;
}

/** A `chat.completion` body shaped (and key-ordered) like OpenAI's; wrap it in `json()`. */
export function openaiCompletion(spec: OpenAICompletionSpec = {}): ChatCompletion {
  const toolCalls = spec.toolCalls ?? [];
  const hasTools = toolCalls.length > 0;
  const message: ChatCompletion["choices"][number]["message"] = {
    role: "assistant",
    content: spec.content !== undefined ? spec.content : hasTools ? null : "",
    ...(hasTools
      ? {
          tool_calls: toolCalls.map((call) => ({
            id: call.id,
            type: "function" as const,
            function: { name: call.name, arguments: argumentsText(call.arguments) },
          })),
        }
      : {}),
    refusal: null,
    annotations: [],
  };
  return {
    id: spec.id ?? OPENAI_DEFAULTS.id,
    object: "chat.completion",
    created: spec.created ?? OPENAI_DEFAULTS.created,
    model: spec.model ?? OPENAI_DEFAULTS.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: spec.finishReason ?? (hasTools ? "tool_calls" : "stop"),
      },
    ],
    usage: spec.usage ?? openaiUsage(10, 20),
    ...optional("service_tier", spec.serviceTier, OPENAI_DEFAULTS.serviceTier),
    ...optional("system_fingerprint", spec.systemFingerprint, OPENAI_DEFAULTS.systemFingerprint),
  };
}
