import type { Deployment } from "../deployments/deployment.ts";
import type { ModelTable } from "../deployments/model-table.ts";
import { fallbacksFor, type FallbackMap } from "../fallbacks/fallback-map.ts";

/**
 * Every deployment a request may end up on: its group's, plus those of every group its
 * fallbacks (configured or sent in the body: `fallbacks`, `context_window_fallbacks`,
 * `content_policy_fallbacks`) reach within `maxFallbacks` hops, as `runWithFallbacks` walks
 * them. The budget hold is priced over all of them: a request that fails over from a cheap group
 * to a dear one must not run on the cheap group's hold (a caller could force that with a prompt
 * the cheap model's context window refuses).
 */
export function reachableDeployments(
  table: ModelTable,
  groupName: string,
  groupDeployments: readonly Deployment[],
  maps: readonly FallbackMap[],
  maxFallbacks: number,
): readonly Deployment[] {
  const used = maps.filter((map) => map.size > 0);
  if (used.length === 0) return groupDeployments;
  const deployments = [...groupDeployments];
  const seen = new Set([groupName]);
  let frontier = [groupName];
  for (let depth = 0; depth < maxFallbacks && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const name of frontier) {
      for (const map of used) {
        for (const target of fallbacksFor(map, name) ?? []) {
          if (seen.has(target)) continue;
          seen.add(target);
          const group = table.resolve(target);
          if (group === undefined) continue;
          deployments.push(...group.deployments);
          next.push(target);
        }
      }
    }
    frontier = next;
  }
  return deployments;
}
