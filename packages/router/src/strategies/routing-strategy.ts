import type { RoutingStrategyName } from "../config/router-settings.ts";
import type { Deployment } from "../deployments/deployment.ts";
import type { RouterStateStore } from "../state/state-store.ts";

export interface StrategyInput {
  /** The group's deployments still eligible for this request (pre-call checks applied). */
  readonly candidates: readonly Deployment[];
  readonly store: RouterStateStore;
  readonly now: number;
  readonly stream: boolean;
  /** Estimated input tokens of the request. */
  readonly tokens: number;
  readonly random: () => number;
}

/**
 * A routing strategy ranks candidates; it does not filter them. The state store then reserves
 * the first one in that order that is not cooling down and is under its rpm/tpm limits, in one
 * atomic step, so the ranking may use a slightly stale view without breaking any limit.
 */
export interface RoutingStrategy {
  readonly name: RoutingStrategyName;
  /** Whether ranking needs latency samples (the Redis store then returns them). */
  readonly usesLatency: boolean;
  /**
   * Whether ranking reads counts that every instance shares (in-flight calls, rpm/tpm usage):
   * a shared store then reads them from Redis on every pick instead of picking locally.
   */
  readonly usesSharedCounts: boolean;
  order(input: StrategyInput): readonly Deployment[];
}
