import type { FallbackConfig } from "../config/router-settings.ts";

/** Model group -> fallback groups, with `"*"` as the entry for every other group. */
export type FallbackMap = ReadonlyMap<string, readonly string[]>;

export const EMPTY_FALLBACKS: FallbackMap = new Map();

/**
 * Accepts LiteLLM's list of one-key objects (`[{"a": ["b"]}]`), a plain object map, or a list
 * of group names (the per-request form, `fallbacks: ["b", "c"]`, which applies to the group the
 * request named: `forGroup`).
 */
export function toFallbackMap(
  config: FallbackConfig | readonly string[] | undefined | null,
  forGroup?: string,
): FallbackMap {
  if (config === undefined || config === null) return EMPTY_FALLBACKS;
  const map = new Map<string, string[]>();
  const add = (group: string, targets: unknown) => {
    const list = Array.isArray(targets) ? targets : [targets];
    const names = list.filter((t): t is string => typeof t === "string" && t.length > 0);
    if (names.length > 0) map.set(group, [...(map.get(group) ?? []), ...names]);
  };
  if (Array.isArray(config)) {
    for (const item of config as unknown[]) {
      if (typeof item === "string") {
        if (forGroup !== undefined) add(forGroup, item);
      } else if (item !== null && typeof item === "object") {
        for (const [group, targets] of Object.entries(item)) add(group, targets);
      }
    }
  } else if (typeof config === "object") {
    for (const [group, targets] of Object.entries(config)) add(group, targets);
  }
  return map;
}

/**
 * The fallback groups for `group`: its own entry, else the entry of the group without its
 * provider prefix (a wildcard request "openai/gpt-4o" matches an entry "gpt-4o"), else `"*"`.
 * This is LiteLLM's lookup order.
 */
export function fallbacksFor(map: FallbackMap, group: string): readonly string[] | undefined {
  if (map.size === 0) return undefined;
  const exact = map.get(group);
  if (exact !== undefined) return exact;
  const slash = group.indexOf("/");
  if (slash > 0) {
    const stripped = map.get(group.slice(slash + 1));
    if (stripped !== undefined) return stripped;
  }
  return map.get("*");
}

export function withDefaultFallbacks(
  map: FallbackMap,
  defaults: readonly string[] | undefined,
): FallbackMap {
  if (defaults === undefined || defaults.length === 0 || map.has("*")) return map;
  const merged = new Map(map);
  merged.set("*", [...defaults]);
  return merged;
}
