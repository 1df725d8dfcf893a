import type { ChatMessage, ToolCall } from "../../openai/chat-request.ts";
import { isRecord } from "../../util/is-record.ts";
import { convertUserContent, textOf } from "./convert-user-content.ts";
import type { OllamaMessage, OllamaToolCall } from "./wire-schemas.ts";

/**
 * OpenAI messages to Ollama `/api/chat` messages. Ollama keeps roles as they are (system
 * messages may sit anywhere), so the mapping is per message:
 * - user content becomes `content` + `images`;
 * - assistant `tool_calls` get their arguments as an object (Ollama's form; `{}` when empty or
 *   not a JSON object), and `reasoning_content` goes back as `thinking`;
 * - tool results carry `tool_name` (looked up from the assistant call with that id, which is
 *   how Ollama matches results) and `tool_call_id`;
 * - the deprecated `function` role is a tool result named by `name`.
 */
export function convertMessages(messages: readonly ChatMessage[]): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  const out: OllamaMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case "system":
      case "developer":
        out.push({ role: "system", content: textOf(message.content) });
        break;
      case "user": {
        const { content, images } = convertUserContent(message.content);
        out.push({ role: "user", content, ...(images.length > 0 ? { images } : {}) });
        break;
      }
      case "assistant": {
        const calls = message.tool_calls ?? [];
        for (const call of calls) toolNames.set(call.id, call.function.name);
        const reasoning = message.reasoning_content;
        out.push({
          role: "assistant",
          content: textOf(message.content),
          ...(typeof reasoning === "string" && reasoning !== "" ? { thinking: reasoning } : {}),
          ...(calls.length > 0 ? { tool_calls: calls.map(convertToolCall) } : {}),
        });
        break;
      }
      case "tool": {
        const name = toolNames.get(message.tool_call_id);
        out.push({
          role: "tool",
          content: textOf(message.content),
          ...(name === undefined ? {} : { tool_name: name }),
          tool_call_id: message.tool_call_id,
        });
        break;
      }
      case "function":
        out.push({ role: "tool", content: message.content ?? "", tool_name: message.name });
        break;
    }
  }
  return out;
}

function convertToolCall(call: ToolCall): OllamaToolCall {
  return { id: call.id, function: { name: call.function.name, arguments: parseArguments(call) } };
}

function parseArguments(call: ToolCall): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(call.function.arguments);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}
