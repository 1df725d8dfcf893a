import { UpstreamError } from "../../errors/gateway-error.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { mapGeminiStreamError } from "./map-error.ts";
import {
  GeminiGenerateContentResponseSchema,
  GoogleRpcErrorSchema,
  type GeminiGenerateContentResponse,
} from "./wire-schemas.ts";

/**
 * Parses one `GenerateContentResponse` (a whole body, or one stream event). An `{"error": ...}`
 * payload, which Google can send with HTTP 200 once a stream has started, is thrown as the
 * mapped GatewayError: it must never read as an empty success.
 */
export function parseGeminiPayload(
  text: string,
  deployment: ProviderDeployment,
): GeminiGenerateContentResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UpstreamError(`${deployment.provider} sent a response that is not JSON`, {
      provider: deployment.provider,
    });
  }
  const error = GoogleRpcErrorSchema.safeParse(parsed);
  if (error.success) throw mapGeminiStreamError(error.data, deployment);
  const result = GeminiGenerateContentResponseSchema.safeParse(parsed);
  if (!result.success) {
    throw new UpstreamError(`${deployment.provider} sent a response in an unexpected shape`, {
      provider: deployment.provider,
      cause: result.error,
    });
  }
  return result.data;
}
