import type { Context } from "hono";
import { EmbeddingRequestSchema } from "@org/core";
import { requireUserParam } from "../auth/enforce-user-param.ts";
import { hideUnknownModel } from "../auth/model-visibility.ts";
import type { GatewayDeps } from "../deps.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { applyKeyAlias, routerCallOptions } from "../http/router-call.ts";
import { readJson, validateBody } from "../http/parse-body.ts";
import { responseHeaders } from "../inference/response-headers.ts";

/** POST /v1/embeddings (OpenAI's format only; errors in its envelope through app.onError). */
export function embeddingsRoute(deps: GatewayDeps) {
  const hasModel = (model: string) => deps.router.hasModel(model);
  return async (c: Context<GatewayEnv>) => {
    const request = validateBody(EmbeddingRequestSchema, await readJson(c.req.raw));
    applyKeyAlias(c, request);
    hideUnknownModel(c.get("identity"), request.model, hasModel, deps.accessGroupsOf);
    requireUserParam(deps, request.user);
    const result = await deps.router.embedding(request, routerCallOptions(c, "aembedding"));
    const headers = responseHeaders(c, result);
    headers["content-type"] = "application/json";
    await result.settled;
    return new Response(result.rawBody ?? JSON.stringify(result.response), {
      status: 200,
      headers,
    });
  };
}
