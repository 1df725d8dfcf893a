import { randomUUID } from "node:crypto";
import { callChat } from "../call/call-chat.ts";
import type { ChatStreamPart } from "../call/call-result.ts";
import type { ChatCompletionChunk } from "../openai/chat-chunk.ts";
import { ChatCompletionRequestSchema, type ChatCompletionRequest } from "../openai/chat-request.ts";
import type { ChatCompletion } from "../openai/chat-response.ts";
import { clientAskedForUsage } from "../providers/openai/convert-request.ts";
import { DEFAULT_SDK_TIMEOUT_SECONDS, type SdkCallOptions } from "./sdk-call-options.ts";
import { sdkDeployment } from "./sdk-deployment.ts";
import { invalidParamsError } from "./invalid-params-error.ts";
import { sharedRegistry } from "./shared-registry.ts";
import { sharedTransport } from "./shared-transport.ts";

export type CompletionParams = ChatCompletionRequest &
  SdkCallOptions & {
    /** Seconds allowed before the first chunk and between chunks of a stream. */
    stream_timeout?: number;
  };

/**
 * LiteLLM's `completion()` without a gateway: `model` is "<provider>/<model>" (a bare name
 * means OpenAI), every other OpenAI parameter is forwarded. Resolves to the completion, or with
 * `stream: true` to an async iterable of chunks (break out of it to abort the upstream call).
 *
 * ```ts
 * const answer = await completion({ model: "openai/gpt-4o", api_key, messages: [{ role: "user", content: "Hi" }] });
 * ```
 */
export function completion(
  params: CompletionParams & { stream: true },
): Promise<AsyncIterable<ChatCompletionChunk>>;
export function completion(
  params: CompletionParams & { stream?: false | null },
): Promise<ChatCompletion>;
export function completion(
  params: CompletionParams,
): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>>;
export async function completion(
  params: CompletionParams,
): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>> {
  const {
    api_key,
    api_base,
    base_url,
    api_version,
    extra_headers,
    timeout,
    stream_timeout,
    drop_params,
    signal,
    transport,
    registry,
    ...body
  } = params;
  const parsed = ChatCompletionRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidParamsError(parsed.error);
  const request = parsed.data;

  const result = await callChat({
    registry: registry ?? sharedRegistry(),
    deployment: sdkDeployment(request.model, {
      api_key,
      api_base,
      base_url,
      api_version,
      extra_headers,
      drop_params,
    }),
    request,
    callId: randomUUID(),
    transport: transport ?? sharedTransport(),
    signal,
    timeoutMs: (timeout ?? DEFAULT_SDK_TIMEOUT_SECONDS) * 1000,
    streamTimeoutMs: stream_timeout === undefined ? undefined : stream_timeout * 1000,
  });
  if (result.kind === "response") return result.completion;
  return chunksOf(result.parts, clientAskedForUsage(request));
}

/**
 * Flattens parts into chunks. The usage-only chunk the adapter may have asked for on our
 * behalf is dropped unless the caller asked for it, as the gateway's HTTP edge does.
 * `return()` reaches the parts even before the first `next()`, so giving up early always
 * closes the upstream connection.
 */
function chunksOf(
  parts: AsyncIterable<ChatStreamPart>,
  keepUsageChunk: boolean,
): AsyncIterable<ChatCompletionChunk> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = parts[Symbol.asyncIterator]();
      const pending: ChatCompletionChunk[] = [];
      return {
        async next(): Promise<IteratorResult<ChatCompletionChunk>> {
          for (;;) {
            const chunk = pending.shift();
            if (chunk !== undefined) return { value: chunk, done: false };
            const part = await iterator.next();
            if (part.done === true) return { value: undefined, done: true };
            for (const c of part.value.chunks) {
              if (!keepUsageChunk && c.choices.length === 0 && c.usage) continue;
              pending.push(c);
            }
          }
        },
        async return(): Promise<IteratorResult<ChatCompletionChunk>> {
          pending.length = 0;
          await iterator.return?.();
          return { value: undefined, done: true };
        },
      };
    },
  };
}
