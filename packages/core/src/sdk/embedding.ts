import { randomUUID } from "node:crypto";
import { callEmbedding } from "../call/call-embedding.ts";
import {
  EmbeddingRequestSchema,
  type EmbeddingRequest,
  type EmbeddingResponse,
} from "../openai/embeddings.ts";
import { DEFAULT_SDK_TIMEOUT_SECONDS, type SdkCallOptions } from "./sdk-call-options.ts";
import { sdkDeployment } from "./sdk-deployment.ts";
import { invalidParamsError } from "./invalid-params-error.ts";
import { sharedRegistry } from "./shared-registry.ts";
import { sharedTransport } from "./shared-transport.ts";

export type EmbeddingParams = EmbeddingRequest & SdkCallOptions;

/**
 * LiteLLM's `embedding()` without a gateway.
 *
 * ```ts
 * const { data } = await embedding({ model: "openai/text-embedding-3-small", api_key, input: ["hello"] });
 * ```
 */
export async function embedding(params: EmbeddingParams): Promise<EmbeddingResponse> {
  const {
    api_key,
    api_base,
    base_url,
    api_version,
    extra_headers,
    timeout,
    drop_params,
    signal,
    transport,
    registry,
    ...body
  } = params;
  const parsed = EmbeddingRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidParamsError(parsed.error);
  const request = parsed.data;

  const result = await callEmbedding({
    registry: registry ?? sharedRegistry(),
    deployment: sdkDeployment(request.model, {
      api_key,
      api_base,
      base_url,
      api_version,
      extra_headers,
      drop_params,
    }),
    request,
    callId: randomUUID(),
    transport: transport ?? sharedTransport(),
    signal,
    timeoutMs: (timeout ?? DEFAULT_SDK_TIMEOUT_SECONDS) * 1000,
  });
  return result.response;
}
