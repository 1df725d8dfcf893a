import { createFamilyProvider } from "./create-family-provider.ts";

export const TOGETHER_AI_API_BASE = "https://api.together.xyz/v1";

/**
 * Together AI. Extra sampling fields (`top_k`, `repetition_penalty`, `min_p`) pass through.
 * It ends some answers with `finish_reason: "eos"` and reports usage on the last chunk without
 * being asked, so the gateway re-encodes (no byte passthrough) and does not send
 * `stream_options`.
 */
export const togetherAiProvider = createFamilyProvider({
  id: "together_ai",
  defaultApiBase: TOGETHER_AI_API_BASE,
  injectStreamUsage: false,
  passthrough: false,
});
