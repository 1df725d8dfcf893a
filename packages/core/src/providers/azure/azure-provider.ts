import type {
  ChatAdapter,
  EmbeddingAdapter,
  ProviderAdapter,
  UpstreamRequest,
} from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { createFamilyProvider } from "../openai-compatible/family/create-family-provider.ts";
import { azureAuthHeaders } from "./azure-headers.ts";
import { createAzureChunkFixer } from "./stream-chunk-fixer.ts";
import { azureAcceptsStreamOptions, azureUrl, resolveAzureEndpoint } from "./azure-url.ts";
import { mapAzureError } from "./map-error.ts";

/**
 * Two copies of the shared OpenAI base that differ only in asking for stream usage, because
 * whether Azure accepts `stream_options` depends on the deployment's api-version.
 */
const variant = (injectStreamUsage: boolean) =>
  createFamilyProvider({
    id: "azure",
    defaultApiBase: "",
    // Auth is added per deployment below (api-key, or an Entra ID bearer token).
    authHeaders: () => ({}),
    injectStreamUsage,
    createChunkFixer: () => createAzureChunkFixer(),
    mapError: mapAzureError,
  });
const withUsage = variant(true);
const withoutUsage = variant(false);
const pick = (deployment: ProviderDeployment) =>
  azureAcceptsStreamOptions(deployment) ? withUsage : withoutUsage;

const chatOf = (provider: ProviderAdapter) => provider.chat as ChatAdapter;
const embeddingsOf = (provider: ProviderAdapter) => provider.embeddings as EmbeddingAdapter;

/**
 * Azure OpenAI (`azure/<deployment>`): OpenAI's wire format behind Azure URLs and auth. The body
 * is OpenAI's (the deployment name also goes in `model`, which the v1 API routes on); responses,
 * including `prompt_filter_results` / `content_filter_results`, pass through as extra fields and
 * `finish_reason: "content_filter"` as is. `api_base` is required (LiteLLM falls back to the
 * AZURE_API_BASE / AZURE_API_KEY / AZURE_API_VERSION environment; the app resolves those).
 */
export const azureProvider: ProviderAdapter = {
  id: "azure",
  mapError: mapAzureError,
  chat: {
    streamFraming: "sse",
    async buildRequest(ctx) {
      const endpoint = resolveAzureEndpoint(ctx.deployment);
      const request = await chatOf(pick(ctx.deployment)).buildRequest(ctx);
      return forAzure(
        request,
        ctx.deployment,
        azureUrl(endpoint, ctx.deployment.model, "/chat/completions"),
      );
    },
    parseResponse: (response, ctx) => chatOf(withUsage).parseResponse(response, ctx),
    createStreamTransformer: (ctx) => chatOf(pick(ctx.deployment)).createStreamTransformer(ctx),
    // Streams are always re-encoded: Azure opens with a chunk holding only
    // `prompt_filter_results` (empty id, no choices) that breaks clients reading choices[0];
    // the chunk fixer folds it into the next chunk, which a byte relay cannot do.
    isPassthrough: (ctx) =>
      ctx.request.stream !== true && (chatOf(pick(ctx.deployment)).isPassthrough?.(ctx) ?? false),
  },
  embeddings: {
    async buildRequest(ctx) {
      const endpoint = resolveAzureEndpoint(ctx.deployment);
      const request = await embeddingsOf(withUsage).buildRequest(ctx);
      return forAzure(
        request,
        ctx.deployment,
        azureUrl(endpoint, ctx.deployment.model, "/embeddings"),
      );
    },
    parseResponse: (response, ctx) => embeddingsOf(withUsage).parseResponse(response, ctx),
    isPassthrough: (ctx) => embeddingsOf(withUsage).isPassthrough?.(ctx) ?? false,
  },
};

/** Azure's URL, and its auth unless the deployment's `extra_headers` already set one. */
function forAzure(
  request: UpstreamRequest,
  deployment: ProviderDeployment,
  url: string,
): UpstreamRequest {
  const headers = { ...request.headers };
  for (const [name, value] of Object.entries(azureAuthHeaders(deployment))) {
    if (headers[name] === undefined) headers[name] = value;
  }
  return { ...request, url, headers };
}
