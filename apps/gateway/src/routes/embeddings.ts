import type { Context } from "hono";
import { EmbeddingRequestSchema } from "@org/core";
import { requireUserParam } from "../auth/enforce-user-param.ts";
import type { GatewayDeps } from "../deps.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import {
  applyKeyAlias,
  budgetHeaders,
  routerCallOptions,
  spendRecorded,
} from "../http/router-call.ts";
import { readJson, validateBody } from "../http/parse-body.ts";
import { overheadHeader } from "../http/overhead-header.ts";
import { modelHeaders } from "./model-headers.ts";

/** POST /v1/embeddings. */
export function embeddingsRoute(deps: GatewayDeps) {
  return async (c: Context<GatewayEnv>) => {
    const request = validateBody(EmbeddingRequestSchema, await readJson(c.req.raw));
    applyKeyAlias(c, request);
    requireUserParam(deps, request.user);
    const result = await deps.router.embedding(request, routerCallOptions(c));
    const headers = { ...modelHeaders(result), ...budgetHeaders(deps, result.context) };
    headers["content-type"] = "application/json";
    headers["x-litellm-call-id"] = c.get("callId");
    headers["x-litellm-overhead-duration-ms"] = overheadHeader(c.get("startedAt"), result.attempts);
    await spendRecorded(deps, result.context);
    return new Response(result.rawBody ?? JSON.stringify(result.response), {
      status: 200,
      headers,
    });
  };
}
