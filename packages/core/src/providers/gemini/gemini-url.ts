import type { ProviderDeployment } from "../../provider/deployment.ts";
import { modelPathSegment } from "./model-path-segment.ts";

export const GEMINI_API_BASE = "https://generativelanguage.googleapis.com";
export const GEMINI_API_VERSION = "v1beta";

export type GeminiMethod =
  "generateContent" | "streamGenerateContent" | "embedContent" | "batchEmbedContents";

/**
 * `{api_base}/{version}/models/{model}:{method}`, with `?alt=sse` for streaming: without it the
 * stream endpoint sends one JSON array piece by piece instead of SSE.
 *
 * `api_base` defaults to Google's host; LiteLLM's own form, an `api_base` that already ends in
 * the version (`https://proxy.example/v1beta`), is accepted too. `api_version` picks `v1`
 * instead of `v1beta`. Tuned models (`tunedModels/...`) keep their own collection in the path.
 * The model is one encoded path segment (see model-path-segment.ts).
 */
export function geminiUrl(deployment: ProviderDeployment, method: GeminiMethod): string {
  const base = (deployment.apiBase ?? GEMINI_API_BASE).replace(/\/+$/, "");
  const versioned = /\/v\d+(?:alpha|beta)?\d*$/.test(base)
    ? base
    : `${base}/${deployment.apiVersion ?? GEMINI_API_VERSION}`;
  const model = deployment.model.startsWith("tunedModels/")
    ? `tunedModels/${modelPathSegment(deployment.model.slice("tunedModels/".length))}`
    : `models/${modelPathSegment(deployment.model.replace(/^models\//, ""))}`;
  const url = `${versioned}/${model}:${method}`;
  return method === "streamGenerateContent" ? `${url}?alt=sse` : url;
}
