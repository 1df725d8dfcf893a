import { InvalidRequestError } from "../../../errors/gateway-error.ts";
import type { Usage } from "../../../openai/chat-response.ts";
import type {
  ChatAdapter,
  EmbeddingAdapter,
  ProviderAdapter,
  RequestContext,
  UpstreamRequest,
} from "../../../provider/adapter.ts";
import type { ProviderDeployment } from "../../../provider/deployment.ts";
import {
  createOpenAICompatibleProvider,
  type OpenAICompatibleProviderOptions,
} from "../openai-compatible-provider.ts";
import { enforceUnsupportedParams } from "./enforce-unsupported-params.ts";
import { wrapParseResponse } from "./family-parse-response.ts";
import { createFamilyStreamTransformer, type ChunkFixer } from "./family-stream-transformer.ts";

export interface FamilyProviderOptions extends OpenAICompatibleProviderOptions {
  /**
   * Self-hosted servers (vLLM) have no public address: without `api_base` the request fails
   * with a 400 naming the setting instead of going to a made-up default.
   */
  requiresApiBase?: boolean;
  /** Params that only some of the provider's models reject; same `drop_params` rules. */
  modelUnsupportedParams?: (model: string) => readonly string[];
  /** Request headers derived from the deployment (OpenRouter attribution); `extra_headers` win. */
  headers?: (deployment: ProviderDeployment) => Record<string, string>;
  normalizeUsage?: (usage: Usage) => void;
  /** Per-stream chunk repair, created for each stream (it may keep state). */
  createChunkFixer?: (ctx: RequestContext) => ChunkFixer;
  /** Repairs a non-streamed payload before validation; true when it changed something. */
  fixPayload?: (payload: Record<string, unknown>) => boolean;
  /** Provider-specific mapping of non-2xx answers; default is the OpenAI envelope mapping. */
  mapError?: ProviderAdapter["mapError"];
  /**
   * False when clients must never receive the upstream bytes unchanged (finish reasons or usage
   * that differ from OpenAI's meaning). Default true: the shared adapter's rule applies.
   */
  passthrough?: boolean;
}

/**
 * An OpenAI-compatible provider of the family: `createOpenAICompatibleProvider` (the shared
 * base) plus the handful of repairs the family needs, all opt-in parameters.
 */
export function createFamilyProvider(options: FamilyProviderOptions): ProviderAdapter {
  const { id } = options;
  const modelParams = options.modelUnsupportedParams;
  const transformBody = options.transformBody;
  const base = createOpenAICompatibleProvider({
    ...options,
    ...(modelParams === undefined && transformBody === undefined
      ? {}
      : {
          transformBody: (body, ctx) => {
            const checked =
              modelParams === undefined
                ? body
                : enforceUnsupportedParams(body, modelParams(ctx.deployment.model), ctx, id);
            return transformBody === undefined ? checked : transformBody(checked, ctx);
          },
        }),
  });
  const baseChat = base.chat as ChatAdapter;
  const passthrough = options.passthrough ?? true;

  const chat: ChatAdapter = {
    streamFraming: baseChat.streamFraming,
    async buildRequest(ctx) {
      requireApiBase(options, ctx.deployment);
      return addHeaders(await baseChat.buildRequest(ctx), options, ctx.deployment);
    },
    parseResponse: wrapParseResponse(baseChat.parseResponse, {
      ...(options.fixPayload === undefined ? {} : { fixPayload: options.fixPayload }),
      ...(options.normalizeUsage === undefined ? {} : { normalizeUsage: options.normalizeUsage }),
    }),
    createStreamTransformer(ctx) {
      return createFamilyStreamTransformer(baseChat.createStreamTransformer(ctx), {
        ...(options.createChunkFixer === undefined
          ? {}
          : { fixChunk: options.createChunkFixer(ctx) }),
        ...(options.normalizeUsage === undefined ? {} : { normalizeUsage: options.normalizeUsage }),
      });
    },
    isPassthrough: (ctx) => passthrough && (baseChat.isPassthrough?.(ctx) ?? false),
  };

  const baseEmbeddings = base.embeddings;
  const embeddings: EmbeddingAdapter | undefined =
    baseEmbeddings === undefined
      ? undefined
      : {
          async buildRequest(ctx) {
            requireApiBase(options, ctx.deployment);
            return addHeaders(await baseEmbeddings.buildRequest(ctx), options, ctx.deployment);
          },
          parseResponse: (response, ctx) => baseEmbeddings.parseResponse(response, ctx),
          isPassthrough: (ctx) => baseEmbeddings.isPassthrough?.(ctx) ?? false,
        };

  return {
    id,
    mapError: options.mapError ?? base.mapError,
    ...(base.unsupportedParams === undefined ? {} : { unsupportedParams: base.unsupportedParams }),
    chat,
    ...(embeddings === undefined ? {} : { embeddings }),
  };
}

function requireApiBase(options: FamilyProviderOptions, deployment: ProviderDeployment): void {
  if (!options.requiresApiBase || (deployment.apiBase ?? "") !== "") return;
  throw new InvalidRequestError(
    `${options.id} needs api_base: set litellm_params.api_base to the server's OpenAI-compatible ` +
      `URL (for example http://localhost:8000/v1) for model ${deployment.provider}/${deployment.model}`,
    { param: "api_base", code: "missing_api_base", provider: options.id },
  );
}

function addHeaders(
  request: UpstreamRequest,
  options: FamilyProviderOptions,
  deployment: ProviderDeployment,
): UpstreamRequest {
  if (options.headers === undefined) return request;
  const headers = { ...request.headers };
  for (const [name, value] of Object.entries(options.headers(deployment))) {
    const key = name.toLowerCase();
    if (headers[key] === undefined) headers[key] = value;
  }
  return { ...request, headers };
}
