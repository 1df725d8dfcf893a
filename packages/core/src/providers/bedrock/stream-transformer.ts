import { UpstreamError } from "../../errors/gateway-error.ts";
import type { ChatCompletionChunk, ChunkDelta } from "../../openai/chat-chunk.ts";
import type { Usage } from "../../openai/chat-response.ts";
import type { ChatStreamTransformer, RequestContext, StreamEvent } from "../../provider/adapter.ts";
import { completionId } from "../common/openai-ids.ts";
import { convertUsage } from "./convert-usage.ts";
import { jsonModeTool } from "./json-mode.ts";
import { isStreamException, mapStreamException } from "./map-error.ts";
import { finishReasonFor } from "./map-finish-reason.ts";
import {
  ContentBlockDeltaEventSchema,
  ContentBlockStartEventSchema,
  ContentBlockStopEventSchema,
  MessageStopEventSchema,
  MetadataEventSchema,
} from "./wire-schemas.ts";

/** What a Converse content block index turned out to be, once its start event arrived. */
type OpenBlock =
  { kind: "tool"; index: number; sentArguments: boolean } | { kind: "json"; sentContent: boolean };

/**
 * ConverseStream events (decoded from `application/vnd.amazon.eventstream`) to OpenAI chunks:
 * - `messageStart` gives the role chunk;
 * - `contentBlockStart` with `toolUse` gives the tool-call header; the OpenAI index counts tool
 *   blocks only (0, 1, ...), not Converse's `contentBlockIndex`, which also counts text blocks;
 * - `contentBlockDelta` gives `content`, argument fragments (`toolUse.input` is a partial JSON
 *   string) or `reasoning_content`; a tool block that streamed no arguments ends as `"{}"`;
 * - the JSON-mode tool (see json-mode.ts) streams its input as `content` instead;
 * - `messageStop` gives the finish chunk, held until `metadata` brings usage (it usually comes
 *   after), then a usage-only chunk (`choices: []`) whenever usage was reported;
 * - exception frames throw the mapped GatewayError; a stream that ends without `messageStop`
 *   was cut off and throws too.
 * Unknown event types are ignored, so new Converse events do not break old gateways.
 */
export function createBedrockStreamTransformer(
  ctx: RequestContext,
  nowMs: number,
): ChatStreamTransformer {
  const id = completionId(undefined, ctx.callId);
  const created = Math.floor(nowMs / 1000);
  const model = ctx.deployment.model;
  const jsonToolName = jsonModeTool(ctx.request)?.name;

  const blocks = new Map<number, OpenBlock>();
  let nextToolIndex = 0;
  let sentRole = false;
  let jsonAnswered = false;
  let stopReason: string | undefined;
  let usage: Usage | undefined;
  let finished = false;

  const chunk = (choices: ChatCompletionChunk["choices"]): ChatCompletionChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices,
  });

  /** A delta chunk, preceded by the role chunk if it has not gone out yet. */
  const emit = (delta: ChunkDelta): ChatCompletionChunk[] => {
    const out = roleChunk();
    out.push(chunk([{ index: 0, delta, finish_reason: null }]));
    return out;
  };

  const roleChunk = (): ChatCompletionChunk[] => {
    if (sentRole) return [];
    sentRole = true;
    return [chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }])];
  };

  const finish = (): ChatCompletionChunk[] => {
    finished = true;
    const raw = stopReason ?? "end_turn";
    const out = roleChunk();
    out.push(
      chunk([
        {
          index: 0,
          delta: {},
          finish_reason: finishReasonFor(raw, nextToolIndex > 0, jsonAnswered),
          provider_finish_reason: raw,
        },
      ]),
    );
    if (usage !== undefined) out.push({ ...chunk([]), usage });
    return out;
  };

  return {
    onEvent(event: StreamEvent): ChatCompletionChunk[] {
      if (event.event !== undefined && isStreamException(event.event)) {
        throw mapStreamException(event.event, event.data, ctx.deployment);
      }
      if (finished) return [];
      switch (event.event) {
        case "messageStart":
          return roleChunk();

        case "contentBlockStart": {
          const start = ContentBlockStartEventSchema.safeParse(parse(event.data));
          const toolUse = start.success ? start.data.start?.toolUse : undefined;
          if (!start.success || toolUse === undefined) return [];
          if (toolUse.name === jsonToolName && !jsonAnswered) {
            jsonAnswered = true;
            blocks.set(start.data.contentBlockIndex, { kind: "json", sentContent: false });
            return roleChunk();
          }
          const index = nextToolIndex++;
          blocks.set(start.data.contentBlockIndex, { kind: "tool", index, sentArguments: false });
          return emit({
            tool_calls: [
              {
                index,
                id: toolUse.toolUseId,
                type: "function",
                function: { name: toolUse.name, arguments: "" },
              },
            ],
          });
        }

        case "contentBlockDelta": {
          const parsed = ContentBlockDeltaEventSchema.safeParse(parse(event.data));
          if (!parsed.success) return [];
          const { delta, contentBlockIndex } = parsed.data;
          if (delta.text !== undefined)
            return delta.text === "" ? [] : emit({ content: delta.text });
          if (delta.toolUse !== undefined) {
            const block = blocks.get(contentBlockIndex);
            const fragment = delta.toolUse.input;
            if (block === undefined || fragment === "") return [];
            if (block.kind === "json") {
              block.sentContent = true;
              return emit({ content: fragment });
            }
            block.sentArguments = true;
            return emit({
              tool_calls: [{ index: block.index, function: { arguments: fragment } }],
            });
          }
          const reasoning = delta.reasoningContent;
          if (reasoning?.text !== undefined && reasoning.text !== "") {
            return emit({ reasoning_content: reasoning.text });
          }
          // Signatures are not text to show, but a client needs them to send thinking back.
          if (reasoning?.signature !== undefined) {
            return emit({
              thinking_blocks: [{ type: "thinking", thinking: "", signature: reasoning.signature }],
            });
          }
          if (reasoning?.redactedContent !== undefined) {
            return emit({
              thinking_blocks: [{ type: "redacted_thinking", data: reasoning.redactedContent }],
            });
          }
          return [];
        }

        case "contentBlockStop": {
          const stop = ContentBlockStopEventSchema.safeParse(parse(event.data));
          if (!stop.success) return [];
          const block = blocks.get(stop.data.contentBlockIndex);
          blocks.delete(stop.data.contentBlockIndex);
          // A tool without parameters streams `""` or nothing; OpenAI clients expect "{}".
          if (block?.kind === "tool" && !block.sentArguments) {
            return emit({ tool_calls: [{ index: block.index, function: { arguments: "{}" } }] });
          }
          if (block?.kind === "json" && !block.sentContent) return emit({ content: "{}" });
          return [];
        }

        case "messageStop": {
          const stop = MessageStopEventSchema.safeParse(parse(event.data));
          stopReason = stop.success ? stop.data.stopReason : "end_turn";
          return usage === undefined ? [] : finish();
        }

        case "metadata": {
          const metadata = MetadataEventSchema.safeParse(parse(event.data));
          if (metadata.success && metadata.data.usage) usage = convertUsage(metadata.data.usage);
          return stopReason === undefined ? [] : finish();
        }

        default:
          return [];
      }
    },

    onEnd(): ChatCompletionChunk[] {
      if (finished) return [];
      if (stopReason !== undefined) return finish();
      throw new UpstreamError("Bedrock closed the stream before messageStop", {
        provider: "bedrock",
        code: "stream_truncated",
      });
    },
  };
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new UpstreamError("Bedrock sent a stream event that is not JSON", {
      provider: "bedrock",
    });
  }
}
