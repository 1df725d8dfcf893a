import type { ChatCompletionChunk } from "../../openai/chat-chunk.ts";
import type { ChatCompletion } from "../../openai/chat-response.ts";

/**
 * A complete chat answer as the chunks a stream of it would carry: one chunk per choice with the
 * whole message and its finish reason, then the usage-only chunk. Lets a stream encoder serve a
 * streamed request that was answered whole (a cache hit, a pre-call hook).
 */
export function chatCompletionToChunks(completion: ChatCompletion): ChatCompletionChunk[] {
  const head = {
    id: completion.id,
    object: "chat.completion.chunk" as const,
    created: completion.created,
    model: completion.model,
    ...(completion.service_tier ? { service_tier: completion.service_tier } : {}),
  };
  const chunks: ChatCompletionChunk[] = completion.choices.map((choice) => {
    const message = choice.message;
    const delta: ChatCompletionChunk["choices"][number]["delta"] = { role: "assistant" };
    if (message.reasoning_content) delta.reasoning_content = message.reasoning_content;
    if (message.content) delta.content = message.content;
    if (message.refusal) delta.refusal = message.refusal;
    if (message.tool_calls && message.tool_calls.length > 0) {
      delta.tool_calls = message.tool_calls.map((call, index) => ({
        index,
        id: call.id,
        type: "function" as const,
        function: { name: call.function.name, arguments: call.function.arguments },
      }));
    }
    return {
      ...head,
      choices: [
        {
          index: choice.index,
          delta,
          finish_reason: choice.finish_reason,
          logprobs: choice.logprobs ?? null,
        },
      ],
    };
  });
  if (completion.usage) chunks.push({ ...head, choices: [], usage: completion.usage });
  return chunks;
}
