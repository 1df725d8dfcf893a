import { GatewayError, UpstreamError } from "../../errors/gateway-error.ts";
import type { ChatCompletionChunk } from "../../openai/chat-chunk.ts";
import type { ChatStreamTransformer, StreamEvent } from "../../provider/adapter.ts";
import { isRecord } from "../../util/is-record.ts";
import { statusOfErrorPayload } from "./map-error.ts";
import { normalizeFinishReason } from "./map-finish-reason.ts";

export interface OpenAIStreamTransformerOptions {
  provider: string;
  /** Maps an error payload found inside the stream (after HTTP 200). */
  mapError(status: number, body: string): GatewayError;
}

/**
 * OpenAI's SSE stream is already made of OpenAI chunks: this parses each `data:`, stops at
 * `[DONE]` (later events are ignored, as openai-node does), turns error events into thrown
 * errors, and notices a stream that was cut off.
 */
export function createOpenAIStreamTransformer(
  options: OpenAIStreamTransformerOptions,
): ChatStreamTransformer {
  let done = false;
  let sawFinish = false;

  return {
    onEvent(event: StreamEvent): ChatCompletionChunk[] {
      if (done) return [];
      const data = event.data.trim();
      if (data === "[DONE]") {
        done = true;
        return [];
      }
      if (event.event === "error") throw options.mapError(500, data);
      if (data === "" || event.event === "ping") return [];

      let payload: unknown;
      try {
        payload = JSON.parse(data);
      } catch {
        throw new UpstreamError(`${options.provider} sent a stream event that is not JSON`, {
          provider: options.provider,
        });
      }
      if (!isRecord(payload)) return [];
      if (payload.error !== undefined && payload.error !== null) {
        throw options.mapError(statusOfErrorPayload(payload), data);
      }
      if (payload.object === "error") throw options.mapError(statusOfErrorPayload(payload), data);
      if (!Array.isArray(payload.choices)) return [];

      for (const choice of payload.choices as unknown[]) {
        if (
          !isRecord(choice) ||
          choice.finish_reason === null ||
          choice.finish_reason === undefined
        ) {
          continue;
        }
        choice.finish_reason = normalizeFinishReason(choice.finish_reason);
        sawFinish = true;
      }
      return [payload as ChatCompletionChunk];
    },

    onEnd(): ChatCompletionChunk[] {
      // A stream that reached a finish_reason but lost `[DONE]` (or its usage chunk) delivered
      // the whole answer; one with neither was cut off and must not look like a success.
      if (!done && !sawFinish) {
        throw new UpstreamError(`${options.provider} closed the stream before it finished`, {
          provider: options.provider,
          code: "stream_truncated",
        });
      }
      return [];
    },
  };
}
