export { Router } from "./router.ts";
export type {
  CallOptions,
  DeploymentHealth,
  RouterChatResult,
  RouterEmbeddingResult,
  RouterHealth,
  RouterOptions,
  RouterResultMeta,
} from "./router.ts";

export type { LitellmParams, ModelInfo, ModelListEntry } from "./config/model-list.ts";
export type {
  AllowedFailsPolicy,
  FallbackConfig,
  RetryPolicy,
  RouterSettings,
  RoutingStrategyArgs,
  RoutingStrategyName,
} from "./config/router-settings.ts";
export { DEFAULTS, ROUTING_STRATEGIES, resolveSettings } from "./config/resolve-settings.ts";
export type { ResolvedSettings } from "./config/resolve-settings.ts";

export type { Deployment } from "./deployments/deployment.ts";
export type { DeploymentInfo } from "./deployments/deployment-info.ts";
export { stableDeploymentId } from "./deployments/deployment-id.ts";

export type {
  AttemptRecord,
  CostEstimate,
  DeploymentRef,
  RequestContext,
  RequestMetadata,
  RequestTimings,
} from "./context/request-context.ts";
export type {
  EmbeddingParts,
  PostCallOutcome,
  PreCallAnswer,
  RouterHooks,
} from "./hooks/router-hooks.ts";
export { composeHooks } from "./hooks/compose-hooks.ts";

export type {
  AcquireInput,
  AcquireResult,
  DeploymentLimits,
  DeploymentView,
  FailureMode,
  ReleaseInput,
  ReleaseResult,
  RouterStateStore,
  StoreStatus,
} from "./state/state-store.ts";
export { MemoryStateStore, createMemoryStateStore } from "./state/memory-state-store.ts";
export type { MemoryStateStoreOptions } from "./state/memory-state-store.ts";
export { RedisStateStore, createRedisStateStore } from "./state/redis-state-store.ts";
export type { RedisStateStoreOptions } from "./state/redis-state-store.ts";
export { createStateStore, openStateStore } from "./state/create-state-store.ts";
export type { StateStoreOptions } from "./state/create-state-store.ts";
export {
  connectRedis,
  describeRedisConnection,
  redisConnectionFrom,
} from "./config/redis-connection.ts";
export type { RedisConnection } from "./config/redis-connection.ts";

export type { RoutingStrategy, StrategyInput } from "./strategies/routing-strategy.ts";
export type { CallChat, CallEmbedding } from "./call/call-functions.ts";
export type { PriceOf } from "./pricing/price-of.ts";
export { deploymentPrice, usageCost, boundCost } from "./pricing/price-of.ts";
export type { CountCompletionTokens, CountTokens } from "./tokens/count-tokens.ts";
export { estimateCompletionTokens, estimateTokens } from "./tokens/count-tokens.ts";
export type { Clock, RouterLogger } from "./util/logger.ts";
export type { ErrorClass } from "./retry/error-class.ts";

export { UnknownModelError } from "./errors/unknown-model-error.ts";
export { NoDeploymentsAvailableError } from "./errors/no-deployments-error.ts";
export type { NoDeploymentsReason } from "./errors/no-deployments-error.ts";
export { ClientClosedError } from "./errors/client-closed-error.ts";
export { LocalRequestError } from "./errors/local-request-error.ts";
export { routerHeaders } from "./headers/router-headers.ts";
export { classifyError } from "./retry/error-class.ts";
