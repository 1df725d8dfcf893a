import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";

/**
 * LiteLLM's `AZURE_DEFAULT_API_VERSION` ("updated to the latest" in LiteLLM's own words), used
 * when a deployment sets no `api_version`, so the same config reaches the same API surface.
 */
export const AZURE_DEFAULT_API_VERSION = "2025-02-01-preview";

/** `api_version` values that select the v1 API (`/openai/v1/...`, deployment name in `model`). */
const V1_VERSIONS: ReadonlySet<string> = new Set(["v1", "latest", "preview"]);

export interface AzureEndpoint {
  /** `https://{resource}.openai.azure.com`, without `/openai`. */
  root: string;
  v1: boolean;
  apiVersion: string;
}

/**
 * Where a deployment's calls go. `api_base` is the resource endpoint, with or without a trailing
 * `/openai` (or `/openai/v1`, which selects the v1 API whatever the version says).
 */
export function resolveAzureEndpoint(deployment: ProviderDeployment): AzureEndpoint {
  const base = (deployment.apiBase ?? "").trim().replace(/\/+$/, "");
  if (base === "") {
    throw new InvalidRequestError(
      `azure needs api_base (https://<resource>.openai.azure.com) for deployment ${deployment.model}`,
      { param: "api_base", code: "missing_api_base", provider: "azure" },
    );
  }
  const apiVersion = deployment.apiVersion ?? AZURE_DEFAULT_API_VERSION;
  if (/\/openai\/v1$/.test(base)) {
    return { root: base.replace(/\/openai\/v1$/, ""), v1: true, apiVersion };
  }
  return { root: base.replace(/\/openai$/, ""), v1: V1_VERSIONS.has(apiVersion), apiVersion };
}

/**
 * Classic data plane: `{root}/openai/deployments/{deployment}{operation}?api-version=...`
 * (api-version is required there). v1: `{root}/openai/v1{operation}`; `preview` and `latest`
 * are still sent as `api-version` (the v1 preview's opt-in), plain `v1` sends none.
 */
export function azureUrl(
  endpoint: AzureEndpoint,
  deploymentName: string,
  operation: "/chat/completions" | "/embeddings",
): string {
  if (endpoint.v1) {
    const query =
      V1_VERSIONS.has(endpoint.apiVersion) && endpoint.apiVersion !== "v1"
        ? `?api-version=${encodeURIComponent(endpoint.apiVersion)}`
        : "";
    return `${endpoint.root}/openai/v1${operation}${query}`;
  }
  return (
    `${endpoint.root}/openai/deployments/${encodeURIComponent(deploymentName)}${operation}` +
    `?api-version=${encodeURIComponent(endpoint.apiVersion)}`
  );
}

/**
 * `stream_options` exists on Azure from api-version 2024-09-01-preview (and on v1); older
 * versions reject it as an unrecognized argument, so usage is only requested where it exists.
 */
export function azureAcceptsStreamOptions(deployment: ProviderDeployment): boolean {
  const version = deployment.apiVersion ?? AZURE_DEFAULT_API_VERSION;
  if (V1_VERSIONS.has(version) || /\/openai\/v1\/*$/.test(deployment.apiBase ?? "")) return true;
  const date = /^(\d{4}-\d{2}-\d{2})/.exec(version)?.[1];
  return date !== undefined && date >= "2024-09-01";
}
