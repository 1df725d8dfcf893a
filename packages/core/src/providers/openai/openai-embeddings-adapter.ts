import { UpstreamError, type GatewayError } from "../../errors/gateway-error.ts";
import { EmbeddingResponseSchema } from "../../openai/embeddings.ts";
import type {
  EmbeddingAdapter,
  EmbeddingContext,
  UpstreamRequest,
} from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { isRecord } from "../../util/is-record.ts";
import { statusOfErrorPayload } from "./map-error.ts";
import { buildOpenAIBody } from "./convert-request.ts";
import { buildOpenAIHeaders, type AuthHeaders } from "./openai-headers.ts";
import { joinApiUrl } from "./openai-url.ts";

export interface OpenAIEmbeddingsAdapterConfig {
  provider: string;
  defaultApiBase: string;
  embeddingsPath: string;
  authHeaders: AuthHeaders;
  mapError(status: number, body: string, deployment: ProviderDeployment): GatewayError;
}

export type SyncEmbeddingAdapter = Omit<EmbeddingAdapter, "buildRequest"> & {
  buildRequest(ctx: EmbeddingContext): UpstreamRequest;
};

/** `POST /embeddings` against an OpenAI-compatible upstream; the body is forwarded as sent. */
export function createOpenAIEmbeddingsAdapter(
  config: OpenAIEmbeddingsAdapterConfig,
): SyncEmbeddingAdapter {
  return {
    buildRequest(ctx) {
      const body = buildOpenAIBody(ctx.request, {
        model: ctx.deployment.model,
        injectStreamUsage: false,
      });
      return {
        url: joinApiUrl(ctx.deployment.apiBase ?? config.defaultApiBase, config.embeddingsPath),
        method: "POST",
        headers: buildOpenAIHeaders(ctx.deployment, config.authHeaders, "application/json"),
        body: JSON.stringify(body),
      };
    },

    parseResponse(response, ctx) {
      let payload: unknown;
      try {
        payload = JSON.parse(response.body);
      } catch {
        throw new UpstreamError(`${config.provider} returned a response that is not JSON`, {
          provider: config.provider,
        });
      }
      if (isRecord(payload) && (isRecord(payload.error) || payload.object === "error")) {
        throw config.mapError(statusOfErrorPayload(payload), response.body, ctx.deployment);
      }
      // Some compatible servers omit usage, or send it unreadable (nulls, strings): the
      // embeddings are served, and spend tracking sees zero, which the router replaces with
      // its own count of the input (usable-usage.ts), rather than a 502.
      if (isRecord(payload) && !readableUsage(payload.usage)) {
        payload.usage = { prompt_tokens: 0, total_tokens: 0 };
      }
      const result = EmbeddingResponseSchema.safeParse(payload);
      if (!result.success) {
        throw new UpstreamError(`${config.provider} returned an invalid embeddings response`, {
          provider: config.provider,
        });
      }
      return result.data;
    },

    isPassthrough: () => true,
  };
}

function readableUsage(usage: unknown): boolean {
  return (
    isRecord(usage) &&
    typeof usage.prompt_tokens === "number" &&
    typeof usage.total_tokens === "number"
  );
}
