import { UpstreamError } from "../../errors/gateway-error.ts";
import type { ChatCompletionChunk, ChunkDelta } from "../../openai/chat-chunk.ts";
import type { FinishReason } from "../../openai/chat-response.ts";
import type { ChatStreamTransformer, RequestContext, StreamEvent } from "../../provider/adapter.ts";
import { convertUsage } from "./convert-usage.ts";
import { toOpenAIToolCall } from "./convert-tool-calls.ts";
import { mapFinishReason } from "./map-finish-reason.ts";
import { parseOllamaPayload } from "./parse-ollama-payload.ts";
import { completionId } from "../common/openai-ids.ts";
import { createdSeconds } from "./created-seconds.ts";
import { ThinkTagSplitter, type SplitText } from "./think-tag-splitter.ts";

/**
 * Ollama's NDJSON stream (one `/api/chat` object per line) to OpenAI chunks:
 * - the first line gives the role chunk; every chunk has id `chatcmpl-<call id>`;
 * - `message.thinking` gives `reasoning_content`, `message.content` gives `content` (with a
 *   leading `<think>...</think>` moved to `reasoning_content`);
 * - each tool call arrives whole in one line and gives one complete delta (id, name and all
 *   arguments) at the next OpenAI index;
 * - the `done: true` line gives the finish chunk and the usage-only chunk;
 * - an `{"error": ...}` line throws; a stream that ends without `done: true` was cut off.
 */
export function createOllamaStreamTransformer(ctx: RequestContext): ChatStreamTransformer {
  const provider = ctx.deployment.provider;
  const model = ctx.deployment.model;
  const id = completionId(undefined, ctx.callId);
  let created: number | undefined;
  let started = false;
  let done = false;
  let toolCalls = 0;
  const splitter = new ThinkTagSplitter();

  const chunk = (
    delta: ChunkDelta,
    finishReason: FinishReason | null = null,
    raw?: string | null,
  ): ChatCompletionChunk => {
    const choice: ChatCompletionChunk["choices"][number] = {
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finishReason,
    };
    if (raw !== undefined) choice.provider_finish_reason = raw;
    return {
      id,
      object: "chat.completion.chunk",
      created: created ?? createdSeconds(undefined),
      model,
      choices: [choice],
    };
  };

  const textChunks = (thinking: string, split: SplitText): ChatCompletionChunk[] => {
    const out: ChatCompletionChunk[] = [];
    const reasoning = thinking + split.reasoning;
    if (reasoning !== "") out.push(chunk({ reasoning_content: reasoning }));
    if (split.content !== "") out.push(chunk({ content: split.content }));
    return out;
  };

  return {
    onEvent(event: StreamEvent): ChatCompletionChunk[] {
      if (done || event.data.trim() === "") return [];
      const data = parseOllamaPayload(event.data, ctx.deployment);
      created ??= createdSeconds(data.created_at);
      const out: ChatCompletionChunk[] = [];
      if (!started) {
        started = true;
        out.push(chunk({ role: "assistant", content: "" }));
      }
      const message = data.message;
      out.push(...textChunks(message?.thinking ?? "", splitter.feed(message?.content ?? "")));
      for (const call of message?.tool_calls ?? []) {
        const openai = toOpenAIToolCall(call);
        out.push(chunk({ tool_calls: [{ index: toolCalls++, ...openai }] }));
      }
      if (data.done === true) {
        done = true;
        out.push(...textChunks("", splitter.flush()));
        const raw = data.done_reason ?? null;
        out.push(chunk({}, mapFinishReason(raw, toolCalls > 0), raw));
        out.push({
          id,
          object: "chat.completion.chunk",
          created: created,
          model,
          choices: [],
          usage: convertUsage(data),
        });
      }
      return out;
    },

    onEnd(): ChatCompletionChunk[] {
      if (done) return [];
      throw new UpstreamError(`${provider} closed the stream before the done line`, {
        provider,
        code: "stream_truncated",
      });
    },
  };
}
