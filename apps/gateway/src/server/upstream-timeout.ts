import { resolveSettings, type RouterSettings } from "@org/router";
import type { UpstreamTimeoutInfo } from "./banner.ts";

/** The upstream timeouts the router will apply, as the banner shows them. */
export function upstreamTimeoutOf(settings: RouterSettings): UpstreamTimeoutInfo {
  const resolved = resolveSettings(settings);
  return {
    seconds: resolved.timeoutMs / 1000,
    ...(resolved.streamTimeoutMs === undefined
      ? {}
      : { streamSeconds: resolved.streamTimeoutMs / 1000 }),
    isDefault: settings.timeout === undefined,
  };
}
