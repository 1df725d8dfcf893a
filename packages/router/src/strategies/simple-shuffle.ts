import type { Deployment } from "../deployments/deployment.ts";
import { orderByScore } from "./order-by-score.ts";
import type { RoutingStrategy, StrategyInput } from "./routing-strategy.ts";

/**
 * LiteLLM's default: a random pick weighted by `weight`, else by `rpm`, else by `tpm`, else
 * uniform. The rest of the order is weighted the same way (Efraimidis-Spirakis keys), so when the
 * first pick is cooling down or at its limit the next one is still a weighted choice.
 */
export function simpleShuffle(): RoutingStrategy {
  return {
    name: "simple-shuffle",
    usesLatency: false,
    usesSharedCounts: false,
    order({ candidates, random }: StrategyInput): readonly Deployment[] {
      if (candidates.length < 2) return candidates;
      const weightOf = pickWeight(candidates);
      const scores = candidates.map((d) => {
        const w = weightOf(d);
        // -ln(u)/w: the smallest key wins with probability w / sum(w). Weight 0 goes last.
        return w > 0 ? -Math.log(1 - random()) / w : Number.POSITIVE_INFINITY;
      });
      return orderByScore(candidates, scores, random);
    },
  };
}

function pickWeight(candidates: readonly Deployment[]): (d: Deployment) => number {
  if (candidates.some((d) => d.weight !== undefined)) return (d) => d.weight ?? 0;
  if (candidates.some((d) => d.rpm !== undefined)) return (d) => d.rpm ?? 0;
  if (candidates.some((d) => d.tpm !== undefined)) return (d) => d.tpm ?? 0;
  return () => 1;
}
