import type { ChatCompletionChunk } from "../../openai/chat-chunk.ts";
import type { ChunkFixer } from "../openai-compatible/family/family-stream-transformer.ts";
import { isRecord } from "../../util/is-record.ts";
import { chatCompletionIdFromCmpl } from "../common/openai-ids.ts";
import { splitMistralContent } from "./convert-content.ts";
import { toOpenAIToolCall } from "./convert-tool-call.ts";

/**
 * Per-stream repair of Mistral chunks into OpenAI's:
 * - a tool call arrives whole in one delta, usually with no `index` (and often no `type`):
 *   each gets the next index of its choice, `type: "function"`, and string arguments;
 * - magistral's chunk-array `content` becomes text plus `reasoning_content`;
 * - the id gets OpenAI's `chatcmpl-` form.
 * Usage on the finish chunk and the `model_length` / `error` finish reasons are handled by the
 * family stream transformer around this.
 */
export function createMistralChunkFixer(): ChunkFixer {
  const nextToolIndex = new Map<number, number>();
  return (chunk: ChatCompletionChunk) => {
    chunk.id = chatCompletionIdFromCmpl(chunk.id);
    for (const choice of chunk.choices) {
      const delta = choice.delta as Record<string, unknown>;
      if (Array.isArray(delta.content)) {
        const { text, reasoning } = splitMistralContent(delta.content);
        delta.content = text;
        if (reasoning !== undefined) delta.reasoning_content = reasoning;
      }
      if (delta.tool_calls === null) delete delta.tool_calls;
      if (!Array.isArray(delta.tool_calls)) continue;
      delta.tool_calls = delta.tool_calls.map((raw: unknown) => {
        const call = toOpenAIToolCall(raw);
        if (!isRecord(call)) return call;
        const next = nextToolIndex.get(choice.index) ?? 0;
        const index = typeof call.index === "number" ? call.index : next;
        nextToolIndex.set(choice.index, Math.max(next, index + 1));
        return { ...call, index };
      });
    }
    return chunk;
  };
}
