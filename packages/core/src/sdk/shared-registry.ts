import type { ProviderRegistry } from "../provider/registry.ts";
import { defaultProviders } from "../providers/default-providers.ts";

let shared: ProviderRegistry | undefined;

/** The built-in providers, built once for the SDK. */
export function sharedRegistry(): ProviderRegistry {
  shared ??= defaultProviders();
  return shared;
}
