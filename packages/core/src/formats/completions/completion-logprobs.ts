import type { ChatCompletion } from "../../openai/chat-response.ts";
import type { CompletionLogprobs } from "./text-completion.ts";

type ChatLogprobs = ChatCompletion["choices"][number]["logprobs"];

/**
 * Chat's per-token logprobs (`logprobs.content[]`) in the legacy parallel-array form.
 * `startOffset` is where the first token starts in the choice's text (after an echoed prompt,
 * or after the text of earlier stream chunks). Null when the upstream sent none.
 */
export function toCompletionLogprobs(
  logprobs: ChatLogprobs | undefined,
  startOffset: number,
): CompletionLogprobs | null {
  const content = logprobs?.content;
  if (!Array.isArray(content)) return null;
  const out: CompletionLogprobs = {
    tokens: [],
    token_logprobs: [],
    top_logprobs: [],
    text_offset: [],
  };
  let offset = startOffset;
  for (const entry of content) {
    if (!isTokenLogprob(entry)) continue;
    out.tokens.push(entry.token);
    out.token_logprobs.push(entry.logprob);
    out.text_offset.push(offset);
    offset += entry.token.length;
    const top: Record<string, number> = {};
    for (const alternative of Array.isArray(entry.top_logprobs) ? entry.top_logprobs : []) {
      if (isTokenLogprob(alternative)) top[alternative.token] = alternative.logprob;
    }
    out.top_logprobs.push(top);
  }
  return out;
}

interface TokenLogprob {
  token: string;
  logprob: number;
  top_logprobs?: unknown;
}

function isTokenLogprob(value: unknown): value is TokenLogprob {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as TokenLogprob).token === "string" &&
    typeof (value as TokenLogprob).logprob === "number"
  );
}
