import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";

/**
 * Azure takes a resource key in `api-key` (not Bearer), or a Microsoft Entra ID token as
 * `Authorization: Bearer` (`azure_ad_token` in litellm_params). As in LiteLLM, the key wins
 * when both are set. Fetching or refreshing tokens (LiteLLM's `oidc/...` exchange, client
 * credentials) is I/O, so it is the app's job: the adapter takes a ready token.
 */
export function azureAuthHeaders(deployment: ProviderDeployment): Record<string, string> {
  if (deployment.apiKey) return { "api-key": deployment.apiKey };
  const token = deployment.params.azure_ad_token;
  if (typeof token !== "string" || token === "") return {};
  if (token.startsWith("oidc/")) {
    throw new InvalidRequestError(
      "azure_ad_token is an oidc/ reference; exchange it for an Entra ID token before the call",
      { param: "azure_ad_token", provider: "azure" },
    );
  }
  return { authorization: `Bearer ${token}` };
}
