import { createFamilyProvider } from "./create-family-provider.ts";

export const DEEPINFRA_API_BASE = "https://api.deepinfra.com/v1/openai";

/** DeepInfra's OpenAI-compatible API: chat and embeddings. */
export const deepinfraProvider = createFamilyProvider({
  id: "deepinfra",
  defaultApiBase: DEEPINFRA_API_BASE,
});
