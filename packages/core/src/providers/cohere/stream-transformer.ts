import { UpstreamError } from "../../errors/gateway-error.ts";
import type { ChatCompletionChunk, ChunkDelta } from "../../openai/chat-chunk.ts";
import type { FinishReason, Usage } from "../../openai/chat-response.ts";
import type { ChatStreamTransformer, RequestContext, StreamEvent } from "../../provider/adapter.ts";
import { isRecord } from "../../util/is-record.ts";
import { completionId, nowSeconds } from "../common/openai-ids.ts";
import { convertUsage } from "./convert-usage.ts";
import { mapCohereError } from "./map-error.ts";
import { mapFinishReason } from "./map-finish-reason.ts";
import {
  ContentDeltaEventSchema,
  ContentStartEventSchema,
  MessageEndEventSchema,
  MessageStartEventSchema,
  ToolCallDeltaEventSchema,
  ToolCallEndEventSchema,
  ToolCallStartEventSchema,
  ToolPlanDeltaEventSchema,
} from "./wire-schemas.ts";

interface ToolState {
  index: number;
  sentArguments: boolean;
}

/**
 * Cohere v2 SSE events (`event: <type>` + `data: {"type": "<type>", ...}`) to OpenAI chunks:
 * - `message-start` gives the role chunk and the id (`chatcmpl-<generation id>`);
 * - `content-delta` gives `content` (text) or `reasoning_content` (thinking);
 * - `tool-plan-delta` gives `content`, the text Cohere writes before its tool calls;
 * - `tool-call-start` gives the call header (`id`, `type`, `name`) at an OpenAI index counting
 *   tool calls only, `tool-call-delta` its argument fragments, and `tool-call-end` closes it
 *   (with `"{}"` when no argument was sent);
 * - `message-end` gives the finish chunk, then the usage-only chunk; a `delta.error` there, or
 *   a bare `{"message": ...}` event, throws;
 * - citations and unknown events give nothing; a trailing `data: [DONE]` is ignored.
 * A stream that ends before `message-end` was cut off and throws.
 */
