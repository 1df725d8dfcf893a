import { UpstreamError } from "../../errors/gateway-error.ts";
import type { ChatCompletionChunk, ChunkDelta } from "../../openai/chat-chunk.ts";
import type { FinishReason } from "../../openai/chat-response.ts";
import type { ChatStreamTransformer, RequestContext, StreamEvent } from "../../provider/adapter.ts";
import { completionId, nowSeconds } from "../common/openai-ids.ts";
import { convertUsage, mergeUsage } from "./convert-usage.ts";
import { isRecord } from "../../util/is-record.ts";
import { isJsonModeRequest, JSON_MODE_TOOL_NAME } from "./json-mode.ts";
import { mapAnthropicError, statusForErrorType } from "./map-error.ts";
import { mapFinishReason } from "./map-finish-reason.ts";
import {
  type AnthropicUsage,
  ContentBlockDeltaEventSchema,
  ContentBlockStartEventSchema,
  ContentBlockStopEventSchema,
  MessageDeltaEventSchema,
  MessageStartEventSchema,
} from "./wire-schemas.ts";

type BlockState =
  | { kind: "text" }
  | { kind: "tool"; toolIndex: number; sentArguments: boolean }
  | { kind: "json"; sentContent: boolean }
  | { kind: "thinking"; thinking: string; signature: string }
  | { kind: "other" };

/**
 * Anthropic SSE events to OpenAI chunks (docs §4.3, §11.2). Per request, so state lives here:
 * - `message_start` gives the role chunk and the input/cache usage;
 * - text and thinking deltas give `content` / `reasoning_content`; a finished thinking block
 *   also gives `thinking_blocks` (text + signature, LiteLLM's extension) for echoing back;
 * - a `tool_use` block gives a tool-call header whose index counts tool blocks only (not the
 *   Anthropic block index), then its `partial_json` fragments; a block that sent no arguments
 *   ends with `"{}"`; the JSON-mode tool streams as content instead;
 * - `message_delta` gives the finish chunk (its usage overrides `message_start`'s), and
 *   `message_stop` the usage-only chunk; `ping` gives nothing; an `error` event throws.
 * A stream that ends before `message_delta` was cut off and throws.
 */
