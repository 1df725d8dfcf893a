import type { FakeReply } from "../fake-server/fake-response.ts";
import { anthropicError } from "./anthropic-error.ts";
import { isRecord } from "../fake-server/is-record.ts";

/** Top-level fields of `POST /v1/messages` (SDK `MessageCreateParams`, betas included). */
const KNOWN_FIELDS = new Set([
  "model",
  "max_tokens",
  "messages",
  "system",
  "stop_sequences",
  "stream",
  "temperature",
  "top_p",
  "top_k",
  "tools",
  "tool_choice",
  "thinking",
  "metadata",
  "output_config",
  "service_tier",
  "container",
  "context_management",
  "mcp_servers",
  "inference_geo",
  "cache_control",
]);

const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

export interface ValidationLimits {
  /** The model's maximum `max_tokens`; unchecked when unset. */
  maxOutputTokens?: number;
}

/**
 * The 400s the real API returns for malformed requests, with its messages, so gateway
 * translation bugs surface in tests: missing or extra fields, bad roles, empty text blocks,
 * unanswered `tool_use`, orphan `tool_result`, a trailing-whitespace prefill, out-of-range
 * sampling params, bad thinking budgets, unsupported image types.
 */
export function validateMessagesBody(
  body: unknown,
  limits: ValidationLimits = {},
): FakeReply | undefined {
  const fail = (message: string) => anthropicError(400, { message });
  if (!isRecord(body)) return fail("Request body must be a JSON object");
  for (const field of ["model", "max_tokens", "messages"]) {
    if (body[field] === undefined) return fail(`${field}: Field required`);
  }
  for (const field of Object.keys(body)) {
    if (!KNOWN_FIELDS.has(field)) return fail(`${field}: Extra inputs are not permitted`);
  }
  const maxTokens = body.max_tokens;
  if (typeof maxTokens !== "number" || !Number.isInteger(maxTokens) || maxTokens < 0) {
    return fail("max_tokens: Input should be a valid integer greater than or equal to 0");
  }
  if (limits.maxOutputTokens !== undefined && maxTokens > limits.maxOutputTokens) {
    return fail(
      `max_tokens: ${maxTokens} > ${limits.maxOutputTokens}, which is the maximum allowed number of output tokens for ${String(body.model)}`,
    );
  }
  const temperature = body.temperature;
  if (typeof temperature === "number" && (temperature < 0 || temperature > 1)) {
    return fail(
      `temperature: Input should be ${temperature < 0 ? "greater than or equal to 0" : "less than or equal to 1"}`,
    );
  }

  const thinking = body.thinking;
  if (isRecord(thinking) && thinking.type === "enabled") {
    const budget = thinking.budget_tokens;
    if (typeof budget !== "number" || budget < 1024) {
      return fail("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
    }
    if (maxTokens <= budget) {
      return fail(
        "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size",
      );
    }
  }
  const toolChoice = body.tool_choice;
  if (toolChoice !== undefined && !(Array.isArray(body.tools) && body.tools.length > 0)) {
    return fail("tool_choice may only be specified while providing tools.");
  }
  if (
    isRecord(thinking) &&
    thinking.type !== "disabled" &&
    isRecord(toolChoice) &&
    (toolChoice.type === "any" || toolChoice.type === "tool")
  ) {
    return fail("Thinking may not be enabled when tool_choice forces tool use.");
  }

  const messages = body.messages;
  if (!Array.isArray(messages)) return fail("messages: Input should be a valid list");
  if (messages.length === 0) return fail("messages: at least one message is required");
  return validateMessages(messages, fail);
}

function validateMessages(
  messages: unknown[],
  fail: (message: string) => FakeReply,
): FakeReply | undefined {
  let pendingToolUses: string[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!isRecord(message)) return fail(`messages.${i}: Input should be a valid dictionary`);
    if (message.role !== "user" && message.role !== "assistant") {
      return fail(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    }
    const blocks: unknown[] =
      typeof message.content === "string"
        ? [{ type: "text", text: message.content }]
        : Array.isArray(message.content)
          ? message.content
          : [];
    const isFinalAssistant = i === messages.length - 1 && message.role === "assistant";
    if (blocks.length === 0 && !isFinalAssistant) {
      return fail(
        `messages.${i}: all messages must have non-empty content except for the optional final assistant message`,
      );
    }

    const toolResultIds: string[] = [];
    for (let j = 0; j < blocks.length; j++) {
      const block = blocks[j];
      if (!isRecord(block) || typeof block.type !== "string") {
        return fail(`messages.${i}.content.${j}: Input should be a valid dictionary`);
      }
      if (block.type === "text" && (typeof block.text !== "string" || block.text === "")) {
        if (!(isFinalAssistant && typeof message.content === "string")) {
          return fail("messages: text content blocks must be non-empty");
        }
      }
      if (block.type === "image") {
        const source = block.source;
        if (
          isRecord(source) &&
          source.type === "base64" &&
          !IMAGE_TYPES.has(String(source.media_type))
        ) {
          return fail(
            `messages.${i}.content.${j}.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`,
          );
        }
      }
      if (block.type === "tool_use" && message.role !== "assistant") {
        return fail(
          `messages.${i}.content.${j}: tool_use blocks can only be in assistant messages`,
        );
      }
      if (block.type === "tool_result") {
        if (message.role !== "user") {
          return fail(
            `messages.${i}.content.${j}: tool_result blocks can only be in user messages`,
          );
        }
        const id = String(block.tool_use_id);
        if (!pendingToolUses.includes(id)) {
          return fail(
            `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          );
        }
        toolResultIds.push(id);
      }
    }

    if (pendingToolUses.length > 0) {
      const missing = pendingToolUses.filter((id) => !toolResultIds.includes(id));
      if (missing.length > 0) {
        return fail(
          `messages.${i - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        );
      }
    }
    pendingToolUses =
      message.role === "assistant"
        ? blocks
            .filter((block) => isRecord(block) && block.type === "tool_use")
            .map((block) => String((block as { id: unknown }).id))
        : [];

    if (isFinalAssistant) {
      const last = blocks[blocks.length - 1];
      if (
        isRecord(last) &&
        last.type === "text" &&
        typeof last.text === "string" &&
        /\s$/.test(last.text)
      ) {
        return fail("messages: final assistant content cannot end with trailing whitespace");
      }
    }
  }
  return undefined;
}
