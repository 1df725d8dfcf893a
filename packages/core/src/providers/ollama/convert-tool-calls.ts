import type { ToolCall } from "../../openai/chat-request.ts";
import { toolCallIdFor } from "./tool-call-id.ts";
import type { OllamaWireToolCall } from "./wire-schemas.ts";

/**
 * An Ollama tool call to OpenAI's: `arguments` is an object on the wire and becomes its JSON
 * text (`"{}"` when missing, never `""`); the id is Ollama's when it sends one, else minted.
 */
export function toOpenAIToolCall(call: OllamaWireToolCall): ToolCall {
  const args = call.function.arguments;
  const text =
    typeof args === "string" ? (args.trim() === "" ? "{}" : args) : JSON.stringify(args ?? {});
  return {
    id: toolCallIdFor(call.id),
    type: "function",
    function: { name: call.function.name, arguments: text },
  };
}
