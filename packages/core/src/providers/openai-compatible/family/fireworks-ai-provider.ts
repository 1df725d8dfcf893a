import { renameParam } from "./body-edits.ts";
import { createFamilyProvider } from "./create-family-provider.ts";

export const FIREWORKS_AI_API_BASE = "https://api.fireworks.ai/inference/v1";

/**
 * Fireworks AI. As LiteLLM does: a bare model name gets the `accounts/fireworks/models/`
 * prefix, `tool_choice: "required"` is sent as `"any"`, and `max_completion_tokens` as
 * `max_tokens`. Usage arrives on the final chunk unasked, so no `stream_options` is sent.
 * Fireworks' own rule that non-streamed calls need `max_tokens` <= 4096 is its 400 to give.
 */
export const fireworksAiProvider = createFamilyProvider({
  id: "fireworks_ai",
  defaultApiBase: FIREWORKS_AI_API_BASE,
  injectStreamUsage: false,
  transformBody: (body) => {
    const out = renameParam(body, "max_completion_tokens", "max_tokens");
    if (typeof out.model === "string" && !out.model.startsWith("accounts/")) {
      out.model = `accounts/fireworks/models/${out.model}`;
    }
    if (out.tool_choice === "required") out.tool_choice = "any";
    return out;
  },
});
