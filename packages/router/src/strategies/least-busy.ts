import type { Deployment } from "../deployments/deployment.ts";
import { orderByScore } from "./order-by-score.ts";
import type { RoutingStrategy, StrategyInput } from "./routing-strategy.ts";

/** Fewest calls in flight first (counted across instances when the store is shared). */
export function leastBusy(): RoutingStrategy {
  return {
    name: "least-busy",
    usesLatency: false,
    usesSharedCounts: true,
    order({ candidates, store, random }: StrategyInput): readonly Deployment[] {
      if (candidates.length < 2) return candidates;
      const scores = candidates.map((d) => store.view(d.id).inflight);
      return orderByScore(candidates, scores, random);
    },
  };
}
