import { createFamilyProvider } from "./create-family-provider.ts";

/** The Hugging Face inference router's OpenAI-compatible endpoint. */
export const HUGGINGFACE_API_BASE = "https://router.huggingface.co/v1";

/**
 * Hugging Face inference providers through the router. `huggingface/<org>/<model>` lets the
 * router pick a provider; LiteLLM's `huggingface/<provider>/<org>/<model>` form names one, and
 * is sent as the router's `<org>/<model>:<provider>` (no provider-mapping lookup: adapters do
 * no I/O). With `api_base` (a dedicated Inference Endpoint) the model is sent as written.
 * The router has no OpenAI embeddings endpoint.
 */
export const huggingfaceProvider = createFamilyProvider({
  id: "huggingface",
  defaultApiBase: HUGGINGFACE_API_BASE,
  injectStreamUsage: false,
  embeddingsPath: false,
  transformBody: (body, ctx) => {
    if (ctx.deployment.apiBase !== undefined || typeof body.model !== "string") return body;
    return { ...body, model: toRouterModel(body.model) };
  },
});

/** `together/deepseek-ai/DeepSeek-R1` -> `deepseek-ai/DeepSeek-R1:together`. */
export function toRouterModel(model: string): string {
  const parts = model.split("/");
  if (parts.length < 3 || model.includes(":")) return model;
  const [provider, ...rest] = parts;
  return `${rest.join("/")}:${provider}`;
}