export function createAnthropicStreamTransformer(ctx: RequestContext): ChatStreamTransformer {
  const jsonMode = isJsonModeRequest(ctx.request.response_format);
  const created = nowSeconds();
  let id = completionId(undefined, ctx.callId);
  let model = ctx.deployment.model;
  let usage: AnthropicUsage = {};
  let started = false;
  let finished = false;
  let done = false;
  let usageSent = false;
  let nextToolIndex = 0;
  let sawJsonTool = false;
  let sawRealTool = false;
  const blocks = new Map<number, BlockState>();

  const chunk = (
    delta: ChunkDelta,
    finishReason: FinishReason | null = null,
    raw?: string | null,
  ) => {
    const choice: ChatCompletionChunk["choices"][number] = {
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finishReason,
    };
    if (raw !== undefined) choice.provider_finish_reason = raw;
    const out: ChatCompletionChunk = {
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [choice],
    };
    return out;
  };

  /** The role chunk comes first, whatever event happens to arrive first. */
  const withStart = (chunks: ChatCompletionChunk[]): ChatCompletionChunk[] => {
    if (started || chunks.length === 0) return chunks;
    started = true;
    return [chunk({ role: "assistant", content: "" }), ...chunks];
  };

  const usageChunk = (): ChatCompletionChunk[] => {
    if (usageSent) return [];
    usageSent = true;
    return [
      {
        id,
        object: "chat.completion.chunk",
        created,
        model,
        choices: [],
        usage: convertUsage(usage),
      },
    ];
  };

  const onBlockStart = (data: unknown): ChatCompletionChunk[] => {
    const event = parseEvent(ContentBlockStartEventSchema, data);
    const block = event.content_block;
    if (block.type === "text") {
      blocks.set(event.index, { kind: "text" });
      return typeof block.text === "string" && block.text !== ""
        ? [chunk({ content: block.text })]
        : [];
    }
    if (
      block.type === "tool_use" &&
      typeof block.id === "string" &&
      typeof block.name === "string"
    ) {
      const initial =
        isRecord(block.input) && Object.keys(block.input).length > 0
          ? JSON.stringify(block.input)
          : "";
      if (jsonMode && block.name === JSON_MODE_TOOL_NAME) {
        sawJsonTool = true;
        blocks.set(event.index, { kind: "json", sentContent: initial !== "" });
        return initial === "" ? [] : [chunk({ content: initial })];
      }
      sawRealTool = true;
      const toolIndex = nextToolIndex++;
      blocks.set(event.index, { kind: "tool", toolIndex, sentArguments: initial !== "" });
      return [
        chunk({
          tool_calls: [
            {
              index: toolIndex,
              id: block.id,
              type: "function",
              function: { name: block.name, arguments: initial },
            },
          ],
        }),
      ];
    }
    if (block.type === "thinking") {
      const thinking = typeof block.thinking === "string" ? block.thinking : "";
      const signature = typeof block.signature === "string" ? block.signature : "";
      blocks.set(event.index, { kind: "thinking", thinking, signature });
      return thinking === "" ? [] : [chunk({ reasoning_content: thinking })];
    }
    if (block.type === "redacted_thinking" && typeof block.data === "string") {
      blocks.set(event.index, { kind: "other" });
      return [chunk({ thinking_blocks: [{ type: "redacted_thinking", data: block.data }] })];
    }
    // Server tool use and its results (web search...) have no OpenAI chat equivalent.
    blocks.set(event.index, { kind: "other" });
    return [];
  };

  const onBlockDelta = (data: unknown): ChatCompletionChunk[] => {
    const event = parseEvent(ContentBlockDeltaEventSchema, data);
    const state = blocks.get(event.index);
    const delta = event.delta;
    if (delta.type === "text_delta" && typeof delta.text === "string") {
      return delta.text === "" ? [] : [chunk({ content: delta.text })];
    }
    if (delta.type === "input_json_delta" && typeof delta.partial_json === "string") {
      const fragment = delta.partial_json;
      if (fragment === "" || state === undefined) return [];
      if (state.kind === "json") {
        state.sentContent = true;
        return [chunk({ content: fragment })];
      }
      if (state.kind === "tool") {
        state.sentArguments = true;
        return [
          chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: fragment } }] }),
        ];
      }
      return [];
    }
    if (delta.type === "thinking_delta" && typeof delta.thinking === "string") {
      if (state?.kind === "thinking") state.thinking += delta.thinking;
      return delta.thinking === "" ? [] : [chunk({ reasoning_content: delta.thinking })];
    }
    if (delta.type === "signature_delta" && typeof delta.signature === "string") {
      if (state?.kind === "thinking") state.signature += delta.signature;
      return [];
    }
    return []; // citations_delta and future delta types
  };

  const onBlockStop = (data: unknown): ChatCompletionChunk[] => {
    const event = parseEvent(ContentBlockStopEventSchema, data);
    const state = blocks.get(event.index);
    blocks.delete(event.index);
    if (state?.kind === "tool" && !state.sentArguments) {
      return [chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: "{}" } }] })];
    }
    if (state?.kind === "json" && !state.sentContent) return [chunk({ content: "{}" })];
    if (state?.kind === "thinking") {
      return [
        chunk({
          thinking_blocks: [
            { type: "thinking", thinking: state.thinking, signature: state.signature },
          ],
        }),
      ];
    }
    return [];
  };

  const onMessageDelta = (data: unknown): ChatCompletionChunk[] => {
    const event = parseEvent(MessageDeltaEventSchema, data);
    usage = mergeUsage(usage, event.usage);
    const raw = event.delta.stop_reason ?? null;
    finished = true;
    const reason = mapFinishReason(raw, { jsonModeOnly: sawJsonTool && !sawRealTool });
    return [chunk({}, reason, raw)];
  };

  return {
    onEvent(event: StreamEvent): ChatCompletionChunk[] {
      if (done) return [];
      const text = event.data.trim();
      if (text === "") return [];
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        throw new UpstreamError("anthropic sent a stream event that is not JSON", {
          provider: "anthropic",
        });
      }
      const type = isRecord(data) && typeof data.type === "string" ? data.type : event.event;

      switch (type) {
        case "message_start": {
          const start = parseEvent(MessageStartEventSchema, data);
          id = completionId(start.message.id, ctx.callId);
          if (start.message.model) model = start.message.model;
          usage = mergeUsage(usage, start.message.usage);
          return startNow();
        }
        case "content_block_start":
          return withStart(onBlockStart(data));
        case "content_block_delta":
          return withStart(onBlockDelta(data));
        case "content_block_stop":
          return withStart(onBlockStop(data));
        case "message_delta":
          return withStart(onMessageDelta(data));
        case "message_stop":
          done = true;
          return withStart(usageChunk());
        case "error": {
          done = true;
          const error = isRecord(data) && isRecord(data.error) ? data.error : undefined;
          const errorType = typeof error?.type === "string" ? error.type : undefined;
          throw mapAnthropicError(
            { status: statusForErrorType(errorType), headers: {}, body: text },
            ctx.deployment,
          );
        }
        default:
          return []; // ping, and event types added after this adapter was written
      }
    },

    onEnd(): ChatCompletionChunk[] {
      if (done) return [];
      // The answer is complete once `message_delta` arrived; only `message_stop` was lost.
      if (finished) return usageChunk();
      throw new UpstreamError("anthropic closed the stream before it finished", {
        provider: "anthropic",
        code: "stream_truncated",
      });
    },
  };

  function startNow(): ChatCompletionChunk[] {
    if (started) return [];
    started = true;
    return [chunk({ role: "assistant", content: "" })];
  }
}

function parseEvent<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  data: unknown,
): T {
  const result = schema.safeParse(data);
  if (!result.success) {
    const type = isRecord(data) && typeof data.type === "string" ? data.type : "unknown";
    throw new UpstreamError(`anthropic sent a malformed ${type} event`, { provider: "anthropic" });
  }
  return result.data;
}
