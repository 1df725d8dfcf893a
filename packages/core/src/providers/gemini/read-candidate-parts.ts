import type { ToolCall } from "../../openai/chat-request.ts";
import { toolCallIdFor } from "./tool-call-id.ts";
import type { GeminiResponsePart } from "./wire-schemas.ts";

export interface CandidateParts {
  /** Answer text, parts joined in order. */
  text: string;
  /** `thought: true` parts (thought summaries), joined: OpenAI-side `reasoning_content`. */
  reasoning: string;
  toolCalls: ToolCall[];
}

/**
 * Sorts a candidate's parts into answer text, reasoning and tool calls. Each `functionCall`
 * becomes one complete OpenAI tool call: Gemini sends calls whole, with `args` omitted when there
 * are none (`"{}"`, never `""`), and usually without an id (one is minted; a thought signature on
 * the part rides in it, see tool-call-id.ts). Code-execution and inline-data (image output)
 * parts have no Chat Completions form and are skipped.
 */
export function readCandidateParts(
  parts: readonly GeminiResponsePart[] | undefined,
): CandidateParts {
  let text = "";
  let reasoning = "";
  const toolCalls: ToolCall[] = [];
  for (const part of parts ?? []) {
    if (part.functionCall !== undefined) {
      toolCalls.push({
        id: toolCallIdFor(part.functionCall.id, part.thoughtSignature),
        type: "function",
        function: {
          name: part.functionCall.name ?? "",
          arguments: JSON.stringify(part.functionCall.args ?? {}),
        },
      });
    } else if (typeof part.text === "string") {
      if (part.thought === true) reasoning += part.text;
      else text += part.text;
    }
  }
  return { text, reasoning, toolCalls };
}
