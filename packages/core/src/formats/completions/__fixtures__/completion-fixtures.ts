import type { ChatCompletionChunk } from "../../../openai/chat-chunk.ts";
import type { ChatCompletion } from "../../../openai/chat-response.ts";
import { CompletionRequestSchema } from "../completion-request.ts";

/** A parsed completions request for `gpt-4o`. */
export function parseCompletionRequest(body: Record<string, unknown>) {
  return CompletionRequestSchema.parse({ model: "gpt-4o", ...body });
}

export const usage = { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 };

export function chatCompletion(
  content: string,
  finish: "stop" | "length" | "tool_calls" = "stop",
): ChatCompletion {
  return {
    id: "chatcmpl-abc",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "gpt-4o-2024-08-06",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finish, logprobs: null }],
    usage,
    system_fingerprint: "fp_1",
  };
}

export function chunk(
  delta: ChatCompletionChunk["choices"][number]["delta"],
  finish: ChatCompletionChunk["choices"][number]["finish_reason"] = null,
  extra: Partial<ChatCompletionChunk["choices"][number]> = {},
): ChatCompletionChunk {
  return {
    id: "chatcmpl-abc",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "gpt-4o-2024-08-06",
    choices: [{ index: 0, delta, finish_reason: finish, ...extra }],
  };
}
