import type { Deployment } from "../deployments/deployment.ts";
import { minuteOf } from "../state/state-store.ts";
import { orderByScore } from "./order-by-score.ts";
import type { RoutingStrategy, StrategyInput } from "./routing-strategy.ts";

/**
 * Lowest tokens used in the current minute first (`usage-based-routing` and its v2, which in
 * LiteLLM differ only in where the counters live; here both use the state store). Deployments
 * whose rpm/tpm would be exceeded are skipped by the store's atomic acquire.
 */
export function usageBased(
  name: "usage-based-routing" | "usage-based-routing-v2",
): RoutingStrategy {
  return {
    name,
    usesLatency: false,
    usesSharedCounts: true,
    order({ candidates, store, now, random }: StrategyInput): readonly Deployment[] {
      if (candidates.length < 2) return candidates;
      const minute = minuteOf(now);
      const scores = candidates.map((d) => {
        const view = store.view(d.id);
        return view.minute === minute ? view.tpm : 0;
      });
      return orderByScore(candidates, scores, random);
    },
  };
}
