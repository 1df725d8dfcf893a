import type { FakeReply } from "../fake-server/fake-response.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { cohereError } from "./cohere-error.ts";
import { isRecord } from "../fake-server/is-record.ts";

export interface CohereChatCall {
  body: Record<string, unknown>;
  model: string;
  messages: Record<string, unknown>[];
  stream: boolean;
}

/** Top-level fields of the v2 chat request (cohere-typescript V2ChatRequest, plus `stream`). */
const KNOWN_FIELDS = new Set([
  "model",
  "messages",
  "stream",
  "tools",
  "strict_tools",
  "documents",
  "citation_options",
  "response_format",
  "safety_mode",
  "max_tokens",
  "stop_sequences",
  "temperature",
  "seed",
  "frequency_penalty",
  "presence_penalty",
  "k",
  "p",
  "logprobs",
  "tool_choice",
  "thinking",
  "priority",
]);

/**
 * Validates a `POST /v2/chat` body the way Cohere does, so an adapter that sends something
 * Cohere would refuse fails here too. Messages quoted from Cohere's error reference where it
 * lists them; the unknown-field and range messages are the fake's own wording.
 */
export function readChatRequest(req: RecordedRequest): CohereChatCall | FakeReply {
  const body = req.json;
  if (!isRecord(body)) return cohereError(400, "invalid json syntax: invalid character in body");
  for (const field of Object.keys(body)) {
    if (!KNOWN_FIELDS.has(field))
      return cohereError(400, `invalid request: unknown field "${field}"`);
  }
  if (typeof body.model !== "string" || body.model === "") {
    return cohereError(400, "a model parameter is required for this endpoint.");
  }
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0 || !messages.every(isRecord)) {
    return cohereError(400, "invalid request: messages must be a non-empty list of messages.");
  }
  const callIds = new Set<string>();
  for (const [index, message] of messages.entries()) {
    switch (message.role) {
      case "system":
        if (index !== 0) return cohereError(400, "system turn must be the first in the list");
        break;
      case "user":
        if (
          message.content === "" ||
          (Array.isArray(message.content) && message.content.length === 0)
        ) {
          return cohereError(400, "message must not be empty in a turn");
        }
        break;
      case "assistant":
        for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
          if (!isRecord(call) || call.type !== "function") {
            return cohereError(400, "tool call must be of type function");
          }
          if (typeof call.id === "string") callIds.add(call.id);
        }
        break;
      case "tool":
        if (typeof message.tool_call_id !== "string" || message.tool_call_id === "") {
          return cohereError(400, "tool call id must be provided with tool message");
        }
        if (!callIds.has(message.tool_call_id)) {
          return cohereError(400, "tool call id not found in previous tool calls");
        }
        break;
      default:
        return cohereError(
          400,
          `invalid request: invalid role at index ${index}. Role must be one of the following: system, user, assistant, tool`,
        );
    }
  }
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 5) {
    return cohereError(400, "invalid request: stop_sequences can contain at most 5 sequences.");
  }
  if (typeof body.p === "number" && (body.p < 0.01 || body.p > 0.99)) {
    return cohereError(400, "invalid request: p must be between 0.01 and 0.99 inclusive.");
  }
  if (typeof body.temperature === "number" && body.temperature < 0) {
    return cohereError(400, "invalid request: temperature must be a non-negative number.");
  }
  return { body, model: body.model, messages, stream: body.stream === true };
}
