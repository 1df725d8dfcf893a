import { createFamilyProvider } from "./create-family-provider.ts";

/** NVIDIA's hosted catalog; a self-hosted NIM is the same API at its own `api_base`. */
export const NVIDIA_NIM_API_BASE = "https://integrate.api.nvidia.com/v1";

/** NVIDIA NIM: OpenAI chat and embeddings (`input_type` for retrieval models passes through). */
export const nvidiaNimProvider = createFamilyProvider({
  id: "nvidia_nim",
  defaultApiBase: NVIDIA_NIM_API_BASE,
});
