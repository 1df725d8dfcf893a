import type { Deployment } from "../deployments/deployment.ts";
import type { PriceOf } from "../pricing/price-of.ts";
import { orderByScore } from "./order-by-score.ts";
import type { RoutingStrategy, StrategyInput } from "./routing-strategy.ts";

/** LiteLLM's cost for a deployment with no known price ($5 per token): such deployments go last. */
const UNKNOWN_PRICE = 5;

/** Cheapest first, by input + output price per token from the price port (the catalog). */
export function costBased(priceOf: PriceOf): RoutingStrategy {
  return {
    name: "cost-based-routing",
    usesLatency: false,
    usesSharedCounts: false,
    order({ candidates, random }: StrategyInput): readonly Deployment[] {
      if (candidates.length < 2) return candidates;
      const scores = candidates.map((d) => {
        const price = priceOf(d);
        return price === undefined
          ? 2 * UNKNOWN_PRICE
          : price.input_cost_per_token + price.output_cost_per_token;
      });
      return orderByScore(candidates, scores, random);
    },
  };
}
