import type { CacheHookContext } from "@org/cache";
import type { AuthIdentity } from "@org/budgets";

/**
 * Who may share cache entries by default: a team's keys share their team's entries; a key
 * without a team has its own; the master key (and a gateway without auth) one admin scope. So
 * one team never receives another team's answer unless the operator sets
 * `cache_params.namespace` (one namespace for everyone, on purpose).
 */
export function cacheScopeOf(ctx: CacheHookContext): string {
  const identity = ctx.metadata["identity"] as AuthIdentity | undefined;
  if (identity === undefined) return "anonymous";
  if (identity.kind !== "virtual_key") return "admin";
  if (identity.teamId) return `team:${identity.teamId}`;
  // The key's id, stable across /key/regenerate (the same owner keeps its entries).
  return `key:${identity.keyId}`;
}
