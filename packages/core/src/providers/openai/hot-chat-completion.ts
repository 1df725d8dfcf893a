import type { ChatCompletion } from "../../openai/chat-response.ts";

/**
 * A hand-written check of the common shape of a non-streamed chat completion, in place of
 * `ChatCompletionSchema.safeParse` on every answer (zod's object parse was the largest single
 * cost of reading an upstream answer, issue 22). Returns what the schema would return (a copy
 * with the schema's keys first in its order, unknown keys after them, as zod's `looseObject`
 * writes them), or `undefined` when the payload is not the plain shape checked here: anything
 * unusual (tool calls, a non-null `logprobs`, a bad field) goes to the schema, which stays the
 * one judge of malformed answers and writes their error messages.
 *
 * Expects `finish_reason` already normalized and a missing `content` already set to null
 * (parseOpenAICompletion does both first). Must never accept what the schema rejects:
 * hot-chat-completion.test.ts compares the two on every shape it knows.
 */
export function hotChatCompletion(payload: unknown): ChatCompletion | undefined {
  if (!isPlain(payload)) return undefined;
  if (
    typeof payload.id !== "string" ||
    payload.object !== "chat.completion" ||
    !isFiniteNumber(payload.created) ||
    typeof payload.model !== "string" ||
    !optionalNullableString(payload.system_fingerprint) ||
    !optionalNullableString(payload.service_tier)
  ) {
    return undefined;
  }
  const rawChoices = payload.choices;
  if (!Array.isArray(rawChoices)) return undefined;
  const choices: unknown[] = new Array(rawChoices.length);
  for (let i = 0; i < rawChoices.length; i++) {
    const choice = hotChoice(rawChoices[i]);
    if (choice === undefined) return undefined;
    choices[i] = choice;
  }
  let usage: unknown;
  if (payload.usage !== undefined) {
    usage = hotUsage(payload.usage);
    if (usage === undefined) return undefined;
  }
  const out = copyKnown(payload, COMPLETION_KEYS, COMPLETION_KEY_SET);
  out.choices = choices;
  if (usage !== undefined) out.usage = usage;
  return out as ChatCompletion;
}

const COMPLETION_KEYS = [
  "id",
  "object",
  "created",
  "model",
  "choices",
  "usage",
  "system_fingerprint",
  "service_tier",
] as const;
const COMPLETION_KEY_SET: ReadonlySet<string> = new Set(COMPLETION_KEYS);

const CHOICE_KEYS = ["index", "message", "finish_reason", "logprobs"] as const;
const CHOICE_KEY_SET: ReadonlySet<string> = new Set(CHOICE_KEYS);

const MESSAGE_KEYS = [
  "role",
  "content",
  "refusal",
  "tool_calls",
  "reasoning_content",
  "annotations",
  "audio",
] as const;
const MESSAGE_KEY_SET: ReadonlySet<string> = new Set(MESSAGE_KEYS);

const USAGE_KEYS = [
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
  "prompt_tokens_details",
  "completion_tokens_details",
] as const;
const USAGE_KEY_SET: ReadonlySet<string> = new Set(USAGE_KEYS);

const PROMPT_DETAILS_KEYS = ["cached_tokens", "audio_tokens", "cache_creation_tokens"] as const;
const PROMPT_DETAILS_KEY_SET: ReadonlySet<string> = new Set(PROMPT_DETAILS_KEYS);

const COMPLETION_DETAILS_KEYS = [
  "reasoning_tokens",
  "audio_tokens",
  "accepted_prediction_tokens",
  "rejected_prediction_tokens",
] as const;
const COMPLETION_DETAILS_KEY_SET: ReadonlySet<string> = new Set(COMPLETION_DETAILS_KEYS);

const FINISH_REASONS: ReadonlySet<unknown> = new Set([
  "stop",
  "length",
  "tool_calls",
  "content_filter",
  "function_call",
  null,
]);

function hotChoice(value: unknown): Record<string, unknown> | undefined {
  if (!isPlain(value)) return undefined;
  // logprobs (an object to check) is rare: left to the schema.
  if (
    !isFiniteNumber(value.index) ||
    !FINISH_REASONS.has(value.finish_reason) ||
    (value.logprobs !== undefined && value.logprobs !== null)
  ) {
    return undefined;
  }
  const message = value.message;
  if (!isPlain(message)) return undefined;
  // Tool calls (their own schema) are left to the schema.
  if (
    message.role !== "assistant" ||
    !nullableString(message.content) ||
    !optionalNullableString(message.refusal) ||
    message.tool_calls !== undefined ||
    !optionalNullableString(message.reasoning_content) ||
    (message.annotations !== undefined && !Array.isArray(message.annotations))
  ) {
    return undefined;
  }
  const outMessage = copyKnown(message, MESSAGE_KEYS, MESSAGE_KEY_SET);
  // z.array() returns a new array (its elements, z.unknown(), as they are).
  if (Array.isArray(message.annotations)) outMessage.annotations = message.annotations.slice();
  const out = copyKnown(value, CHOICE_KEYS, CHOICE_KEY_SET);
  out.message = outMessage;
  return out;
}

function hotUsage(value: unknown): Record<string, unknown> | undefined {
  if (
    !isPlain(value) ||
    !isFiniteNumber(value.prompt_tokens) ||
    !isFiniteNumber(value.completion_tokens) ||
    !isFiniteNumber(value.total_tokens)
  ) {
    return undefined;
  }
  const prompt = hotDetails(
    value.prompt_tokens_details,
    PROMPT_DETAILS_KEYS,
    PROMPT_DETAILS_KEY_SET,
  );
  if (prompt === false) return undefined;
  const completion = hotDetails(
    value.completion_tokens_details,
    COMPLETION_DETAILS_KEYS,
    COMPLETION_DETAILS_KEY_SET,
  );
  if (completion === false) return undefined;
  const out = copyKnown(value, USAGE_KEYS, USAGE_KEY_SET);
  if (prompt !== undefined) out.prompt_tokens_details = prompt;
  if (completion !== undefined) out.completion_tokens_details = completion;
  return out;
}

/** A `*_tokens_details` object: optional numbers; `false` when off the shape. */
function hotDetails(
  value: unknown,
  keys: readonly string[],
  keySet: ReadonlySet<string>,
): Record<string, unknown> | null | undefined | false {
  if (value === undefined || value === null) return value;
  if (!isPlain(value)) return false;
  for (const key of keys) {
    const field = value[key];
    if (field !== undefined && !isFiniteNumber(field)) return false;
  }
  return copyKnown(value, keys, keySet);
}

/**
 * A copy as zod's looseObject writes it: the schema's keys present in `value`, in the schema's
 * order, then the other keys in their own order; an undeclared `__proto__` is dropped (zod does
 * not copy it, as assigning it would replace the copy's prototype).
 */
function copyKnown(
  value: Record<string, unknown>,
  keys: readonly string[],
  keySet: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (Object.hasOwn(value, key)) out[key] = value[key];
  }
  for (const key in value) {
    if (!keySet.has(key) && key !== "__proto__") out[key] = value[key];
  }
  return out;
}

/** A plain object straight from JSON.parse (not null, not an array). */
function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value);
}

function nullableString(value: unknown): boolean {
  return value === null || typeof value === "string";
}

function optionalNullableString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === "string";
}
