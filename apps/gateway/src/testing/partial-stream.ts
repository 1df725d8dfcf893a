import type { ChatCompletionRequest } from "@org/core";
import {
  openaiChunks,
  openaiUsage,
  routes,
  sse,
  startFakeServer,
  type FakeServer,
  type RecordedRequest,
} from "@org/testing";
import { countCompletionTokens } from "../catalog/count-request-tokens.ts";

/** USD per token of the models the partial-stream tests call. */
export const PARTIAL_PRICE = 0.001;

/** The answer the fake streams, one word per chunk; `w<i>` marks how far a client got. */
export const WORDS = Array.from({ length: 40 }, (_, i) => `w${i} `);

/** How many words a prompt containing this marker gets before the upstream drops the socket. */
export const FAIL_AFTER = 6;
export const FAIL_MARKER = "break mid-stream";

/**
 * A fake OpenAI upstream that streams `WORDS` slowly (`chunkDelayMs` between chunks) with its
 * usage chunk last, so a client can hang up, or a shutdown can cut the stream, before the usage
 * arrives. A prompt containing `FAIL_MARKER` gets `FAIL_AFTER` words, then the socket is
 * destroyed (an upstream error mid-stream).
 */
export function startDrippingUpstream(chunkDelayMs = 60): Promise<FakeServer> {
  const answer = (req: RecordedRequest) => {
    const body = req.json as ChatCompletionRequest;
    if (JSON.stringify(body.messages).includes(FAIL_MARKER)) {
      const content = WORDS.slice(0, FAIL_AFTER);
      return sse(openaiChunks({ content, finishReason: null, done: false, model: body.model }), {
        delayMs: 10,
        endWith: "destroy",
      });
    }
    return sse(
      openaiChunks({
        content: WORDS,
        includeUsage: true,
        usage: openaiUsage(7, WORDS.length),
        model: body.model,
      }),
      { delayMs: chunkDelayMs },
    );
  };
  return startFakeServer(routes({ "POST /v1/chat/completions": answer }));
}

/** Model-list entries served by `upstream`: `partial` (OpenAI, byte passthrough on chat) and
 * `partial-reencoded` (xAI: the same wire, re-encoded by the gateway). */
export function partialModels(upstream: FakeServer): Record<string, unknown>[] {
  const params = {
    api_key: "sk-upstream",
    api_base: `${upstream.url}/v1`,
    input_cost_per_token: PARTIAL_PRICE,
    output_cost_per_token: PARTIAL_PRICE,
  };
  return [
    { model_name: "partial", litellm_params: { model: "openai/gpt-4o", ...params } },
    { model_name: "partial-reencoded", litellm_params: { model: "xai/grok-3", ...params } },
  ];
}

/** Completion tokens of the first `words` words, as the gateway counts delivered text. */
export function deliveredTokens(words: number): number {
  return countCompletionTokens(WORDS.slice(0, words).join(""));
}

/** How many of `WORDS` a client has seen in `text` (the highest `w<i>` plus one). */
export function wordsSeen(text: string): number {
  let max = -1;
  for (const match of text.matchAll(/\bw(\d+) /g)) max = Math.max(max, Number(match[1]));
  return max + 1;
}

/** `chat-passthrough`: chat asking for usage itself, so an OpenAI upstream's bytes are relayed. */
export type InferenceRoute = "chat" | "chat-passthrough" | "completions" | "responses" | "messages";

/** A streamed request body for `route` asking `model` with `prompt`. */
export function streamedRequest(
  route: InferenceRoute,
  model: string,
  prompt: string,
): { path: string; body: Record<string, unknown> } {
  switch (route) {
    case "chat":
      return {
        path: "/v1/chat/completions",
        body: { model, stream: true, messages: [{ role: "user", content: prompt }] },
      };
    case "chat-passthrough":
      // The gateway injects include_usage otherwise, and must then re-encode the stream.
      return {
        path: "/v1/chat/completions",
        body: {
          model,
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: "user", content: prompt }],
        },
      };
    case "completions":
      return { path: "/v1/completions", body: { model, stream: true, prompt } };
    case "responses":
      return { path: "/v1/responses", body: { model, stream: true, input: prompt } };
    case "messages":
      return {
        path: "/v1/messages",
        body: {
          model,
          stream: true,
          max_tokens: 200,
          messages: [{ role: "user", content: prompt }],
        },
      };
  }
}
