import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatMessage, ToolCall } from "../../openai/chat-request.ts";
import { convertToolResult } from "./convert-tool-result.ts";
import { convertUserContent, textOf } from "./convert-user-content.ts";
import type { CohereMessage, CohereToolCall } from "./wire-schemas.ts";

/**
 * OpenAI messages to Cohere v2 messages (docs §7). The roles map one to one, except that:
 * - system and developer messages are hoisted, in order, into one leading `system` message
 *   (Cohere wants the system turn first: "system turn must be the first in the list");
 * - an assistant turn with tool calls carries its text as `tool_plan`, which is where Cohere
 *   puts the text it writes before calling tools (and where the adapter reads it back from);
 * - an assistant turn with neither text nor tool calls is dropped (Cohere rejects empty turns);
 * - tool results become `document` content (see convertToolResult).
 */
export function convertMessages(messages: readonly ChatMessage[]): CohereMessage[] {
  const system: string[] = [];
  const out: CohereMessage[] = [];

  for (const message of messages) {
    switch (message.role) {
      case "system":
      case "developer": {
        const text = textOf(message.content);
        if (text !== "") system.push(text);
        break;
      }
      case "user":
        out.push({ role: "user", content: convertUserContent(message.content) });
        break;
      case "assistant": {
        const text = textOf(message.content);
        const toolCalls = (message.tool_calls ?? []).map(convertToolCall);
        if (toolCalls.length > 0) {
          out.push({
            role: "assistant",
            ...(text === "" ? {} : { tool_plan: text }),
            tool_calls: toolCalls,
          });
        } else if (text !== "") {
          out.push({ role: "assistant", content: text });
        }
        break;
      }
      case "tool":
        out.push({
          role: "tool",
          tool_call_id: message.tool_call_id,
          content: convertToolResult(message.content),
        });
        break;
      case "function":
        throw new InvalidRequestError(
          "cohere does not support the deprecated `function` role; send tool calls and `tool` " +
            "messages instead",
          { param: "messages", code: "unsupported_message_role", provider: "cohere" },
        );
    }
  }

  return system.length > 0 ? [{ role: "system", content: system.join("\n\n") }, ...out] : out;
}

/** An empty argument string is sent as `{}`: Cohere parses the arguments of replayed calls. */
function convertToolCall(call: ToolCall): CohereToolCall {
  const args = call.function.arguments.trim();
  return {
    id: call.id,
    type: "function",
    function: { name: call.function.name, arguments: args === "" ? "{}" : call.function.arguments },
  };
}
