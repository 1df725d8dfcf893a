import { AuthenticationError } from "../../errors/gateway-error.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";

/**
 * The Gemini API key goes in the `x-goog-api-key` header (Google's SDKs do the same), not in a
 * `?key=` query parameter, so it never lands in URL logs. LiteLLM falls back to the
 * GEMINI_API_KEY environment variable; that resolution is the app's job.
 */
export function geminiAuthHeaders(deployment: ProviderDeployment): Record<string, string> {
  if (!deployment.apiKey) {
    throw new AuthenticationError(
      `No API key for ${deployment.provider}/${deployment.model}: set api_key (LiteLLM reads GEMINI_API_KEY)`,
      { provider: deployment.provider },
    );
  }
  return { "x-goog-api-key": deployment.apiKey };
}
