import { renameParam } from "./body-edits.ts";
import { createFamilyProvider } from "./create-family-provider.ts";

export const CEREBRAS_API_BASE = "https://api.cerebras.ai/v1";

/**
 * Cerebras. Its OpenAI-compatibility notes list fields that are a 400: `frequency_penalty`,
 * `presence_penalty`, `logit_bias`, `parallel_tool_calls`, `service_tier`. `max_completion_tokens`
 * is sent as `max_tokens` (LiteLLM does the same). Usage is reported on the last chunk; no
 * `stream_options` is sent. No embeddings endpoint.
 */
export const cerebrasProvider = createFamilyProvider({
  id: "cerebras",
  defaultApiBase: CEREBRAS_API_BASE,
  unsupportedParams: [
    "frequency_penalty",
    "presence_penalty",
    "logit_bias",
    "parallel_tool_calls",
    "service_tier",
  ],
  injectStreamUsage: false,
  embeddingsPath: false,
  transformBody: (body) => renameParam(body, "max_completion_tokens", "max_tokens"),
});
