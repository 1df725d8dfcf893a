import type { ZodType } from "zod";
import type { GatewayError } from "../errors/gateway-error.ts";
import type { ChatCompletionChunk } from "../openai/chat-chunk.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import type { ChatCompletion } from "../openai/chat-response.ts";

/**
 * An API the gateway speaks to its clients (OpenAI chat, Responses, legacy Completions,
 * Anthropic Messages): the mirror of `ProviderAdapter`, which speaks to upstreams. Every format
 * is served by the same internal chat request and answer, so one route and one stream pump serve
 * them all; a format only says how its bodies, events and errors look.
 *
 * `Request` is the body as the client sends it; `Event` is one item of its stream, which `frame`
 * puts on the wire.
 */
export interface InboundFormat<Request extends InboundRequest = InboundRequest, Event = unknown> {
  /** For logs and tests: `chat.completions`, `responses`, `completions`, `messages`. */
  readonly name: string;
  /** The body as clients send it (parsed loosely: unknown fields pass on to the chat request). */
  readonly requestSchema: ZodType<Request>;
  /**
   * The format's fields become chat's, and fields it does not define pass through unchecked, so
   * the chat request must be checked as chat's (a `tools` object instead of a list).
   */
  readonly checkChatRequest: boolean;
  /**
   * The upstream's own OpenAI chat bytes (body and SSE) may be relayed unchanged: only for the
   * chat format, whose clients speak exactly that.
   */
  readonly relaysChatBytes: boolean;
  /** `content-type` of this format's event streams. */
  readonly streamContentType: string;
  /** The request as the internal chat request the router serves. */
  toChat(request: Request, context: ToChatContext): ChatCompletionRequest;
  /** A whole chat answer as this format's response body. */
  fromChat(completion: ChatCompletion, request: Request): unknown;
  /** A fresh encoder for one request's stream. */
  createStreamEncoder(request: Request): InboundStreamEncoder<Event>;
  /** One event as SSE bytes (text). */
  frame(event: Event): string;
  /** The body of an error response, in this format's envelope. */
  errorBody(error: GatewayError): unknown;
}

/** Every inbound body names its model and may ask for a stream. */
export interface InboundRequest {
  model: string;
  stream?: boolean | null | undefined;
}

/** What a format may ask about the deployment before it translates. */
export interface ToChatContext {
  /** The providers serving a model name (empty when it is unknown). */
  providersOf(model: string): readonly string[];
}

/**
 * Chat chunks in, this format's events out, with its own way of ending and failing. The gateway's
 * pump calls `encode` per chunk, then exactly one of `finish` (the upstream stream ended) or
 * `fail` (it broke after the headers went out; nothing follows the failure's events).
 */
export interface InboundStreamEncoder<Event> {
  encode(chunk: ChatCompletionChunk): Event[];
  finish(): Event[];
  fail(error: GatewayError): Event[];
}
