import type { FakeReply } from "../fake-server/fake-response.ts";
import { isRecord } from "../fake-server/is-record.ts";
import {
  extraForbidden,
  mistralError,
  mistralToolCallIdError,
  mistralValidationError,
  type MistralValidationIssue,
} from "./mistral-error.ts";

/** Top-level fields of Mistral's chat request (docs.mistral.ai/api, client-python models). */
const CHAT_FIELDS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "temperature",
  "top_p",
  "max_tokens",
  "stream",
  "stop",
  "random_seed",
  "metadata",
  "response_format",
  "tools",
  "tool_choice",
  "presence_penalty",
  "frequency_penalty",
  "n",
  "prediction",
  "parallel_tool_calls",
  "reasoning_effort",
  "prompt_mode",
  "guardrails",
  "prompt_cache_key",
  "safe_prompt",
]);

const MESSAGE_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  system: new Set(["role", "content"]),
  user: new Set(["role", "content"]),
  assistant: new Set(["role", "content", "tool_calls", "prefix"]),
  tool: new Set(["role", "content", "tool_call_id", "name"]),
};

const EMBEDDING_FIELDS: ReadonlySet<string> = new Set([
  "model",
  "input",
  "metadata",
  "output_dimension",
  "output_dtype",
  "encoding_format",
]);

const TOOL_CALL_ID = /^[a-zA-Z0-9]{9}$/;

/**
 * Mistral's request validation, which is strict where OpenAI's is lax: unknown fields (top
 * level or in a message) are a 422 `extra_forbidden`, tool-call ids must be 9 alphanumerics,
 * and a conversation may only end with an assistant message marked `prefix: true`.
 * Returns the error to answer with, or undefined when the body is acceptable.
 */
export function validateMistralChatBody(body: Record<string, unknown>): FakeReply | undefined {
  const issues: MistralValidationIssue[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (!CHAT_FIELDS.has(key)) issues.push(extraForbidden(["body", key], value));
  }
  const messages = Array.isArray(body.messages) ? body.messages : [];
  messages.forEach((message: unknown, i) => {
    if (!isRecord(message) || typeof message.role !== "string") return;
    const allowed = MESSAGE_FIELDS[message.role];
    if (allowed === undefined) return;
    for (const [key, value] of Object.entries(message)) {
      if (!allowed.has(key))
        issues.push(extraForbidden(["body", "messages", i, message.role, key], value));
    }
  });
  if (issues.length > 0) return mistralValidationError(issues);

  for (const message of messages) {
    if (!isRecord(message)) continue;
    const ids = [
      ...(Array.isArray(message.tool_calls)
        ? message.tool_calls.map((call: unknown) => (isRecord(call) ? call.id : undefined))
        : []),
      ...(message.role === "tool" ? [message.tool_call_id] : []),
    ];
    for (const id of ids) {
      if (typeof id === "string" && !TOOL_CALL_ID.test(id)) return mistralToolCallIdError(id);
    }
  }
  const last = messages.at(-1);
  if (isRecord(last) && last.role === "assistant" && last.prefix !== true) {
    return mistralError(400, {
      message:
        "Expected last role User or Tool (or Assistant with prefix True) for serving but got assistant",
      type: "invalid_request_message_error",
      code: "3230",
    });
  }
  return undefined;
}

export function validateMistralEmbeddingBody(body: Record<string, unknown>): FakeReply | undefined {
  const issues = Object.entries(body)
    .filter(([key]) => !EMBEDDING_FIELDS.has(key))
    .map(([key, value]) => extraForbidden(["body", key], value));
  return issues.length > 0 ? mistralValidationError(issues) : undefined;
}
