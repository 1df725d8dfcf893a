import type { ProviderDeployment } from "../../../provider/deployment.ts";
import { createFamilyProvider } from "./create-family-provider.ts";
import { mapOpenRouterError } from "./map-openrouter-error.ts";

export const OPENROUTER_API_BASE = "https://openrouter.ai/api/v1";

/**
 * OpenRouter. Model ids are `vendor/model` (the part after `openrouter/`); its own fields
 * (`provider`, `models`, `transforms`, `route`, `reasoning`) pass through. Usage is always
 * included in streams (its `stream_options.include_usage` is a deprecated no-op), so none is
 * requested and streams stay byte passthrough. `delta.reasoning` is mirrored to
 * `reasoning_content`. Attribution headers come from `or_site_url` / `or_app_name` in
 * litellm_params (LiteLLM reads OR_SITE_URL / OR_APP_NAME from the environment; the app
 * resolves those into the params).
 */
export const openrouterProvider = createFamilyProvider({
  id: "openrouter",
  defaultApiBase: OPENROUTER_API_BASE,
  injectStreamUsage: false,
  headers: openrouterHeaders,
  mapError: mapOpenRouterError,
});

function openrouterHeaders(deployment: ProviderDeployment): Record<string, string> {
  const headers: Record<string, string> = {};
  const site = deployment.params.or_site_url;
  const app = deployment.params.or_app_name;
  if (typeof site === "string" && site !== "") headers["http-referer"] = site;
  if (typeof app === "string" && app !== "") headers["x-title"] = app;
  return headers;
}
