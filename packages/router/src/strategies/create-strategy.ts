import type { ResolvedSettings } from "../config/resolve-settings.ts";
import type { PriceOf } from "../pricing/price-of.ts";
import { costBased } from "./cost-based.ts";
import { latencyBased } from "./latency-based.ts";
import { leastBusy } from "./least-busy.ts";
import type { RoutingStrategy } from "./routing-strategy.ts";
import { simpleShuffle } from "./simple-shuffle.ts";
import { usageBased } from "./usage-based.ts";

export function createStrategy(settings: ResolvedSettings, priceOf: PriceOf): RoutingStrategy {
  switch (settings.strategy) {
    case "simple-shuffle":
      return simpleShuffle();
    case "least-busy":
      return leastBusy();
    case "usage-based-routing":
    case "usage-based-routing-v2":
      return usageBased(settings.strategy);
    case "latency-based-routing":
      return latencyBased({ buffer: settings.latencyBuffer, ttlMs: settings.latencyTtlMs });
    case "cost-based-routing":
      return costBased(priceOf);
  }
}
