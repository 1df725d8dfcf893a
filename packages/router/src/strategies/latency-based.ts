import type { Deployment } from "../deployments/deployment.ts";
import { orderByScore, shuffleInPlace } from "./order-by-score.ts";
import type { RoutingStrategy, StrategyInput } from "./routing-strategy.ts";

/**
 * Lowest recent latency first: the mean of the last samples (per output token when usage was
 * known), or for a stream the mean time to first token. A deployment without samples counts as
 * 0, so new ones get tried (LiteLLM's behaviour). Every deployment within
 * `lowest_latency_buffer` x the lowest latency is an equal candidate, picked at random.
 */
export function latencyBased(options: { buffer: number; ttlMs: number }): RoutingStrategy {
  return {
    name: "latency-based-routing",
    usesLatency: true,
    usesSharedCounts: true,
    order({ candidates, store, now, stream, random }: StrategyInput): readonly Deployment[] {
      if (candidates.length < 2) return candidates;
      const scores = candidates.map((d) => {
        const view = store.view(d.id);
        if (now - view.sampledAt > options.ttlMs) return 0;
        const value = stream && !Number.isNaN(view.ttft) ? view.ttft : view.latency;
        return Number.isNaN(value) ? 0 : value;
      });
      const ordered = orderByScore(candidates, scores, random);
      const lowest = Math.min(...scores);
      const limit = lowest + options.buffer * lowest;
      let within = 0;
      for (const score of scores) if (score <= limit) within++;
      // orderByScore already shuffled equal scores; a buffer widens "equal" to a band.
      if (options.buffer > 0 && within > 1) shuffleInPlace(ordered, 0, within, random);
      return ordered;
    },
  };
}
