import type { ProviderAdapter, UpstreamRequest } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { mapOpenAIError } from "../openai/map-error.ts";
import { createOpenAIChatAdapter } from "../openai/openai-chat-adapter.ts";
import { createOpenAIEmbeddingsAdapter } from "../openai/openai-embeddings-adapter.ts";
import { bearerAuth } from "../openai/openai-headers.ts";
import { resolveMockOptions } from "./mock-options.ts";
import { MOCK_OPTIONS_HEADER } from "./mock-transport.ts";

const MOCK_API_BASE = "mock://mock/v1";

/**
 * Errors carry the deployment's own provider: a mocked RateLimitError on an `openai/...`
 * deployment must look like OpenAI's to cooldowns and fallbacks, as in LiteLLM.
 */
const mapPayloadError = (status: number, body: string, deployment: ProviderDeployment) =>
  mapOpenAIError({ status, headers: {}, body }, deployment, deployment.provider);

const chat = createOpenAIChatAdapter({
  provider: "mock",
  defaultApiBase: MOCK_API_BASE,
  chatPath: "/chat/completions",
  authHeaders: bearerAuth,
  injectStreamUsage: true,
  mapError: mapPayloadError,
});

const embeddings = createOpenAIEmbeddingsAdapter({
  provider: "mock",
  defaultApiBase: MOCK_API_BASE,
  embeddingsPath: "/embeddings",
  authHeaders: bearerAuth,
  mapError: mapPayloadError,
});

/** The mock never sees the real endpoint or key, whatever deployment it stands in for. */
function mockDeployment(deployment: ProviderDeployment): ProviderDeployment {
  const { apiKey: _key, apiBase: _base, ...rest } = deployment;
  return rest;
}

function withMockOptions(
  request: UpstreamRequest,
  deployment: ProviderDeployment,
  body: Readonly<Record<string, unknown>>,
  callId: string,
): UpstreamRequest {
  const options = { ...resolveMockOptions(deployment, body), callId };
  return {
    ...request,
    headers: { ...request.headers, [MOCK_OPTIONS_HEADER]: JSON.stringify(options) },
  };
}

/**
 * Provider `mock`: answers in memory, through `createMockTransport()`. callChat and
 * callEmbedding also route any deployment with `mock_response` (or `mock_tool_calls`,
 * `mock_timeout`) here.
 */
export const mockProvider: ProviderAdapter = {
  id: "mock",
  mapError: (response, deployment) => mapOpenAIError(response, deployment, deployment.provider),
  chat: {
    ...chat,
    buildRequest(ctx) {
      const request = chat.buildRequest({ ...ctx, deployment: mockDeployment(ctx.deployment) });
      return withMockOptions(request, ctx.deployment, ctx.request, ctx.callId);
    },
  },
  embeddings: {
    ...embeddings,
    buildRequest(ctx) {
      const request = embeddings.buildRequest({
        ...ctx,
        deployment: mockDeployment(ctx.deployment),
      });
      return withMockOptions(request, ctx.deployment, ctx.request, ctx.callId);
    },
  },
};