export function createCohereStreamTransformer(ctx: RequestContext): ChatStreamTransformer {
  const created = nowSeconds();
  const model = ctx.deployment.model;
  let id = completionId(undefined, ctx.callId);
  let started = false;
  let finished = false;
  const tools = new Map<number, ToolState>();
  let nextToolIndex = 0;

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
    return { id, object: "chat.completion.chunk", created, model, choices: [choice] };
  };

  const usageChunk = (usage: Usage): ChatCompletionChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [],
    usage,
  });

  /** The role chunk comes first, whichever event happens to arrive first. */
  const withStart = (chunks: ChatCompletionChunk[]): ChatCompletionChunk[] => {
    if (started || chunks.length === 0) return chunks;
    started = true;
    return [chunk({ role: "assistant", content: "" }), ...chunks];
  };

  const textDelta = (text: string | null | undefined, thinking: string | null | undefined) => {
    const out: ChatCompletionChunk[] = [];
    if (typeof thinking === "string" && thinking !== "") {
      out.push(chunk({ reasoning_content: thinking }));
    }
    if (typeof text === "string" && text !== "") out.push(chunk({ content: text }));
    return out;
  };

  const onToolCallStart = (data: unknown): ChatCompletionChunk[] => {
    const event = parse(ToolCallStartEventSchema, data);
    const call = event.delta.message.tool_calls;
    const index = nextToolIndex++;
    const args = call.function?.arguments ?? "";
    tools.set(event.index ?? index, { index, sentArguments: args !== "" });
    return [
      chunk({
        tool_calls: [
          {
            index,
            id: call.id,
            type: "function",
            function: { name: call.function?.name ?? "", arguments: args },
          },
        ],
      }),
    ];
  };

  const onToolCallDelta = (data: unknown): ChatCompletionChunk[] => {
    const event = parse(ToolCallDeltaEventSchema, data);
    const fragment = event.delta?.message?.tool_calls?.function?.arguments ?? "";
    const state = tools.get(event.index ?? nextToolIndex - 1);
    if (fragment === "" || state === undefined) return [];
    state.sentArguments = true;
    return [chunk({ tool_calls: [{ index: state.index, function: { arguments: fragment } }] })];
  };

  const onToolCallEnd = (data: unknown): ChatCompletionChunk[] => {
    const event = parse(ToolCallEndEventSchema, data);
    const key = event.index ?? nextToolIndex - 1;
    const state = tools.get(key);
    tools.delete(key);
    if (state === undefined || state.sentArguments) return [];
    return [chunk({ tool_calls: [{ index: state.index, function: { arguments: "{}" } }] })];
  };

  const onMessageEnd = (data: unknown): ChatCompletionChunk[] => {
    const event = parse(MessageEndEventSchema, data);
    const error = event.delta?.error;
    if (typeof error === "string" && error !== "") {
      throw mapCohereError(
        { status: 500, headers: {}, body: JSON.stringify({ message: error }) },
        ctx.deployment,
      );
    }
    finished = true;
    // Calls still open (no `tool-call-end`) are complete as far as Cohere is concerned.
    const out: ChatCompletionChunk[] = [];
    for (const state of tools.values()) {
      if (!state.sentArguments) {
        out.push(chunk({ tool_calls: [{ index: state.index, function: { arguments: "{}" } }] }));
      }
    }
    tools.clear();
    const raw = event.delta?.finish_reason ?? null;
    out.push(chunk({}, mapFinishReason(raw, nextToolIndex > 0), raw));
    const usage = convertUsage(event.delta?.usage);
    if (usage !== undefined) out.push(usageChunk(usage));
    return out;
  };

  return {
    onEvent(event: StreamEvent): ChatCompletionChunk[] {
      if (finished) return [];
      const text = event.data.trim();
      if (text === "" || text === "[DONE]") return [];
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        throw new UpstreamError("cohere sent a stream event that is not JSON", {
          provider: "cohere",
        });
      }
      const type = isRecord(data) && typeof data.type === "string" ? data.type : event.event;

      switch (type) {
        case "message-start": {
          const start = parse(MessageStartEventSchema, data);
          id = completionId(start.id, ctx.callId);
          return startNow();
        }
        case "content-start": {
          const content = parse(ContentStartEventSchema, data).delta?.message?.content;
          return withStart(textDelta(content?.text, content?.thinking));
        }
        case "content-delta": {
          const content = parse(ContentDeltaEventSchema, data).delta?.message?.content;
          return withStart(textDelta(content?.text, content?.thinking));
        }
        case "tool-plan-delta": {
          const plan = parse(ToolPlanDeltaEventSchema, data).delta?.message?.tool_plan;
          return withStart(textDelta(plan, undefined));
        }
        case "tool-call-start":
          return withStart(onToolCallStart(data));
        case "tool-call-delta":
          return withStart(onToolCallDelta(data));
        case "tool-call-end":
          return withStart(onToolCallEnd(data));
        case "message-end":
          return withStart(onMessageEnd(data));
        case undefined:
          // No `type`: Cohere's error body (`{"message": ...}`) sent as an event.
          if (isRecord(data) && typeof data.message === "string") {
            throw mapCohereError({ status: 500, headers: {}, body: text }, ctx.deployment);
          }
          return [];
        default:
          return []; // content-end, citation-start/-end, debug, and later additions
      }
    },

    onEnd(): ChatCompletionChunk[] {
      if (finished) return [];
      throw new UpstreamError("cohere closed the stream before message-end", {
        provider: "cohere",
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

function parse<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  data: unknown,
): T {
  const result = schema.safeParse(data);
  if (!result.success) {
    const type = isRecord(data) && typeof data.type === "string" ? data.type : "unknown";
    throw new UpstreamError(`cohere sent a malformed ${type} event`, { provider: "cohere" });
  }
  return result.data;
}
