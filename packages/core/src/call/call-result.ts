import type { ChatCompletion } from "../openai/chat-response.ts";
import type { ChatCompletionChunk } from "../openai/chat-chunk.ts";
import type { EmbeddingResponse } from "../openai/embeddings.ts";

/**
 * The result of one call to one deployment (no retries, no fallbacks: those are the router's).
 */
export interface ChatResponseResult {
  kind: "response";
  completion: ChatCompletion;
  /**
   * The upstream body exactly as received, when the adapter is a passthrough (OpenAI wire
   * format in and out): the gateway sends these bytes instead of re-serialising.
   */
  rawBody?: string;
  upstreamHeaders: Record<string, string>;
}

/**
 * One step of a streamed answer: the chunks completed by one upstream read.
 * `raw` is set for passthrough streams: the exact upstream bytes of that read, which the
 * gateway relays unchanged. The chunks always include a usage-only chunk at the end when the
 * upstream reported usage; the HTTP edge drops it if the client did not ask for
 * `stream_options.include_usage`.
 */
export interface ChatStreamPart {
  chunks: ChatCompletionChunk[];
  raw?: Uint8Array;
}

export interface ChatStreamResult {
  kind: "stream";
  parts: AsyncIterable<ChatStreamPart>;
  /** True when every part carries `raw` and the client may receive the upstream bytes as-is. */
  passthrough: boolean;
  upstreamHeaders: Record<string, string>;
}

export type ChatCallResult = ChatResponseResult | ChatStreamResult;

export interface EmbeddingCallResult {
  response: EmbeddingResponse;
  rawBody?: string;
  upstreamHeaders: Record<string, string>;
}
