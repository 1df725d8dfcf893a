import type { ProviderAdapter } from "../../../provider/adapter.ts";
import { cerebrasProvider } from "./cerebras-provider.ts";
import { deepinfraProvider } from "./deepinfra-provider.ts";
import { deepseekProvider } from "./deepseek-provider.ts";
import { fireworksAiProvider } from "./fireworks-ai-provider.ts";
import { groqProvider } from "./groq-provider.ts";
import { hostedVllmProvider, vllmProvider } from "./hosted-vllm-provider.ts";
import { huggingfaceProvider } from "./huggingface-provider.ts";
import { lmStudioProvider } from "./lm-studio-provider.ts";
import { nvidiaNimProvider } from "./nvidia-nim-provider.ts";
import { openrouterProvider } from "./openrouter-provider.ts";
import { perplexityProvider } from "./perplexity-provider.ts";
import { togetherAiProvider } from "./together-ai-provider.ts";
import { xaiProvider } from "./xai-provider.ts";

export { CEREBRAS_API_BASE, cerebrasProvider } from "./cerebras-provider.ts";
export { DEEPINFRA_API_BASE, deepinfraProvider } from "./deepinfra-provider.ts";
export { DEEPSEEK_API_BASE, deepseekProvider } from "./deepseek-provider.ts";
export { FIREWORKS_AI_API_BASE, fireworksAiProvider } from "./fireworks-ai-provider.ts";
export { GROQ_API_BASE, groqProvider } from "./groq-provider.ts";
export { hostedVllmProvider, vllmProvider } from "./hosted-vllm-provider.ts";
export {
  HUGGINGFACE_API_BASE,
  huggingfaceProvider,
  toRouterModel,
} from "./huggingface-provider.ts";
export { LM_STUDIO_API_BASE, lmStudioProvider } from "./lm-studio-provider.ts";
export { NVIDIA_NIM_API_BASE, nvidiaNimProvider } from "./nvidia-nim-provider.ts";
export { OPENROUTER_API_BASE, openrouterProvider } from "./openrouter-provider.ts";
export { mapOpenRouterError } from "./map-openrouter-error.ts";
export { PERPLEXITY_API_BASE, perplexityProvider } from "./perplexity-provider.ts";
export { TOGETHER_AI_API_BASE, togetherAiProvider } from "./together-ai-provider.ts";
export { XAI_API_BASE, foldReasoningTokens, xaiProvider } from "./xai-provider.ts";
export { createFamilyProvider, type FamilyProviderOptions } from "./create-family-provider.ts";
export {
  createFamilyStreamTransformer,
  type ChunkFixer,
  type FamilyStreamOptions,
} from "./family-stream-transformer.ts";
export { wrapParseResponse, type FamilyParseOptions } from "./family-parse-response.ts";
export { enforceUnsupportedParams } from "./enforce-unsupported-params.ts";
export { rawFinishReasons } from "./raw-finish-reasons.ts";
export { mapMessages, renameParam, stripMessageField, stripToolStrict } from "./body-edits.ts";

/** Every OpenAI-compatible family provider, ids as LiteLLM spells them (for registration). */
export const openAICompatibleFamily: ProviderAdapter[] = [
  groqProvider,
  deepseekProvider,
  xaiProvider,
  togetherAiProvider,
  fireworksAiProvider,
  openrouterProvider,
  perplexityProvider,
  nvidiaNimProvider,
  huggingfaceProvider,
  cerebrasProvider,
  deepinfraProvider,
  lmStudioProvider,
  hostedVllmProvider,
  vllmProvider,
];
