import { isRecord } from "../../util/is-record.ts";
import { toMistralToolCallId } from "./tool-call-id.ts";

/**
 * OpenAI messages as Mistral accepts them. Mistral validates messages strictly (pydantic
 * `extra_forbidden`: a 422 for any field it does not know), so each message is rebuilt from the
 * fields Mistral documents for its role rather than forwarded:
 * - system: `role`, `content` (`developer` is sent as `system`: Mistral has no developer role);
 * - user: `role`, `content` (text, image_url and file parts, rebuilt the same way);
 * - assistant: `role`, `content`, `tool_calls` (`id`, `type`, `function`), `prefix`. `name`,
 *   `refusal`, `reasoning_content` and friends are dropped; an assistant message with neither
 *   content nor tool calls is left out (Mistral rejects it);
 * - tool: `role`, `content`, `tool_call_id`, and `name` when not empty (legacy `function`
 *   messages become tool messages).
 * Tool-call ids are mapped to Mistral's 9-character form. A conversation that ends with an
 * assistant message is a prefill, which Mistral only accepts with `prefix: true`.
 */
export function convertMistralMessages(messages: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const message of messages) {
    if (!isRecord(message)) {
      out.push(message);
      continue;
    }
    const converted = convertMessage(message);
    if (converted !== undefined) out.push(converted);
  }
  const last = out.at(-1);
  if (isRecord(last) && last.role === "assistant" && last.tool_calls === undefined) {
    last.prefix = true;
  }
  return out;
}

function convertMessage(message: Record<string, unknown>): Record<string, unknown> | undefined {
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", content: convertContent(message.content) };
    case "user":
      return { role: "user", content: convertContent(message.content) };
    case "assistant":
      return convertAssistant(message);
    case "tool":
      return {
        role: "tool",
        content: convertContent(message.content),
        tool_call_id: toMistralToolCallId(String(message.tool_call_id ?? "")),
        ...nonEmptyName(message.name),
      };
    case "function":
      return {
        role: "tool",
        content: convertContent(message.content),
        ...nonEmptyName(message.name),
      };
    default:
      return message;
  }
}

function convertAssistant(message: Record<string, unknown>): Record<string, unknown> | undefined {
  const toolCalls = Array.isArray(message.tool_calls)
    ? message.tool_calls.filter(isRecord).map((call) => ({
        id: toMistralToolCallId(String(call.id ?? "")),
        type: "function",
        function: call.function,
      }))
    : [];
  const content = convertContent(message.content);
  const hasContent =
    content !== null &&
    content !== undefined &&
    content !== "" &&
    !(Array.isArray(content) && content.length === 0);
  if (!hasContent && toolCalls.length === 0) return undefined;
  return {
    role: "assistant",
    ...(hasContent ? { content } : {}),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(message.prefix === true ? { prefix: true } : {}),
  };
}

/** Content parts with only the fields Mistral's chunk types have. */
function convertContent(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  return content.map((part: unknown) => {
    if (!isRecord(part)) return part;
    switch (part.type) {
      case "text":
        return { type: "text", text: part.text };
      case "image_url":
        return { type: "image_url", image_url: part.image_url };
      case "file":
        // Mistral's file chunk references an uploaded file by `file_id` at the top level.
        return isRecord(part.file) && typeof part.file.file_id === "string"
          ? { type: "file", file_id: part.file.file_id }
          : part;
      default:
        return part;
    }
  });
}

function nonEmptyName(name: unknown): { name?: string } {
  return typeof name === "string" && name.trim() !== "" ? { name } : {};
}
