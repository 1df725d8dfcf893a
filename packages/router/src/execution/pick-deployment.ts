import type { Deployment } from "../deployments/deployment.ts";
import { NoDeploymentsAvailableError } from "../errors/no-deployments-error.ts";
import { hasRoom } from "../state/memory-state-store.ts";
import type { AcquireResult } from "../state/state-store.ts";
import { isPromiseLike, minuteOf } from "../state/state-store.ts";
import type { RequestState } from "./request-state.ts";
import type { Runtime } from "./runtime.ts";

/**
 * Ranks the candidates with the routing strategy, then reserves the first usable one in the
 * store (one atomic step, one Redis round trip). Deployments this request already tried go to
 * the back, so a retry lands elsewhere when it can. Throws a 429 naming the group when every
 * candidate is cooling down or at its limit. Synchronous with a synchronous store (the memory
 * store): no promise, and no await for the caller, per attempt.
 */
export function pickDeployment(
  rt: Runtime,
  state: RequestState,
  group: string,
  candidates: readonly Deployment[],
  tried: readonly string[],
): Deployment | Promise<Deployment> {
  const now = rt.clock.now();
  const ranked = rt.strategy.order({
    candidates,
    store: rt.store,
    now,
    stream: state.ctx.stream,
    tokens: state.tokens,
    random: rt.random,
  });
  const order = tried.length === 0 ? ranked : untriedFirst(ranked, tried);
  const pending = rt.store.acquire({
    candidates: order,
    now,
    tokens: state.tokens,
    withLatency: rt.strategy.usesLatency,
    sharedCounts: rt.strategy.usesSharedCounts,
  });
  if (isPromiseLike(pending)) {
    return Promise.resolve(pending).then((result) => chosenFrom(result, order, group, now));
  }
  return chosenFrom(pending, order, group, now);
}

function chosenFrom(
  result: AcquireResult,
  order: readonly Deployment[],
  group: string,
  now: number,
): Deployment {
  const chosen = result.index >= 0 ? order[result.index] : undefined;
  if (chosen === undefined) {
    const reason =
      result.limited === 0 ? "cooldown" : result.cooling === 0 ? "rate_limit" : "mixed";
    throw new NoDeploymentsAvailableError(group, reason, result.retryAt, now);
  }
  return chosen;
}

function untriedFirst(ranked: readonly Deployment[], tried: readonly string[]): Deployment[] {
  const fresh: Deployment[] = [];
  const again: Deployment[] = [];
  for (const d of ranked) (tried.includes(d.id) ? again : fresh).push(d);
  return fresh.concat(again);
}

/** How many candidates this instance sees as usable right now, and how many of those are untried. */
export function countHealthy(
  rt: Runtime,
  state: RequestState,
  candidates: readonly Deployment[],
  tried: readonly string[],
): { healthy: number; healthyUntried: number; recoversAt: number } {
  const now = rt.clock.now();
  const minute = minuteOf(now);
  let healthy = 0;
  let healthyUntried = 0;
  let recoversAt = Number.POSITIVE_INFINITY;
  for (const d of candidates) {
    const view = rt.store.view(d.id);
    if (view.cooldownUntil > now) {
      recoversAt = Math.min(recoversAt, view.cooldownUntil);
      continue;
    }
    const current = view.minute === minute;
    if (!hasRoom(current ? view.rpm : 0, current ? view.tpm : 0, d.rpm, d.tpm, state.tokens)) {
      recoversAt = Math.min(recoversAt, (minute + 1) * 60_000);
      continue;
    }
    healthy++;
    if (!tried.includes(d.id)) healthyUntried++;
  }
  return { healthy, healthyUntried, recoversAt };
}
