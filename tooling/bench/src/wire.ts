import {
  anthropicRequestBody,
  isExpectedAnthropicMessage,
  isExpectedAnthropicStream,
} from "./anthropic-payloads.ts";
import {
  EXPECTED_STREAM_TEXT,
  isExpectedCompletion,
  readStreamText,
  requestBody,
} from "./payloads.ts";

/**
 * Which API a target speaks: every target takes OpenAI chat completions except the translation
 * path's direct reference, the fake's Anthropic /v1/messages called as the gateway calls it.
 */
export type Wire = "openai" | "anthropic";

/** The bench's one conversation in the target's API. */
export function requestBodyFor(wire: Wire, model: string, stream: boolean): string {
  return wire === "anthropic" ? anthropicRequestBody(stream) : requestBody(model, stream);
}

/**
 * Whether a 200's body is the fake's answer in the target's API: the nonce'd sentence whole, or
 * (streaming) its pieces in order and the stream's end ([DONE] / message_stop).
 */
export function isExpectedAnswer(wire: Wire, stream: boolean, body: string): boolean {
  if (wire === "anthropic")
    return stream ? isExpectedAnthropicStream(body) : isExpectedAnthropicMessage(body);
  if (!stream) return isExpectedCompletion(body);
  const { text, done } = readStreamText(body);
  return done && text === EXPECTED_STREAM_TEXT;
}
