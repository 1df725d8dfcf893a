import { AuthenticationError } from "../../errors/gateway-error.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";

/**
 * `Authorization: Bearer <OAuth access token>`. The token comes from litellm_params
 * `vertex_credentials` when that is a bare access token (`ya29....`), else from `api_key`.
 *
 * Not done here: turning a service-account JSON key (what LiteLLM usually gets in
 * `vertex_credentials`, or finds through GOOGLE_APPLICATION_CREDENTIALS) into a token. That is
 * a signed-JWT exchange with oauth2.googleapis.com: I/O, with a cache and refresh, which a pure
 * adapter cannot do. Such a deployment fails with a clear AuthenticationError until the app
 * resolves a token and passes it as `api_key`.
 */
export function vertexAuthHeaders(deployment: ProviderDeployment): Record<string, string> {
  const credentials =
    deployment.params.vertex_credentials ?? deployment.params.vertex_ai_credentials;
  const token =
    typeof credentials === "string" && isAccessToken(credentials)
      ? credentials.trim()
      : deployment.apiKey;
  if (token) return { authorization: `Bearer ${token}` };
  const why =
    credentials !== undefined && credentials !== null
      ? "vertex_credentials holds a service-account key or file path, and exchanging it for an access token is not implemented yet; pass an OAuth access token as api_key or vertex_credentials"
      : "set vertex_credentials (an OAuth access token) or api_key";
  throw new AuthenticationError(
    `No access token for ${deployment.provider}/${deployment.model}: ${why}`,
    {
      provider: deployment.provider,
    },
  );
}

/** A bare token, not a JSON key (`{...}`) or a path to one. */
function isAccessToken(value: string): boolean {
  const trimmed = value.trim();
  return (
    trimmed !== "" &&
    !trimmed.startsWith("{") &&
    !/\.json$/i.test(trimmed) &&
    !/[\s/\\]/.test(trimmed)
  );
}
