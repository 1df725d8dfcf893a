import type { FallbackConfig } from "../config/router-settings.ts";
import type { Runtime } from "../execution/runtime.ts";
import { toFallbackMap } from "./fallback-map.ts";

/** The fallback groups a request names itself (any entry, any map), for the access check. */
export function bodyFallbacks(
  rt: Runtime,
  configs: readonly (FallbackConfig | string[] | undefined)[],
  forGroup: string,
): { model: string; group?: string }[] {
  const names = new Set<string>();
  for (const config of configs)
    for (const targets of toFallbackMap(config, forGroup).values())
      for (const name of targets) names.add(name);
  return [...names].map((model) => {
    const group = rt.table.resolve(model)?.name;
    return group === undefined ? { model } : { model, group };
  });
}
