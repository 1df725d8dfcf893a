import type { EmbeddingAdapter } from "../../provider/adapter.ts";
import { convertEmbeddingRequest } from "./convert-embedding-request.ts";
import { embeddingModelKind } from "./embedding-model-kind.ts";
import { lowerCaseHeaders } from "./lower-case-headers.ts";
import { parseEmbeddingResponse } from "./parse-embedding-response.ts";
import { bedrockModelId, bedrockUrl } from "./bedrock-url.ts";
import { authorizeBedrockRequest } from "./bedrock-headers.ts";

/** Titan and Cohere embeddings through InvokeModel (`POST /model/{modelId}/invoke`). */
export function createBedrockEmbeddingAdapter(now: () => number): EmbeddingAdapter {
  return {
    async buildRequest(ctx) {
      const modelId = bedrockModelId(ctx.deployment);
      const kind = embeddingModelKind(modelId);
      const body = JSON.stringify(convertEmbeddingRequest(ctx.request, ctx.deployment, kind));
      const headers = {
        ...lowerCaseHeaders(ctx.deployment.extraHeaders),
        "content-type": "application/json",
        accept: "application/json",
      };
      const request = {
        url: bedrockUrl(ctx.deployment, modelId, "invoke"),
        method: "POST" as const,
        headers,
        body,
      };
      return {
        ...request,
        headers: await authorizeBedrockRequest(request, ctx.deployment, new Date(now())),
      };
    },

    parseResponse(response, ctx) {
      return parseEmbeddingResponse(
        response,
        ctx,
        embeddingModelKind(bedrockModelId(ctx.deployment)),
      );
    },
  };
}
