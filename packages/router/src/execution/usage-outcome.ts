import type { BillableUsage, Usage } from "@org/core";
import type { PostCallOutcome } from "../hooks/router-hooks.ts";
import { usageCost } from "../pricing/price-of.ts";
import type { RequestState } from "./request-state.ts";
import type { Runtime } from "./runtime.ts";

/** Usage for the post-call hook: the upstream's, else an estimate; plus its cost. */
export function usageOutcome(
  rt: Runtime,
  state: RequestState,
  usage: Usage | undefined,
  estimatedCompletionTokens: number,
): Pick<PostCallOutcome, "usage" | "usageEstimated" | "cost"> {
  if (usage !== undefined) {
    return { usage, ...costOutcome(rt, state, usage) };
  }
  const completion = estimatedCompletionTokens;
  const estimated = {
    prompt_tokens: state.tokens,
    completion_tokens: completion,
    total_tokens: state.tokens + completion,
  };
  return { usage: estimated, usageEstimated: true, ...costOutcome(rt, state, estimated) };
}

/** The charge, through the same price port as the reservation (cache, reasoning, tiers). */
export function costOutcome(
  rt: Runtime,
  state: RequestState,
  usage: BillableUsage,
): Pick<PostCallOutcome, "cost"> {
  if (state.answeredBy === undefined) return {};
  const { start, end } = state.ctx.timings;
  const seconds = ((end ?? rt.clock.now()) - start) / 1000;
  const cost = usageCost(rt.priceOf(state.answeredBy), usage, state.ctx.kind, seconds);
  return cost === undefined ? {} : { cost };
}
