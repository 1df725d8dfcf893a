import { isRecord } from "../../util/is-record.ts";
import { chatCompletionIdFromCmpl } from "../common/openai-ids.ts";
import { splitMistralContent } from "./convert-content.ts";
import { toOpenAIToolCall } from "./convert-tool-call.ts";

/**
 * A non-streamed Mistral completion as OpenAI's, before validation: chunk-array `content`
 * (magistral) becomes text plus `reasoning_content`, tool calls get `type` and string
 * arguments (and `tool_calls: null` is removed), `content: ""` beside tool calls becomes null (as OpenAI sends it), and the id gets
 * the `chatcmpl-` form. Returns true: the id alone always changes the payload.
 */
export function fixMistralCompletion(payload: Record<string, unknown>): boolean {
  if (typeof payload.id === "string") payload.id = chatCompletionIdFromCmpl(payload.id);
  if (!Array.isArray(payload.choices)) return true;
  for (const choice of payload.choices) {
    if (!isRecord(choice) || !isRecord(choice.message)) continue;
    const message = choice.message;
    if (Array.isArray(message.content)) {
      const { text, reasoning } = splitMistralContent(message.content);
      message.content = text;
      if (reasoning !== undefined) message.reasoning_content = reasoning;
    }
    // Mistral sends `tool_calls: null` on plain answers; OpenAI leaves the field out.
    if (message.tool_calls === null) delete message.tool_calls;
    if (Array.isArray(message.tool_calls)) {
      const toolCalls = message.tool_calls.map(toOpenAIToolCall);
      message.tool_calls = toolCalls;
      if (toolCalls.length > 0 && message.content === "") message.content = null;
    }
  }
  return true;
}
