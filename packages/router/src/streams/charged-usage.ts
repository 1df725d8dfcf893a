import type { Usage } from "@org/core";
import { usableUsage } from "../execution/usable-usage.ts";
import type { CountCompletionTokens } from "../tokens/count-tokens.ts";
import type { StreamEnd } from "./tracked-stream.ts";

export interface ChargedUsage {
  /** The upstream's usage, raised to the delivered text when it undercounts a cut stream. */
  readonly usage: Usage | undefined;
  /** Completion tokens counted from the delivered text, for a stream without usage. */
  readonly estimatedCompletionTokens: number;
}

/**
 * What a finished stream is charged for. The upstream's usage when it arrived, else the delivered
 * text counted with `count`. A stream that did not finish (client gone, upstream error, shutdown
 * cut) may hold a usage sent before the end (servers that report running usage on every chunk,
 * or a prompt-only usage first): it is never charged less than the text it delivered.
 */
export function chargedUsage(
  end: StreamEnd,
  count: CountCompletionTokens,
  promptTokens: number,
): ChargedUsage {
  // A usage that cannot be charged (negative, not numbers, absurd) counts as none; a zero count
  // for the prompt or for text that was delivered is the gateway's own.
  const usage = usableUsage(end.usage, {
    promptTokens,
    completionTokens: () => count(end.completionText),
  });
  if (usage === undefined) {
    return { usage, estimatedCompletionTokens: count(end.completionText) };
  }
  if (end.status === "success") return { usage, estimatedCompletionTokens: 0 };
  const delivered = count(end.completionText);
  if (delivered <= usage.completion_tokens) return { usage, estimatedCompletionTokens: 0 };
  return {
    usage: {
      ...usage,
      completion_tokens: delivered,
      total_tokens: usage.prompt_tokens + delivered,
    },
    estimatedCompletionTokens: 0,
  };
}
