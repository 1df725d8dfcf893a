// Keys and authentication
export { generateKeyString, hashKey, abbreviateKey, isKeyHash } from "./keys/virtual-key.ts";
export type {
  AuthIdentity,
  MasterIdentity,
  VirtualKeyIdentity,
  ModelScope,
} from "./keys/identity.ts";
export type { KeyLookup, KeySource, LoadedKey } from "./keys/loaded-key.ts";
export { buildKeyIdentity } from "./keys/build-key-identity.ts";
export { createDbKeySource } from "./keys/db-key-source.ts";
export { createAuthenticator } from "./keys/authenticator.ts";
export type { Authenticator, AuthenticatorOptions } from "./keys/authenticator.ts";
export { KeyAuthError } from "./keys/key-auth-error.ts";
export { createMemoryKeyInvalidationBus } from "./keys/key-invalidation-bus.ts";
export type {
  Invalidation,
  InvalidationHandler,
  KeyInvalidationBus,
} from "./keys/key-invalidation-bus.ts";
export { createRedisKeyInvalidationBus } from "./keys/redis-key-invalidation-bus.ts";
export type {
  RedisKeyInvalidationBus,
  RedisKeyInvalidationBusOptions,
} from "./keys/redis-key-invalidation-bus.ts";

// Model access
export {
  checkModelAccess,
  canAccess,
  resolveKeyAlias,
  ALL_PROXY_MODELS,
  ALL_TEAM_MODELS,
  NO_DEFAULT_MODELS,
} from "./access/model-access.ts";
export type { ModelAccessOptions } from "./access/model-access.ts";

// Budgets
export {
  parseBudgetDuration,
  budgetDuration,
  nextResetAt,
  windowEndAt,
} from "./budgets/budget-duration.ts";
export type { BudgetDuration, DurationUnit } from "./budgets/budget-duration.ts";
export type { BudgetLine, BudgetScope } from "./budgets/budget-line.ts";
export type {
  BudgetLedger,
  LineState,
  Reservation,
  ReserveInput,
  ReserveResult,
  SettledLine,
} from "./budgets/budget-ledger.ts";
export { createMemoryBudgetLedger } from "./budgets/memory-budget-ledger.ts";
export type { MemoryBudgetLedgerOptions } from "./budgets/memory-budget-ledger.ts";
export { createRedisBudgetLedger } from "./budgets/redis-budget-ledger.ts";
export type { RedisBudgetLedgerOptions } from "./budgets/redis-budget-ledger.ts";
export { budgetExceededError } from "./budgets/budget-exceeded.ts";
export { parseModelLimits } from "./budgets/model-max-budget.ts";
export type { ModelLimit } from "./budgets/model-max-budget.ts";
export { resetDueBudgets, createBudgetResetJob } from "./budgets/budget-reset-job.ts";
export type {
  BudgetResetCounts,
  BudgetResetJob,
  BudgetResetJobOptions,
} from "./budgets/budget-reset-job.ts";

// End users
export {
  createEndUserDirectory,
  createDbEndUserSource,
  buildProfile as buildEndUserProfile,
} from "./end-users/end-user-directory.ts";
export type {
  EndUserDirectory,
  EndUserDirectoryOptions,
  EndUserProfile,
  EndUserSource,
  EndUserDefaults,
} from "./end-users/end-user-directory.ts";

// Rate limits
export type { RateDescriptor, RateDescriptorKey } from "./limits/rate-descriptor.ts";
export { RATE_WINDOW_MS } from "./limits/rate-limiter.ts";
export type {
  RateAcquireInput,
  RateAcquireResult,
  RateLease,
  RateLimiter,
  RateLimitType,
  RateReleaseInput,
  RateRemaining,
} from "./limits/rate-limiter.ts";
export { createMemoryRateLimiter } from "./limits/memory-rate-limiter.ts";
export { createRedisRateLimiter } from "./limits/redis-rate-limiter.ts";
export type { RedisRateLimiterOptions } from "./limits/redis-rate-limiter.ts";
export { rateLimitError, rateLimitHeaders } from "./limits/rate-limit-error.ts";

// Spend
export type { SpendRecord } from "./spend/spend-record.ts";
export { MAX_ROUTING_ENTRIES, routingMetadata } from "./spend/routing-metadata.ts";
export type { FailedAttemptEntry, RoutingMetadata } from "./spend/routing-metadata.ts";
export type { JournalEntry, SpendJournal } from "./spend/spend-journal.ts";
export { createMemorySpendJournal } from "./spend/memory-spend-journal.ts";
export { createRedisSpendJournal } from "./spend/redis-spend-journal.ts";
export type { RedisSpendJournalOptions } from "./spend/redis-spend-journal.ts";
export { withFallbackJournal } from "./spend/fallback-spend-journal.ts";
export { moveSpendStream } from "./spend/move-spend-stream.ts";
export type { OwnsKeyHashes } from "./spend/move-spend-stream.ts";
export { existingKeyHashes } from "./keys/existing-key-hashes.ts";
export { createDbSpendWriter } from "./spend/spend-writer.ts";
export type {
  DbSpendWriter,
  DbSpendWriterOptions,
  SpendRejection,
  SpendWriter,
} from "./spend/spend-writer.ts";
export { createSpendFlusher } from "./spend/spend-flusher.ts";
export type { SpendFlusher, SpendFlusherOptions } from "./spend/spend-flusher.ts";

// Router hooks
export { createBudgetHooks } from "./hooks/create-budget-hooks.ts";
export type {
  BudgetExceededEvent,
  BudgetHooks,
  BudgetHooksOptions,
  SoftBudgetEvent,
} from "./hooks/create-budget-hooks.ts";
export type {
  BudgetHookAttempt,
  BudgetHookContext,
  BudgetHookOutcome,
  BudgetRequestMetadata,
} from "./hooks/hook-types.ts";

// Utilities
export type { Clock } from "./util/clock.ts";
export { systemClock } from "./util/clock.ts";
export type { BudgetsLogger } from "./util/logger.ts";
export type { MaybePromise } from "./util/maybe-promise.ts";
export { createFakeClock } from "./testing/fake-clock.ts";
export type { FakeClock } from "./testing/fake-clock.ts";
