import { UpstreamError, type GatewayError } from "../../errors/gateway-error.ts";
import {
  ChatCompletionSchema,
  UsageSchema,
  type ChatCompletion,
} from "../../openai/chat-response.ts";
import { isRecord } from "../../util/is-record.ts";
import { hotChatCompletion } from "./hot-chat-completion.ts";
import { statusOfErrorPayload } from "./map-error.ts";
import { normalizeFinishReason } from "./map-finish-reason.ts";

/**
 * Parses a non-streamed chat completion. An error object inside a 200 (vLLM, OpenRouter) is an
 * error, not an empty answer. Small compat-family deviations are smoothed before validation:
 * unknown finish reasons, and a message without `content`.
 */
export function parseOpenAICompletion(
  body: string,
  provider: string,
  mapError: (status: number, body: string) => GatewayError,
): ChatCompletion {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    throw new UpstreamError(`${provider} returned a response that is not JSON`, { provider });
  }
  if (isRecord(payload) && (isRecord(payload.error) || payload.object === "error")) {
    throw mapError(statusOfErrorPayload(payload), body);
  }
  if (isRecord(payload) && Array.isArray(payload.choices)) {
    for (const choice of payload.choices as unknown[]) {
      if (!isRecord(choice)) continue;
      choice.finish_reason = normalizeFinishReason(choice.finish_reason);
      if (isRecord(choice.message) && choice.message.content === undefined) {
        choice.message.content = null;
      }
    }
  }
  // The common shape is checked by hand; anything else (and every malformed answer, with its
  // error message) goes through the schema.
  const hot = hotChatCompletion(payload);
  if (hot !== undefined) return hot;
  // Usage the upstream got wrong (nulls, strings, a count left out) must not cost the client
  // the answer it was sent (a 502, and nothing charged): it is dropped, and the router charges
  // its own count of the answer, as for usage left out (usable-usage.ts). Off the hot path.
  if (isRecord(payload) && payload.usage !== undefined) {
    if (!UsageSchema.safeParse(payload.usage).success) delete payload.usage;
  }
  const result = ChatCompletionSchema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where =
      issue === undefined ? "" : ` at ${issue.path.join(".") || "<root>"}: ${issue.message}`;
    throw new UpstreamError(`${provider} returned an invalid chat completion${where}`, {
      provider,
    });
  }
  return result.data;
}
