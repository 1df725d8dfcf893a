import type { GatewayError } from "../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import type { ChatCompletion } from "../openai/chat-response.ts";
import type { ChatCompletionChunk } from "../openai/chat-chunk.ts";
import type { EmbeddingRequest, EmbeddingResponse } from "../openai/embeddings.ts";
import type { ProviderDeployment } from "./deployment.ts";

/**
 * The provider adapter contract. Adapters build the upstream HTTP request (possibly async, e.g.
 * signing it), parse the upstream response, turn upstream stream events into OpenAI chunks, and
 * map upstream errors into the typed error family. They never send anything: `callChat` /
 * `callEmbedding` send the built request through a `Transport`, under the call's deadline.
 * That makes every adapter testable from recorded fixtures.
 */

/** An HTTP request for the call to send through its `Transport`. */
export interface UpstreamRequest {
  url: string;
  method: "POST" | "GET";
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** A complete (non-streamed) upstream answer, as the call received it. */
export interface UpstreamResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  /** The raw body text. */
  body: string;
}

/**
 * One framed event of an upstream stream, whatever the framing:
 * SSE (`event:` + `data:`), NDJSON (one line in `data`), or AWS event-stream
 * (`event` is `:event-type`, `data` the JSON payload).
 */
export interface StreamEvent {
  event?: string;
  data: string;
}

export type StreamFraming = "sse" | "ndjson" | "aws-eventstream";

/**
 * Turns one upstream stream into OpenAI chunks. Created per request, so it may keep
 * state in its closure (tool-call indexes, the message id, usage seen so far).
 * Throws a GatewayError for an error event in the middle of the stream.
 */
export interface ChatStreamTransformer {
  onEvent(event: StreamEvent): ChatCompletionChunk[];
  /** Called once when the upstream closes; may emit the final chunks. */
  onEnd(): ChatCompletionChunk[];
}

export interface RequestContext {
  /** The request as the client sent it (after alias resolution); adapters must not mutate it. */
  request: ChatCompletionRequest;
  deployment: ProviderDeployment;
  /** The id the gateway assigned to this call; adapters use it when the provider sends none. */
  callId: string;
}

export interface ChatAdapter {
  /** May be async: request signing (AWS SigV4) uses WebCrypto. */
  buildRequest(ctx: RequestContext): UpstreamRequest | Promise<UpstreamRequest>;
  parseResponse(response: UpstreamResponse, ctx: RequestContext): ChatCompletion;
  streamFraming: StreamFraming;
  createStreamTransformer(ctx: RequestContext): ChatStreamTransformer;
  /**
   * True when the upstream already speaks OpenAI's wire format for this request, so the
   * gateway may relay the upstream bytes unchanged (byte-for-byte) instead of re-encoding.
   */
  isPassthrough?(ctx: RequestContext): boolean;
  /**
   * The `max_tokens` this adapter sends upstream for the request, where it sets one the client
   * did not (Anthropic requires one and defaults it) or raises the client's (a thinking budget
   * counts against it). Budgets reserve against it before the call. Absent: the request's own
   * `max_completion_tokens` / `max_tokens` is what goes upstream.
   */
  maxOutputTokens?(ctx: RequestContext): number | undefined;
}

export interface EmbeddingContext {
  request: EmbeddingRequest;
  deployment: ProviderDeployment;
  callId: string;
}

export interface EmbeddingAdapter {
  buildRequest(ctx: EmbeddingContext): UpstreamRequest | Promise<UpstreamRequest>;
  parseResponse(response: UpstreamResponse, ctx: EmbeddingContext): EmbeddingResponse;
  /** True when the upstream answers in OpenAI's format, so its body may be relayed unchanged. */
  isPassthrough?(ctx: EmbeddingContext): boolean;
}

export interface ProviderAdapter {
  /** Provider id as used in `litellm_params.model` ("openai", "anthropic", ...). */
  id: string;
  chat?: ChatAdapter;
  embeddings?: EmbeddingAdapter;
  /** Maps a non-2xx upstream response (or a mid-stream error payload) to the error family. */
  mapError(response: UpstreamResponse, deployment: ProviderDeployment): GatewayError;
  /** Request params this provider cannot take (for drop_params and the 400 naming them). */
  unsupportedParams?: readonly string[];
}
