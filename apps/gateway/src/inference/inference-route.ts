import type { Context } from "hono";
import {
  ChatCompletionRequestSchema,
  chatCompletionToChunks,
  type ChatStreamPart,
  type InboundFormat,
  type InboundRequest,
  InvalidRequestError,
  MODEL_NAME_MAX_CHARS,
} from "@org/core";
import { requireUserParam } from "../auth/enforce-user-param.ts";
import { hideUnknownModel } from "../auth/model-visibility.ts";
import type { GatewayDeps } from "../deps.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { errorResponse } from "../http/error-response.ts";
import { readJson, validateBody } from "../http/parse-body.ts";
import { applyKeyAlias, routerCallOptions } from "../http/router-call.ts";
import { groupTargets } from "../routes/group-targets.ts";
import { responseHeaders } from "./response-headers.ts";
import { ALREADY_SENT, nodeResponse, writeStreamToNode } from "./node-stream-writer.ts";
import { streamPump } from "./stream-pump.ts";

export interface InferenceRouteOptions {
  /** A path parameter naming the model (Azure-style `/openai/deployments/:deployment/...`). */
  modelParam?: string;
  /**
   * LiteLLM's call type of the route (`acompletion`, `aresponses`, `atext_completion`,
   * `anthropic_messages`): the spend log's `call_type`, and what `cache_params.supported_call_types`
   * names.
   */
  callType: string;
}

/**
 * The one inference route, for every inbound format: validate the body, translate it to the
 * internal chat request, call the router, answer as JSON or as the format's event stream. The
 * last bytes of either wait for the router's `settled` (the spend is journaled), so a client that
 * has its whole answer is always charged. Every error, before or after the router call, is in
 * the format's own envelope.
 */
export function inferenceRoute<Request extends InboundRequest, Event>(
  deps: GatewayDeps,
  format: InboundFormat<Request, Event>,
  options: InferenceRouteOptions,
) {
  const context = {
    providersOf: (model: string) =>
      groupTargets(deps.router.deployments(), model).map((target) => target.provider),
  };
  const hasModel = (model: string) => deps.router.hasModel(model);
  return async (c: Context<GatewayEnv>) => {
    try {
      const request = validateBody(format.requestSchema, await readJson(c.req.raw));
      const fromPath =
        options.modelParam === undefined ? undefined : c.req.param(options.modelParam);
      if (fromPath) {
        // Bounded as the body's `model` is (RequestModelSchema): the path skips that schema.
        if (fromPath.length > MODEL_NAME_MAX_CHARS) {
          throw new InvalidRequestError(
            `model: must be at most ${MODEL_NAME_MAX_CHARS} characters (the deployment in the path)`,
            { param: "model" },
          );
        }
        request.model = fromPath;
      }
      applyKeyAlias(c, request);
      hideUnknownModel(c.get("identity"), request.model, hasModel, deps.accessGroupsOf);
      let chat = format.toChat(request, context);
      if (format.checkChatRequest) chat = validateBody(ChatCompletionRequestSchema, chat);
      requireUserParam(deps, chat.user);

      const result = await deps.router.chatCompletion(chat, routerCallOptions(c, options.callType));
      const headers = responseHeaders(c, result);

      if (result.kind === "response" && request.stream !== true) {
        headers["content-type"] = "application/json";
        const body =
          format.relaysChatBytes && result.rawBody !== undefined
            ? result.rawBody
            : JSON.stringify(format.fromChat(result.completion, request));
        await result.settled;
        return new Response(body, { status: 200, headers });
      }

      const parts =
        result.kind === "stream"
          ? result.parts
          : // Answered whole (a cache hit, a hook) although streamed: stream it in one go.
            onePart({ chunks: chatCompletionToChunks(result.completion) });
      const encoder = format.createStreamEncoder(request);
      // From here the stream owns the in-flight slot and releases it (`onClose`), however it ends.
      c.set("streamHeld", true);
      const pumped = {
        parts: deps.inFlight.cuttable(parts),
        format,
        encoder,
        passthrough: format.relaysChatBytes && result.kind === "stream" && result.passthrough,
        onClose: () => deps.inFlight.leave(),
        beforeEnd: () => result.settled,
      };
      headers["content-type"] = format.streamContentType;
      headers["cache-control"] = "no-cache";
      headers["connection"] = "keep-alive";
      const res = nodeResponse(c);
      if (res !== undefined) {
        void writeStreamToNode(res, 200, headers, pumped, deps.logger);
        return ALREADY_SENT;
      }
      return new Response(streamPump(pumped), { status: 200, headers });
    } catch (error) {
      return errorResponse(error, deps.logger, format, c.get("callId"));
    }
  };
}

async function* onePart(part: ChatStreamPart): AsyncGenerator<ChatStreamPart> {
  yield part;
}
