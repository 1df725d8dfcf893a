import type { ProviderRegistry, Transport } from "@org/core";
import type { CallChat, CallEmbedding } from "../call/call-functions.ts";
import type { ResolvedSettings } from "../config/resolve-settings.ts";
import type { ModelTable } from "../deployments/model-table.ts";
import type { RouterHooks } from "../hooks/router-hooks.ts";
import type { PriceOf } from "../pricing/price-of.ts";
import type { RouterStateStore } from "../state/state-store.ts";
import type { RoutingStrategy } from "../strategies/routing-strategy.ts";
import type { CountCompletionTokens, CountTokens } from "../tokens/count-tokens.ts";
import type { Clock, RouterLogger } from "../util/logger.ts";

/**
 * Everything a request needs, bundled and immutable. `setModelList` builds a new one; a request
 * keeps the runtime it started with.
 */
export interface Runtime {
  readonly settings: ResolvedSettings;
  readonly table: ModelTable;
  readonly strategy: RoutingStrategy;
  readonly store: RouterStateStore;
  readonly registry: ProviderRegistry;
  readonly transport: Transport;
  readonly callChat: CallChat;
  readonly callEmbedding: CallEmbedding;
  readonly hooks: RouterHooks;
  readonly logger: RouterLogger;
  readonly clock: Clock;
  readonly random: () => number;
  readonly priceOf: PriceOf;
  readonly countTokens: CountTokens;
  readonly countCompletionTokens: CountCompletionTokens;
}
