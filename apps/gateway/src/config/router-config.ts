import { z } from "zod";
import type { GatewayConfig } from "./config-schema.ts";
import type { LitellmParams, ModelInfo } from "./model-list-schema.ts";
import { routerSettingsShape, type Fallbacks } from "./router-settings-schema.ts";
import { formatPath } from "./yaml-path.ts";

const knownRouterSettings = z.object(routerSettingsShape);

/**
 * The effective router settings, in LiteLLM's snake_case `Router(...)` argument names. Only
 * what the config sets is present: defaults belong to @org/router. Fallback lists are always in
 * LiteLLM's one-key-per-entry form.
 */
export type RouterSettings = Omit<
  z.output<typeof knownRouterSettings>,
  "fallbacks" | "context_window_fallbacks" | "content_policy_fallbacks"
> & {
  fallbacks?: Fallbacks;
  context_window_fallbacks?: Fallbacks;
  content_policy_fallbacks?: Fallbacks;
  /** From litellm_settings.drop_params (LiteLLM keeps it module-wide, not on the Router). */
  drop_params?: boolean;
};

/** One deployment, in LiteLLM's `model_list` shape, as @org/router consumes it. */
export interface RouterModel {
  model_name: string;
  /** Typed fields plus every provider-specific key, passed through; unset values removed. */
  litellm_params: LitellmParams;
  model_info?: ModelInfo;
}

export interface RouterConfig {
  modelList: RouterModel[];
  settings: RouterSettings;
}

/**
 * litellm_settings keys that LiteLLM's Router also reads (it falls back to the `litellm`
 * module values), mapped to their router_settings names.
 *
 * Precedence, as in LiteLLM ("settings on router_settings override those on litellm_settings"):
 *   1. router_settings.<name>
 *   2. litellm_settings.<litellm name>   (request_timeout is the Router's `timeout`)
 *   3. unset: @org/router applies its defaults
 * The winner replaces the other whole; fallback lists are not concatenated.
 */
export const ROUTER_KEYS_FROM_LITELLM_SETTINGS = {
  num_retries: "num_retries",
  request_timeout: "timeout",
  allowed_fails: "allowed_fails",
  fallbacks: "fallbacks",
  context_window_fallbacks: "context_window_fallbacks",
  content_policy_fallbacks: "content_policy_fallbacks",
  default_fallbacks: "default_fallbacks",
  drop_params: "drop_params",
} as const satisfies Record<string, keyof RouterSettings>;

const FALLBACK_KEYS = [
  "fallbacks",
  "context_window_fallbacks",
  "content_policy_fallbacks",
] as const;

/** Where an effective router setting came from, as a config path (for messages). */
export function routerSettingPath(
  config: GatewayConfig,
  name: keyof RouterSettings,
): ["router_settings" | "litellm_settings", string] | undefined {
  if (config.router_settings?.[name] !== undefined) return ["router_settings", name];
  for (const [litellmName, routerName] of Object.entries(ROUTER_KEYS_FROM_LITELLM_SETTINGS)) {
    if (routerName === name && config.litellm_settings?.[litellmName] !== undefined) {
      return ["litellm_settings", litellmName];
    }
  }
  return undefined;
}

export function buildRouterConfig(config: GatewayConfig): {
  router: RouterConfig;
  warnings: string[];
} {
  const warnings: string[] = [];
  const settings: Record<string, unknown> = {};

  for (const [litellmName, routerName] of Object.entries(ROUTER_KEYS_FROM_LITELLM_SETTINGS)) {
    const value = config.litellm_settings?.[litellmName];
    if (value !== undefined) settings[routerName] = value;
  }
  const routerSettings = config.router_settings ?? {};
  for (const name of Object.keys(routerSettingsShape)) {
    const value = routerSettings[name];
    if (value === undefined) continue;
    const shadowed = Object.entries(ROUTER_KEYS_FROM_LITELLM_SETTINGS).find(
      ([litellmName, routerName]) =>
        routerName === name && config.litellm_settings?.[litellmName] !== undefined,
    );
    if (shadowed) {
      warnings.push(
        `${formatPath(["litellm_settings", shadowed[0]])} is overridden by ${formatPath(["router_settings", name])}; router_settings wins, as in LiteLLM`,
      );
    }
    settings[name] = value;
  }

  for (const key of FALLBACK_KEYS) {
    const entries = settings[key] as Fallbacks | undefined;
    if (entries === undefined) continue;
    const origin = routerSettingPath(config, key);
    settings[key] = entries.flatMap((entry, index) => {
      const sources = Object.keys(entry);
      if (sources.length > 1 && origin) {
        // LiteLLM only reads the first key of each entry; we honour every key instead of
        // silently dropping the rest, and say so.
        warnings.push(
          `${formatPath([...origin, index])}: lists ${sources.length} model groups in one entry (${sources.join(", ")}); LiteLLM only reads the first, this gateway uses all of them`,
        );
      }
      return sources.map((source) => ({ [source]: entry[source] ?? [] }));
    });
  }

  const modelList: RouterModel[] = (config.model_list ?? []).map((entry) => ({
    model_name: entry.model_name,
    litellm_params: withoutUndefined(entry.litellm_params),
    ...(entry.model_info ? { model_info: withoutUndefined(entry.model_info) } : {}),
  }));

  return { router: { modelList, settings: settings as RouterSettings }, warnings };
}

/** Unset `os.environ/` references leave undefined values; the router should just see "unset". */
function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
