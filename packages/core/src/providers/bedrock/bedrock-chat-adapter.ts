import type { ChatAdapter } from "../../provider/adapter.ts";
import { convertRequest, upstreamMaxTokens } from "./convert-request.ts";
import { parseConverseResponse } from "./parse-response.ts";
import { bedrockModelId, bedrockUrl } from "./bedrock-url.ts";
import { authorizeBedrockRequest } from "./bedrock-headers.ts";
import { createBedrockStreamTransformer } from "./stream-transformer.ts";
import { lowerCaseHeaders } from "./lower-case-headers.ts";

/** Converse for complete answers, ConverseStream (binary event stream) for streamed ones. */
export function createBedrockChatAdapter(now: () => number): ChatAdapter {
  return {
    streamFraming: "aws-eventstream",

    async buildRequest(ctx) {
      const modelId = bedrockModelId(ctx.deployment);
      const stream = ctx.request.stream === true;
      const url = bedrockUrl(ctx.deployment, modelId, stream ? "converse-stream" : "converse");
      const body = JSON.stringify(convertRequest(ctx.request, ctx.deployment, modelId));
      const headers = {
        ...lowerCaseHeaders(ctx.deployment.extraHeaders),
        "content-type": "application/json",
      };
      const request = { url, method: "POST" as const, headers, body };
      return {
        ...request,
        headers: await authorizeBedrockRequest(request, ctx.deployment, new Date(now())),
      };
    },

    parseResponse(response, ctx) {
      return parseConverseResponse(response, ctx, now());
    },

    createStreamTransformer(ctx) {
      return createBedrockStreamTransformer(ctx, now());
    },

    maxOutputTokens(ctx) {
      return upstreamMaxTokens(ctx.request, ctx.deployment, bedrockModelId(ctx.deployment));
    },
  };
}
