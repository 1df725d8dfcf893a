import { GatewayError } from "../../errors/gateway-error.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import type { GeminiMethod } from "../gemini/gemini-url.ts";
import { modelPathSegment } from "../gemini/model-path-segment.ts";

/** LiteLLM's default when `vertex_location` is not set. */
export const VERTEX_DEFAULT_LOCATION = "us-central1";
export const VERTEX_API_VERSION = "v1";

/**
 * `https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:{method}`
 * (`https://aiplatform.googleapis.com/...` for `location: global`), `?alt=sse` when streaming.
 *
 * From litellm_params: `vertex_project` (or `vertex_ai_project`), `vertex_location` (or
 * `vertex_ai_location`), `api_version` (`v1beta1` for preview features). `api_base` replaces the
 * scheme and host (a proxy, a Private Service Connect endpoint, a fake in tests); an `api_base`
 * that already names the model (`.../models/{model}`, LiteLLM's proxy form) only gets
 * `:{method}` appended.
 */
export function vertexUrl(deployment: ProviderDeployment, method: GeminiMethod): string {
  const suffix = method === "streamGenerateContent" ? "?alt=sse" : "";
  const apiBase = deployment.apiBase?.replace(/\/+$/, "");
  if (apiBase !== undefined && /\/(models|endpoints)\/[^/]+$/.test(apiBase)) {
    return `${apiBase}:${method}${suffix}`;
  }
  const project = stringParam(deployment, "vertex_project", "vertex_ai_project");
  if (project === undefined) {
    throw new GatewayError(
      500,
      "api_error",
      `Deployment ${deployment.provider}/${deployment.model} has no vertex_project in its litellm_params`,
      { code: "deployment_misconfigured", provider: deployment.provider },
    );
  }
  const location =
    stringParam(deployment, "vertex_location", "vertex_ai_location") ?? VERTEX_DEFAULT_LOCATION;
  const host =
    apiBase ??
    (location === "global"
      ? "https://aiplatform.googleapis.com"
      : `https://${location}-aiplatform.googleapis.com`);
  const version = deployment.apiVersion ?? VERTEX_API_VERSION;
  // One encoded path segment: behind `vertex_ai/*` the name is the client's.
  const model = modelPathSegment(deployment.model.replace(/^models\//, ""));
  return `${host}/${version}/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}/publishers/google/models/${model}:${method}${suffix}`;
}

function stringParam(deployment: ProviderDeployment, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = deployment.params[name];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}
