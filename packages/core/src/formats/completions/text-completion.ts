import type { Usage } from "../../openai/chat-response.ts";

/** The legacy `text_completion` object; streamed chunks have the same shape. */

export type CompletionFinishReason = "stop" | "length" | "content_filter";

/** Legacy logprobs: parallel arrays, one entry per generated token. */
export interface CompletionLogprobs {
  tokens: string[];
  token_logprobs: number[];
  top_logprobs: Array<Record<string, number>>;
  text_offset: number[];
}

export interface TextCompletionChoice {
  text: string;
  index: number;
  logprobs: CompletionLogprobs | null;
  finish_reason: CompletionFinishReason | null;
}

export interface TextCompletion {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
  choices: TextCompletionChoice[];
  usage?: Usage;
  system_fingerprint?: string;
}
