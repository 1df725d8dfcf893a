import type { FinishReason } from "../../openai/chat-response.ts";

/**
 * Gemini `finishReason` (or a prompt `blockReason`) to OpenAI's, per wire-formats §11.5 (based
 * on LiteLLM's map). Gemini has no tool-specific reason: a function call ends with `STOP`, so
 * the caller says whether the candidate made one.
 *
 * - `MAX_TOKENS` is `length`;
 * - safety-type stops (SAFETY, RECITATION, LANGUAGE, OTHER, BLOCKLIST, PROHIBITED_CONTENT, SPII,
 *   IMAGE_*, NO_IMAGE, and every prompt block reason) are `content_filter`;
 * - STOP, FINISH_REASON_UNSPECIFIED and the tool-call failures (MALFORMED_FUNCTION_CALL,
 *   UNEXPECTED_TOOL_CALL, TOO_MANY_TOOL_CALLS) are `stop`: the raw value stays on the choice as
 *   `provider_finish_reason` for logs;
 * - an unknown future value is `stop`.
 */
const CONTENT_FILTER_REASONS = new Set([
  "SAFETY",
  "RECITATION",
  "LANGUAGE",
  "OTHER",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
  "IMAGE_OTHER",
  "NO_IMAGE",
]);

export function mapFinishReason(reason: string, hasFunctionCall: boolean): FinishReason {
  if (reason === "MAX_TOKENS") return "length";
  if (CONTENT_FILTER_REASONS.has(reason)) return "content_filter";
  if (reason === "STOP" && hasFunctionCall) return "tool_calls";
  return "stop";
}
