import type { ChatCompletionChunk } from "../../../openai/chat-chunk.ts";
import type { Usage } from "../../../openai/chat-response.ts";
import type { ChatStreamTransformer, StreamEvent } from "../../../provider/adapter.ts";
import { rawFinishReasons } from "./raw-finish-reasons.ts";

/** Repairs one chunk in place or returns a replacement; `null` drops it. State lives per stream. */
export type ChunkFixer = (chunk: ChatCompletionChunk) => ChatCompletionChunk | null;

export interface FamilyStreamOptions {
  fixChunk?: ChunkFixer;
  /** Brings the provider's usage to OpenAI's meaning (xAI reasoning tokens, DeepSeek cache). */
  normalizeUsage?: (usage: Usage) => void;
}

/**
 * Wraps the shared OpenAI stream transformer with what OpenAI-compatible servers get wrong:
 * - usage riding on a content or finish chunk (Mistral, DeepSeek, Together, Fireworks) is moved
 *   to the usage-only chunk (`choices: []`) the gateway contract expects, emitted once at the
 *   end; an upstream usage-only chunk is kept as is and nothing is synthesized;
 * - a non-OpenAI finish reason is kept as `provider_finish_reason` next to the mapped one, and
 *   xAI's empty `finish_reason` after tool calls becomes `tool_calls`;
 * - `delta.reasoning` (OpenRouter, Groq, newer vLLM) is mirrored to `reasoning_content`;
 * - the first chunk of each choice carries `role: "assistant"`.
 */
export function createFamilyStreamTransformer(
  inner: ChatStreamTransformer,
  options: FamilyStreamOptions = {},
): ChatStreamTransformer {
  let head: Pick<ChatCompletionChunk, "id" | "created" | "model"> | undefined;
  let pendingUsage: Usage | undefined;
  let usageSent = false;
  const started = new Set<number>();
  const withToolCalls = new Set<number>();

  const usageChunk = (): ChatCompletionChunk[] => {
    if (pendingUsage === undefined || usageSent) return [];
    usageSent = true;
    return [
      {
        id: head?.id ?? "",
        object: "chat.completion.chunk",
        created: head?.created ?? Math.floor(Date.now() / 1000),
        model: head?.model ?? "",
        choices: [],
        usage: pendingUsage,
      },
    ];
  };

  const repair = (chunk: ChatCompletionChunk, raw: string[], next: { index: number }) => {
    if (chunk.id !== "") head = { id: chunk.id, created: chunk.created, model: chunk.model };
    for (const choice of chunk.choices) {
      const delta = choice.delta as Record<string, unknown>;
      if (!started.has(choice.index)) {
        started.add(choice.index);
        if (delta.role === undefined) delta.role = "assistant";
      }
      if (typeof delta.reasoning === "string" && delta.reasoning_content == null) {
        delta.reasoning_content = delta.reasoning;
      }
      if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) {
        withToolCalls.add(choice.index);
      }
      if (choice.finish_reason === null || choice.finish_reason === undefined) continue;
      const rawReason = raw[next.index++];
      if (rawReason === "" && withToolCalls.has(choice.index)) choice.finish_reason = "tool_calls";
      if (rawReason !== undefined && rawReason !== choice.finish_reason) {
        (choice as Record<string, unknown>).provider_finish_reason = rawReason;
      }
    }
    if (chunk.usage === null || chunk.usage === undefined) return;
    options.normalizeUsage?.(chunk.usage);
    if (chunk.choices.length === 0) {
      usageSent = true;
      pendingUsage = undefined;
    } else {
      // Servers that report usage on every chunk (vLLM continuous stats) end with the total.
      pendingUsage = chunk.usage;
      delete chunk.usage;
    }
  };

  return {
    onEvent(event: StreamEvent): ChatCompletionChunk[] {
      if (event.data.trim() === "[DONE]") return [...inner.onEvent(event), ...usageChunk()];
      const raw = rawFinishReasons(event.data);
      const next = { index: 0 };
      const out: ChatCompletionChunk[] = [];
      for (const original of inner.onEvent(event)) {
        const chunk = options.fixChunk ? options.fixChunk(original) : original;
        if (chunk === null) continue;
        repair(chunk, raw, next);
        out.push(chunk);
      }
      return out;
    },

    onEnd(): ChatCompletionChunk[] {
      const tail = inner.onEnd();
      return [...tail, ...usageChunk()];
    },
  };
}
