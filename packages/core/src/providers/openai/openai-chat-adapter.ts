import type { GatewayError } from "../../errors/gateway-error.ts";
import type { ChatAdapter, RequestContext, UpstreamRequest } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { buildOpenAIBody, clientAskedForUsage } from "./convert-request.ts";
import { buildOpenAIHeaders, type AuthHeaders } from "./openai-headers.ts";
import { createOpenAIStreamTransformer } from "./stream-transformer.ts";
import { joinApiUrl } from "./openai-url.ts";
import { parseOpenAICompletion } from "./parse-response.ts";

export interface OpenAIChatAdapterConfig {
  provider: string;
  defaultApiBase: string;
  chatPath: string;
  authHeaders: AuthHeaders;
  injectStreamUsage: boolean;
  transformBody?: (body: Record<string, unknown>, ctx: RequestContext) => Record<string, unknown>;
  mapError(status: number, body: string, deployment: ProviderDeployment): GatewayError;
}

/** A ChatAdapter whose requests need no signing, so wrappers can build them synchronously. */
export type SyncChatAdapter = Omit<ChatAdapter, "buildRequest"> & {
  buildRequest(ctx: RequestContext): UpstreamRequest;
};

/** Chat Completions against an upstream that speaks OpenAI's wire format. */
export function createOpenAIChatAdapter(config: OpenAIChatAdapterConfig): SyncChatAdapter {
  return {
    streamFraming: "sse",

    buildRequest(ctx) {
      const stream = ctx.request.stream === true;
      let body = buildOpenAIBody(ctx.request, {
        model: ctx.deployment.model,
        injectStreamUsage: config.injectStreamUsage,
      });
      if (config.transformBody) body = config.transformBody(body, ctx);
      return {
        url: joinApiUrl(ctx.deployment.apiBase ?? config.defaultApiBase, config.chatPath),
        method: "POST",
        headers: buildOpenAIHeaders(
          ctx.deployment,
          config.authHeaders,
          stream ? "text/event-stream" : "application/json",
        ),
        body: JSON.stringify(body),
      };
    },

    parseResponse(response, ctx) {
      return parseOpenAICompletion(response.body, config.provider, (status, body) =>
        config.mapError(status, body, ctx.deployment),
      );
    },

    createStreamTransformer(ctx) {
      return createOpenAIStreamTransformer({
        provider: config.provider,
        mapError: (status, body) => config.mapError(status, body, ctx.deployment),
      });
    },

    /**
     * A complete answer is always relayable as received. A stream is relayable only when we
     * did not change what the upstream sends: if we injected `include_usage`, the upstream
     * adds a usage chunk the client never asked for, so the gateway must re-encode.
     */
    isPassthrough(ctx) {
      if (ctx.request.stream !== true) return true;
      return !config.injectStreamUsage || clientAskedForUsage(ctx.request);
    },
  };
}
