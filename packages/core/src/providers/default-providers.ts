import type { ProviderAdapter } from "../provider/adapter.ts";
import { ProviderRegistry } from "../provider/registry.ts";
import { anthropicProvider } from "./anthropic/index.ts";
import { azureProvider } from "./azure/index.ts";
import { mistralProvider } from "./mistral/index.ts";
import { openAICompatibleFamily } from "./openai-compatible/family/index.ts";
import { bedrockProvider } from "./bedrock/index.ts";
import { cohereProvider } from "./cohere/index.ts";
import { ollamaChatProvider, ollamaProvider } from "./ollama/index.ts";
import { geminiProvider } from "./gemini/index.ts";
import { mockProvider } from "./mock/index.ts";
import { openaiProvider } from "./openai/index.ts";
import { vertexAiProvider } from "./vertex-ai/index.ts";

/** Every built-in adapter with the extra provider ids (LiteLLM prefixes) it answers to. */
const DEFAULT_PROVIDERS: ReadonlyArray<readonly [ProviderAdapter, ...string[]]> = [
  [openaiProvider, "custom_openai", "openai_compatible"],
  [mockProvider],
  [anthropicProvider],
  [geminiProvider],
  [vertexAiProvider, "vertex_ai_beta"],
  [bedrockProvider, "bedrock_converse"],
  [cohereProvider, "cohere_chat"],
  [ollamaProvider],
  [ollamaChatProvider],
  [azureProvider],
  [mistralProvider],
  ...openAICompatibleFamily.map((adapter) => [adapter] as const),
];

/** A fresh registry of the built-in providers; callers may register more on it. */
export function defaultProviders(): ProviderRegistry {
  const registry = new ProviderRegistry();
  for (const [adapter, ...aliases] of DEFAULT_PROVIDERS) registry.register(adapter, ...aliases);
  return registry;
}
