import type { ProviderAdapter, RequestContext } from "../../provider/adapter.ts";
import { mapOpenAIError } from "../openai/map-error.ts";
import { createOpenAIChatAdapter } from "../openai/openai-chat-adapter.ts";
import { createOpenAIEmbeddingsAdapter } from "../openai/openai-embeddings-adapter.ts";
import { bearerAuth, type AuthHeaders } from "../openai/openai-headers.ts";

export interface OpenAICompatibleProviderOptions {
  /** Provider id as written before the `/` in `litellm_params.model`. */
  id: string;
  /** Used when the deployment sets no `api_base`. */
  defaultApiBase: string;
  /** Request params the provider rejects (enforced by callChat with drop_params). */
  unsupportedParams?: readonly string[];
  /** Headers carrying the key; default `Authorization: Bearer <key>`. */
  authHeaders?: AuthHeaders;
  /**
   * Ask for the usage chunk on streams the client did not ask it for (default true), so spend
   * can be computed. Turn off for servers that reject `stream_options`.
   */
  injectStreamUsage?: boolean;
  /** Default `/chat/completions`. */
  chatPath?: string;
  /** Default `/embeddings`; `false` for a provider without an embeddings endpoint. */
  embeddingsPath?: string | false;
  /** Last step of request building, for small body deviations (Mistral's `random_seed`, ...). */
  transformBody?: (body: Record<string, unknown>, ctx: RequestContext) => Record<string, unknown>;
}

/**
 * One OpenAI-compatible provider from a short parameter list on the shared OpenAI base, so
 * Groq, DeepSeek, vLLM and the rest are configuration rather than copies.
 */
export function createOpenAICompatibleProvider(
  options: OpenAICompatibleProviderOptions,
): ProviderAdapter {
  const { id, defaultApiBase } = options;
  const authHeaders = options.authHeaders ?? bearerAuth;
  const mapError: ProviderAdapter["mapError"] = (response, deployment) =>
    mapOpenAIError(response, deployment, id);
  const mapPayloadError = (
    status: number,
    body: string,
    deployment: RequestContext["deployment"],
  ) => mapOpenAIError({ status, headers: {}, body }, deployment, id);

  const embeddingsPath = options.embeddingsPath ?? "/embeddings";
  return {
    id,
    mapError,
    ...(options.unsupportedParams === undefined
      ? {}
      : { unsupportedParams: options.unsupportedParams }),
    chat: createOpenAIChatAdapter({
      provider: id,
      defaultApiBase,
      chatPath: options.chatPath ?? "/chat/completions",
      authHeaders,
      injectStreamUsage: options.injectStreamUsage ?? true,
      ...(options.transformBody === undefined ? {} : { transformBody: options.transformBody }),
      mapError: mapPayloadError,
    }),
    ...(embeddingsPath === false
      ? {}
      : {
          embeddings: createOpenAIEmbeddingsAdapter({
            provider: id,
            defaultApiBase,
            embeddingsPath,
            authHeaders,
            mapError: mapPayloadError,
          }),
        }),
  };
}
