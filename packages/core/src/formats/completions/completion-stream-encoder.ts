import type { ChatCompletionChunk } from "../../openai/chat-chunk.ts";
import { toCompletionFinishReason } from "./completion-finish-reason.ts";
import { toCompletionId } from "./completion-id.ts";
import { toCompletionLogprobs } from "./completion-logprobs.ts";
import { completionPrompt } from "./completion-prompt.ts";
import type { CompletionRequest } from "./completion-request.ts";
import type { TextCompletion, TextCompletionChoice } from "./text-completion.ts";

export interface CompletionStreamEncoder {
  /**
   * The `text_completion` chunk for one chat chunk, or nothing when it carries no text and no
   * finish reason (chat's role-only first chunk). The usage-only chat chunk becomes a usage-only
   * completion chunk (`choices: []`); the caller drops it unless the client asked for usage.
   */
  encode(chunk: ChatCompletionChunk): TextCompletion[];
}

/**
 * Chat chunks to legacy completion chunks. Keeps, per choice, whether the prompt was echoed
 * (it goes in front of the choice's first text) and how much text was sent (for logprobs'
 * `text_offset`).
 */
export function createCompletionStreamEncoder(request: CompletionRequest): CompletionStreamEncoder {
  const prompt = request.echo === true ? completionPrompt(request) : undefined;
  const wantsLogprobs = typeof request.logprobs === "number";
  const sent = new Map<number, number>();

  return {
    encode(chunk: ChatCompletionChunk): TextCompletion[] {
      const head = {
        id: toCompletionId(chunk.id),
        object: "text_completion" as const,
        created: chunk.created,
        model: chunk.model,
      };
      if (chunk.choices.length === 0) {
        return chunk.usage ? [{ ...head, choices: [], usage: chunk.usage }] : [];
      }
      const choices: TextCompletionChoice[] = [];
      for (const choice of chunk.choices) {
        const before = sent.get(choice.index);
        const prefix = before === undefined && prompt !== undefined ? prompt : "";
        const text = prefix + (choice.delta.content ?? "");
        const finishReason = toCompletionFinishReason(choice.finish_reason);
        const offset = (before ?? 0) + prefix.length;
        const logprobs = wantsLogprobs ? toCompletionLogprobs(choice.logprobs, offset) : null;
        if (text === "" && finishReason === null && (logprobs?.tokens.length ?? 0) === 0) continue;
        sent.set(choice.index, (before ?? 0) + text.length);
        choices.push({ text, index: choice.index, logprobs, finish_reason: finishReason });
      }
      if (choices.length === 0) return [];
      const out: TextCompletion = { ...head, choices };
      if (chunk.system_fingerprint) out.system_fingerprint = chunk.system_fingerprint;
      return [out];
    },
  };
}
