import type { Context } from "hono";
import {
  chatCompletionToChunks,
  chatCompletionToResponse,
  createResponsesStreamEncoder,
  randomResponseIds,
  redactSecrets,
  responsesRequestToChat,
  ResponsesRequestSchema,
  ChatCompletionRequestSchema,
  type ChatStreamPart,
  type ResponsesStreamEncoder,
  type ResponsesStreamEvent,
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
 * POST /v1/responses: OpenAI's Responses API served by any chat deployment. The request becomes
 * a chat request for the router; the answer (or its chunks) comes back as a Response object (or
 * Responses streaming events). Nothing is stored, so `previous_response_id` is refused.
 */
export function responsesRoute(deps: GatewayDeps) {
  return async (c: Context<GatewayEnv>) => {
    const request = validateBody(ResponsesRequestSchema, await readJson(c.req.raw));
    applyKeyAlias(c, request);
    // Fields the format does not define pass through to chat: they are checked as chat's.
    const chat = validateBody(ChatCompletionRequestSchema, responsesRequestToChat(request));
    requireUserParam(deps, chat.user);
    const result = await deps.router.chatCompletion(chat, routerCallOptions(c));
    const headers = { ...modelHeaders(result), ...budgetHeaders(deps, result.context) };
    headers["x-litellm-call-id"] = c.get("callId");
    const ids = randomResponseIds();

    // `raw` (passthrough bytes) is ignored throughout: it is chat SSE, not what this client speaks.
    if (result.kind === "response" && request.stream !== true) {
      headers["content-type"] = "application/json";
      const response = chatCompletionToResponse(result.completion, request, ids);
      await spendRecorded(deps, result.context);
      return new Response(JSON.stringify(response), { status: 200, headers });
    }

    c.set("streamHeld", true);
    const parts =
      result.kind === "stream"
        ? result.parts
        : // Answered whole (a cache hit, a hook) although streamed: stream it in one go.
          onePart({ chunks: chatCompletionToChunks(result.completion) });
    const body = responsesEventStream({
      parts: deps.inFlight.cuttable(parts),
      encoder: createResponsesStreamEncoder(request, ids),
      onClose: () => deps.inFlight.leave(),
      // response.completed goes out only once the spend is journaled, as on chat completions.
      beforeEnd: () => spendRecorded(deps, result.context),
    });
    headers["content-type"] = "text/event-stream";
    headers["cache-control"] = "no-cache";
    headers["connection"] = "keep-alive";
    return new Response(body, { status: 200, headers });
  };
}

const encoder = new TextEncoder();

/** One SSE frame per event, named by its type as OpenAI does; no `[DONE]` ends this API's streams. */
function frame(event: ResponsesStreamEvent): Uint8Array {
  return encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

function responsesEventStream(options: {
  parts: AsyncIterable<ChatStreamPart>;
  encoder: ResponsesStreamEncoder;
  onClose: () => void;
  /** Awaited before the stream's last events (until the request's spend is journaled). */
  beforeEnd: () => Promise<void>;
}): ReadableStream<Uint8Array> {
  const iterator = options.parts[Symbol.asyncIterator]();
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    options.onClose();
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Read until there is something to send: a pull that enqueues nothing is not called
        // again, and many chat parts (the finish chunk, the usage chunk) produce no event.
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            await options.beforeEnd();
            for (const event of options.encoder.finish()) controller.enqueue(frame(event));
            controller.close();
            finish();
            return;
          }
          const events = next.value.chunks.flatMap((chunk) => options.encoder.encode(chunk));
          for (const event of events) controller.enqueue(frame(event));
          if (events.length > 0) return;
        }
      } catch (error) {
        // Headers are already sent: the failure travels as response.failed + error events.
        const envelope = toGatewayError(error).toJSON().error;
        const events = options.encoder.fail({
          ...envelope,
          message: redactSecrets(envelope.message),
        });
        for (const event of events) controller.enqueue(frame(event));
        // The partial answer is charged: its spend is journaled before the stream closes.
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
