import type { Context } from "hono";
import {
  chatCompletionToChunks,
  chatCompletionToTextCompletion,
  completionRequestToChat,
  CompletionRequestSchema,
  ChatCompletionRequestSchema,
  createCompletionStreamEncoder,
  redactSecrets,
  type ChatStreamPart,
  type CompletionStreamEncoder,
  type TextCompletion,
} from "@org/core";
import { requireUserParam } from "../auth/enforce-user-param.ts";
import type { GatewayDeps } from "../deps.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import {
  applyKeyAlias,
  budgetHeaders,
  routerCallOptions,
  spendRecorded,
} from "../http/router-call.ts";
import { toGatewayError } from "../http/error-response.ts";
import { readJson, validateBody } from "../http/parse-body.ts";
import { settled } from "../http/sse-encoder.ts";
import { modelHeaders } from "./model-headers.ts";

/**
 * POST /v1/completions: OpenAI's legacy text completions served by any chat deployment (the
 * prompt becomes a user message). Streams end with `data: [DONE]` as OpenAI's do.
 */
export function completionsRoute(deps: GatewayDeps) {
  return async (c: Context<GatewayEnv>) => {
    const request = validateBody(CompletionRequestSchema, await readJson(c.req.raw));
    applyKeyAlias(c, request);
    // Fields the format does not define pass through to chat: they are checked as chat's
    // (a `tools` object instead of a list was a 500 in the token counter).
    const chat = validateBody(ChatCompletionRequestSchema, completionRequestToChat(request));
    requireUserParam(deps, chat.user);
    const result = await deps.router.chatCompletion(chat, routerCallOptions(c));
    const headers = { ...modelHeaders(result), ...budgetHeaders(deps, result.context) };
    headers["x-litellm-call-id"] = c.get("callId");

    // `raw` (passthrough bytes) is ignored throughout: it is chat SSE, not what this client speaks.
    if (result.kind === "response" && request.stream !== true) {
      headers["content-type"] = "application/json";
      const completion = chatCompletionToTextCompletion(result.completion, request);
      await spendRecorded(deps, result.context);
      return new Response(JSON.stringify(completion), { status: 200, headers });
    }

    c.set("streamHeld", true);
    const parts =
      result.kind === "stream"
        ? result.parts
        : // Answered whole (a cache hit, a hook) although streamed: stream it in one go.
          onePart({ chunks: chatCompletionToChunks(result.completion) });
    const body = completionEventStream({
      parts: deps.inFlight.cuttable(parts),
      encoder: createCompletionStreamEncoder(request),
      includeUsage: request.stream_options?.include_usage === true,
      onClose: () => deps.inFlight.leave(),
      // [DONE] goes out only once the spend is journaled, as on chat completions.
      beforeEnd: () => spendRecorded(deps, result.context),
    });
    headers["content-type"] = "text/event-stream";
    headers["cache-control"] = "no-cache";
    headers["connection"] = "keep-alive";
    return new Response(body, { status: 200, headers });
  };
}

const encoder = new TextEncoder();
const DONE = encoder.encode("data: [DONE]\n\n");

function frame(payload: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);
}

function completionEventStream(options: {
  parts: AsyncIterable<ChatStreamPart>;
  encoder: CompletionStreamEncoder;
  /** Keep the usage-only chunk (client asked for stream_options.include_usage). */
  includeUsage: boolean;
  onClose: () => void;
  /** Awaited before the stream's last bytes (until the request's spend is journaled). */
  beforeEnd: () => Promise<void>;
}): ReadableStream<Uint8Array> {
  const iterator = options.parts[Symbol.asyncIterator]();
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    options.onClose();
  };
  const isUsageOnly = (chunk: TextCompletion) => chunk.choices.length === 0;

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Read until there is something to send: a pull that enqueues nothing is not called
        // again, and some chat parts (the role chunk, an unwanted usage chunk) produce nothing.
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            await options.beforeEnd();
            controller.enqueue(DONE);
            controller.close();
            finish();
            return;
          }
          const out = next.value.chunks
            .flatMap((chunk) => options.encoder.encode(chunk))
            .filter((chunk) => options.includeUsage || !isUsageOnly(chunk));
          for (const chunk of out) controller.enqueue(frame(chunk));
          if (out.length > 0) return;
        }
      } catch (error) {
        // Headers are already sent: the client gets an error event (OpenAI's envelope), then
        // the stream ends without [DONE], as on /v1/chat/completions; the partial answer's
        // spend is journaled first.
        const envelope = toGatewayError(error).toJSON();
        envelope.error.message = redactSecrets(envelope.error.message);
        controller.enqueue(frame(envelope));
        await settled(options.beforeEnd);
        controller.close();
        finish();
      }
    },
    async cancel() {
      // The client went away: stop reading upstream (aborts the upstream request).
      finish();
      await iterator.return?.();
    },
  });
}

async function* onePart(part: ChatStreamPart): AsyncGenerator<ChatStreamPart> {
  yield part;
}
