import type { ProviderAdapter } from "./adapter.ts";

/**
 * Provider ids to adapters. One registry is built at startup from `defaultProviders()` and
 * passed to the router; services may register their own adapters.
 */
export class ProviderRegistry {
  readonly #adapters = new Map<string, ProviderAdapter>();

  constructor(adapters: Iterable<ProviderAdapter> = []) {
    for (const adapter of adapters) this.register(adapter);
  }

  register(adapter: ProviderAdapter, ...aliases: string[]): this {
    this.#adapters.set(adapter.id, adapter);
    for (const alias of aliases) this.#adapters.set(alias, adapter);
    return this;
  }

  get(id: string): ProviderAdapter | undefined {
    return this.#adapters.get(id);
  }

  has(id: string): boolean {
    return this.#adapters.has(id);
  }

  ids(): string[] {
    return [...this.#adapters.keys()];
  }
}
