import type { ProviderAdapter } from "../provider/adapter.ts";
import { ProviderRegistry } from "../provider/registry.ts";
import { mockProvider } from "./mock/mock-provider.ts";
import { openaiProvider } from "./openai/openai-provider.ts";

/** Every built-in adapter with the extra provider ids (LiteLLM prefixes) it answers to. */
const DEFAULT_PROVIDERS: ReadonlyArray<readonly [ProviderAdapter, ...string[]]> = [
  [openaiProvider, "custom_openai", "openai_compatible"],
  [mockProvider],
];

/** A fresh registry of the built-in providers; callers may register more on it. */
export function defaultProviders(): ProviderRegistry {
  const registry = new ProviderRegistry();
  for (const [adapter, ...aliases] of DEFAULT_PROVIDERS) registry.register(adapter, ...aliases);
  return registry;
}
