import { UpstreamError } from "../../errors/gateway-error.ts";
import type { ChatCompletionChunk, ChunkDelta } from "../../openai/chat-chunk.ts";
import type { ChatStreamTransformer, RequestContext, StreamEvent } from "../../provider/adapter.ts";
import { convertLogprobs } from "./convert-logprobs.ts";
import { convertUsage } from "./convert-usage.ts";
import { mapFinishReason } from "./map-finish-reason.ts";
import { parseGeminiPayload } from "./parse-gemini-payload.ts";
import { readCandidateParts } from "./read-candidate-parts.ts";
import { responseIdentity, type ResponseIdentity } from "../common/openai-ids.ts";
import type { GeminiUsageMetadata } from "./wire-schemas.ts";

type ChunkChoice = ChatCompletionChunk["choices"][number];

interface CandidateState {
  /** Tool calls sent so far: the next call's OpenAI `index`. */
  toolCalls: number;
  finished: boolean;
}

/**
 * Turns `streamGenerateContent?alt=sse` events into OpenAI chunks (wire-formats §5.2, §11.3).
 * Each event is a whole `GenerateContentResponse` holding only the new parts:
 * - a candidate's first chunk carries `role: "assistant"`; text parts give `content`,
 *   `thought` parts `reasoning_content`;
 * - a `functionCall` arrives whole, so it becomes one complete tool-call delta (id, name and
 *   all arguments) with `index` counting that candidate's calls;
 * - `finishReason` gives a separate finish chunk (`tool_calls` when the candidate called a
 *   function, since Gemini ends calls with STOP), the raw value as `provider_finish_reason`;
 * - `usageMetadata` is cumulative and repeated: the last one seen becomes one usage-only chunk
 *   (`choices: []`) when the stream ends;
 * - a blocked prompt (`promptFeedback.blockReason`, no candidates) is a `content_filter` finish;
 * - an `{"error": ...}` event throws the mapped GatewayError.
 * There is no `[DONE]`: a stream that closes before every started candidate has a finishReason
 * was cut off, and `onEnd` throws rather than let it look complete.
 */
export function createStreamTransformer(ctx: RequestContext): ChatStreamTransformer {
  const { deployment } = ctx;
  const candidates = new Map<number, CandidateState>();
  let identity: ResponseIdentity | undefined;
  let usage: GeminiUsageMetadata | undefined;
  let blocked = false;

  const chunk = (choices: ChunkChoice[]): ChatCompletionChunk => {
    const { id, created, model } = identity as ResponseIdentity;
    return { id, object: "chat.completion.chunk", created, model, choices };
  };

  return {
    onEvent(event: StreamEvent): ChatCompletionChunk[] {
      const data = event.data.trim();
      if (data === "") return [];
      const payload = parseGeminiPayload(data, deployment);
      identity ??= responseIdentity(payload.responseId, ctx.callId, deployment.model);
      if (payload.usageMetadata !== undefined) usage = payload.usageMetadata;

      const chunks: ChatCompletionChunk[] = [];
      const ordered = [...(payload.candidates ?? [])].sort(
        (a, b) => (a.index ?? 0) - (b.index ?? 0),
      );
      for (const candidate of ordered) {
        const index = candidate.index ?? 0;
        let state = candidates.get(index);
        const isFirst = state === undefined;
        if (state === undefined) {
          state = { toolCalls: 0, finished: false };
          candidates.set(index, state);
        }
        if (state.finished) continue;

        const { text, reasoning, toolCalls } = readCandidateParts(candidate.content?.parts);
        const delta: ChunkDelta = isFirst ? { role: "assistant" } : {};
        if (reasoning !== "") delta.reasoning_content = reasoning;
        if (text !== "") delta.content = text;
        if (toolCalls.length > 0) {
          const first = state.toolCalls;
          delta.tool_calls = toolCalls.map((call, offset) => ({ index: first + offset, ...call }));
          state.toolCalls += toolCalls.length;
        }
        if (Object.keys(delta).length > 0) {
          if (isFirst && delta.content === undefined) delta.content = "";
          const logprobs = convertLogprobs(candidate.logprobsResult);
          chunks.push(
            chunk([
              { index, delta, finish_reason: null, ...(logprobs === null ? {} : { logprobs }) },
            ]),
          );
        }

        const raw = candidate.finishReason;
        if (raw !== undefined) {
          state.finished = true;
          chunks.push(
            chunk([
              {
                index,
                delta: {},
                finish_reason: mapFinishReason(raw, state.toolCalls > 0),
                provider_finish_reason: raw,
              },
            ]),
          );
        }
      }

      const blockReason = payload.promptFeedback?.blockReason;
      if (ordered.length === 0 && blockReason !== undefined && !blocked && candidates.size === 0) {
        blocked = true;
        chunks.push(
          chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]),
          chunk([
            {
              index: 0,
              delta: {},
              finish_reason: "content_filter",
              provider_finish_reason: blockReason,
            },
          ]),
        );
      }
      return chunks;
    },

    onEnd(): ChatCompletionChunk[] {
      const finished =
        blocked ||
        (candidates.size > 0 && [...candidates.values()].every((state) => state.finished));
      if (!finished) {
        throw new UpstreamError(`${deployment.provider} closed the stream before it finished`, {
          provider: deployment.provider,
          code: "stream_truncated",
        });
      }
      if (usage === undefined || identity === undefined) return [];
      return [{ ...chunk([]), usage: convertUsage(usage) }];
    },
  };
}
