import type {
  CallChatOptions,
  CallEmbeddingOptions,
  ChatCallResult,
  EmbeddingCallResult,
} from "@org/core";

/**
 * One call to one deployment (no retries, no fallbacks). @org/core's `callChat` and
 * `callEmbedding` by default; tests and other services inject their own.
 */
export type CallChat = (options: CallChatOptions) => Promise<ChatCallResult>;
export type CallEmbedding = (options: CallEmbeddingOptions) => Promise<EmbeddingCallResult>;
