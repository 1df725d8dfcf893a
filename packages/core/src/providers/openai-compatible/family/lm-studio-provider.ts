import { createFamilyProvider } from "./create-family-provider.ts";

/**
 * LM Studio's local server default. LiteLLM has no default (it reads LM_STUDIO_API_BASE); the
 * documented local address is the friendlier fallback. No key is needed; one is sent if set.
 */
export const LM_STUDIO_API_BASE = "http://localhost:1234/v1";

/** LM Studio: chat and embeddings on its local OpenAI-compatible server. */
export const lmStudioProvider = createFamilyProvider({
  id: "lm_studio",
  defaultApiBase: LM_STUDIO_API_BASE,
});
