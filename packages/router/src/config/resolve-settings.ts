import type { FallbackMap } from "../fallbacks/fallback-map.ts";
import { toFallbackMap, withDefaultFallbacks } from "../fallbacks/fallback-map.ts";
import { secondsToMs, toNumber } from "../util/to-number.ts";
import type {
  AllowedFailsPolicy,
  RetryPolicy,
  RouterSettings,
  RoutingStrategyName,
} from "./router-settings.ts";

/**
 * Router settings with LiteLLM's defaults applied and units converted to milliseconds, computed
 * once per configuration so the request path never re-reads the raw config.
 */
export interface ResolvedSettings {
  readonly strategy: RoutingStrategyName;
  readonly numRetries: number;
  readonly retryAfterMs: number;
  readonly timeoutMs: number;
  readonly streamTimeoutMs: number | undefined;
  readonly allowedFails: number;
  /**
   * allowed_fails set to something other than LiteLLM's default (3). LiteLLM then counts every
   * failure against it, even for a group's only deployment; left alone, its default rules spare
   * single-deployment groups (see failure-policy.ts).
   */
  readonly allowedFailsConfigured: boolean;
  readonly cooldownMs: number;
  readonly disableCooldowns: boolean;
  readonly fallbacks: FallbackMap;
  readonly contextWindowFallbacks: FallbackMap;
  readonly contentPolicyFallbacks: FallbackMap;
  readonly maxFallbacks: number;
  readonly aliases: ReadonlyMap<string, { group: string; hidden: boolean }>;
  readonly preCallChecks: boolean;
  readonly retryPolicy: RetryPolicy | undefined;
  readonly groupRetryPolicy: Readonly<Record<string, RetryPolicy>>;
  readonly allowedFailsPolicy: AllowedFailsPolicy | undefined;
  readonly latencyBuffer: number;
  readonly latencyTtlMs: number;
  readonly maxLatencySamples: number;
  readonly dropParams: boolean | undefined;
}

export const ROUTING_STRATEGIES: readonly RoutingStrategyName[] = [
  "simple-shuffle",
  "least-busy",
  "usage-based-routing",
  "usage-based-routing-v2",
  "latency-based-routing",
  "cost-based-routing",
];

/** LiteLLM's defaults: openai.DEFAULT_MAX_RETRIES, litellm.allowed_fails, DEFAULT_COOLDOWN_TIME_SECONDS, ... */
export const DEFAULTS = {
  numRetries: 2,
  allowedFails: 3,
  cooldownSeconds: 5,
  /** litellm.request_timeout */
  timeoutSeconds: 6000,
  maxFallbacks: 5,
  latencyTtlSeconds: 3600,
  maxLatencySamples: 10,
} as const;

export function resolveSettings(settings: RouterSettings = {}): ResolvedSettings {
  const strategy = settings.routing_strategy ?? "simple-shuffle";
  if (!ROUTING_STRATEGIES.includes(strategy)) {
    throw new Error(
      `Unknown routing_strategy "${String(strategy)}". Expected one of: ${ROUTING_STRATEGIES.join(", ")}`,
    );
  }
  const args = settings.routing_strategy_args ?? {};
  const aliases = new Map<string, { group: string; hidden: boolean }>();
  for (const [alias, target] of Object.entries(settings.model_group_alias ?? {})) {
    if (typeof target === "string") aliases.set(alias, { group: target, hidden: false });
    else if (target !== null && typeof target === "object" && typeof target.model === "string") {
      aliases.set(alias, { group: target.model, hidden: target.hidden === true });
    }
  }
  return {
    strategy,
    numRetries: Math.max(0, Math.floor(toNumber(settings.num_retries) ?? DEFAULTS.numRetries)),
    retryAfterMs: secondsToMs(settings.retry_after) ?? 0,
    timeoutMs: secondsToMs(settings.timeout) ?? DEFAULTS.timeoutSeconds * 1000,
    streamTimeoutMs: secondsToMs(settings.stream_timeout),
    allowedFails: Math.max(0, toNumber(settings.allowed_fails) ?? DEFAULTS.allowedFails),
    allowedFailsConfigured:
      (toNumber(settings.allowed_fails) ?? DEFAULTS.allowedFails) !== DEFAULTS.allowedFails,
    // LiteLLM: `cooldown_time or DEFAULT_COOLDOWN_TIME_SECONDS`, so 0 also means the default.
    cooldownMs: secondsToMs(settings.cooldown_time) || DEFAULTS.cooldownSeconds * 1000,
    disableCooldowns: settings.disable_cooldowns === true,
    fallbacks: withDefaultFallbacks(toFallbackMap(settings.fallbacks), settings.default_fallbacks),
    contextWindowFallbacks: toFallbackMap(settings.context_window_fallbacks),
    contentPolicyFallbacks: toFallbackMap(settings.content_policy_fallbacks),
    maxFallbacks: toNumber(settings.max_fallbacks) ?? DEFAULTS.maxFallbacks,
    aliases,
    preCallChecks: settings.enable_pre_call_checks === true,
    retryPolicy: settings.retry_policy,
    groupRetryPolicy: settings.model_group_retry_policy ?? {},
    allowedFailsPolicy: settings.allowed_fails_policy,
    latencyBuffer:
      toNumber(args.lowest_latency_buffer) ?? toNumber(settings.lowest_latency_buffer) ?? 0,
    latencyTtlMs: secondsToMs(args.ttl) ?? DEFAULTS.latencyTtlSeconds * 1000,
    maxLatencySamples: Math.max(
      1,
      Math.floor(toNumber(args.max_latency_list_size) ?? DEFAULTS.maxLatencySamples),
    ),
    dropParams: typeof settings.drop_params === "boolean" ? settings.drop_params : undefined,
  };
}
