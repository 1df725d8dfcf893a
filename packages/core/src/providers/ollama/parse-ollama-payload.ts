import { UpstreamError } from "../../errors/gateway-error.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { mapOllamaError } from "./map-error.ts";
import {
  OllamaChatResponseSchema,
  OllamaErrorBodySchema,
  type OllamaChatResponse,
} from "./wire-schemas.ts";

/**
 * One Ollama chat object (a whole answer or one NDJSON line). An `{"error": ...}` object, which
 * Ollama sends as the last line when a stream fails, throws the mapped error (with the
 * `status` it may carry, else 500).
 */
export function parseOllamaPayload(
  text: string,
  deployment: ProviderDeployment,
): OllamaChatResponse {
  const provider = deployment.provider;
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new UpstreamError(`${provider} sent a line that is not JSON`, { provider });
  }
  const error = OllamaErrorBodySchema.safeParse(payload);
  if (error.success) {
    throw mapOllamaError({ status: error.data.status ?? 500, headers: {}, body: text }, deployment);
  }
  const parsed = OllamaChatResponseSchema.safeParse(payload);
  if (!parsed.success) {
    throw new UpstreamError(`${provider} sent a chat response in an unexpected shape`, {
      provider,
    });
  }
  return parsed.data;
}
