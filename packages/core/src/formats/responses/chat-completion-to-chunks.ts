import type { ChatCompletionChunk } from "../../openai/chat-chunk.ts";
import type { ChatCompletion } from "../../openai/chat-response.ts";

/**
 * A complete chat answer as the chunks a stream of it would carry: one chunk per choice with the
 * whole message and its finish reason (after one per signed thinking block), then the usage-only
 * chunk. Lets a stream encoder serve a
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
  const chunks: ChatCompletionChunk[] = completion.choices.flatMap((choice) => {
    const message = choice.message;
    // Signed thinking (LiteLLM's `thinking_blocks`) goes as a live Anthropic stream sends it:
    // each block's text with the block itself, so encoders keep every signature (a client echoes
    // them back in tool loops) and the reasoning text is not sent twice.
    const blocks = Array.isArray(message.thinking_blocks)
      ? (message.thinking_blocks as unknown[])
      : [];
    const thinking: ChatCompletionChunk[] = blocks.map((block, i) => {
      const text = (block as { type?: unknown; thinking?: unknown } | null)?.thinking;
      const delta: ChatCompletionChunk["choices"][number]["delta"] = {
        ...(i === 0 ? { role: "assistant" as const } : {}),
        ...(typeof text === "string" && text !== "" ? { reasoning_content: text } : {}),
        thinking_blocks: [block],
      };
      return { ...head, choices: [{ index: choice.index, delta, finish_reason: null }] };
    });
    const delta: ChatCompletionChunk["choices"][number]["delta"] =
      thinking.length === 0 ? { role: "assistant" } : {};
    if (message.reasoning_content && thinking.length === 0)
      delta.reasoning_content = message.reasoning_content;
    if (message.content) delta.content = message.content;
    if (message.refusal) delta.refusal = message.refusal;
    // Citations (OpenAI's search models stream them in a delta too).
    if (Array.isArray(message.annotations) && message.annotations.length > 0)
      delta.annotations = message.annotations;
    if (message.tool_calls && message.tool_calls.length > 0) {
      delta.tool_calls = message.tool_calls.map((call, index) => ({
        index,
        id: call.id,
        type: "function" as const,
        function: { name: call.function.name, arguments: call.function.arguments },
      }));
    }
    const last: ChatCompletionChunk = {
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
    return [...thinking, last];
  });
  if (completion.usage) chunks.push({ ...head, choices: [], usage: completion.usage });
  return chunks;
}
