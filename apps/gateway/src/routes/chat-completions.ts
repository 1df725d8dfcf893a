import type { Context } from "hono";
import { ChatCompletionRequestSchema } from "@org/core";
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
import { sseStream } from "../http/sse-encoder.ts";
import { overheadHeader } from "../http/overhead-header.ts";
import { modelHeaders } from "./model-headers.ts";

/** POST /v1/chat/completions: streamed or not, in OpenAI's wire format. */
export function chatCompletionsRoute(deps: GatewayDeps) {
  return async (c: Context<GatewayEnv>) => {
    const body = await readJson(c.req.raw);
    const request = validateBody(ChatCompletionRequestSchema, body);
    // Azure-style path: the deployment name in the URL is the model.
    const deploymentParam = c.req.param("deployment");
    if (deploymentParam) request.model = deploymentParam;
    applyKeyAlias(c, request);
    requireUserParam(deps, request.user);

    const result = await deps.router.chatCompletion(request, routerCallOptions(c));
    const headers: Record<string, string> = {
      ...modelHeaders(result),
      ...budgetHeaders(deps, result.context),
    };
    headers["x-litellm-call-id"] = c.get("callId");
    headers["x-litellm-overhead-duration-ms"] = overheadHeader(c.get("startedAt"), result.attempts);

    if (result.kind === "response") {
      headers["content-type"] = "application/json";
      await spendRecorded(deps, result.context);
      return new Response(result.rawBody ?? JSON.stringify(result.completion), {
        status: 200,
        headers,
      });
    }

    c.set("streamHeld", true);
    const stream = sseStream({
      parts: deps.inFlight.cuttable(result.parts),
      passthrough: result.passthrough,
      includeUsage: request.stream_options?.include_usage === true,
      errorPayload: (error) => toGatewayError(error).toJSON(),
      onClose: () => deps.inFlight.leave(),
      beforeEnd: () => spendRecorded(deps, result.context),
    });
    headers["content-type"] = "text/event-stream";
    headers["cache-control"] = "no-cache";
    headers["connection"] = "keep-alive";
    return new Response(stream, { status: 200, headers });
  };
}
