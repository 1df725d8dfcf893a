import { InvalidRequestError, ServiceUnavailableError } from "@org/core";
import { checkModelAccess, type ModelAccessOptions } from "../access/model-access.ts";
import type { BudgetLedger, SettledLine } from "../budgets/budget-ledger.ts";
import type { BudgetLine, BudgetScope } from "../budgets/budget-line.ts";
import type { EndUserDirectory } from "../end-users/end-user-directory.ts";
import type { AuthIdentity, VirtualKeyIdentity } from "../keys/identity.ts";
import { rateLimitHeaders } from "../limits/rate-limit-error.ts";
import type { RateLimiter } from "../limits/rate-limiter.ts";
import { routingMetadata } from "../spend/routing-metadata.ts";
import type { SpendJournal } from "../spend/spend-journal.ts";
import type { SpendRecord } from "../spend/spend-record.ts";
import { systemClock, type Clock } from "../util/clock.ts";
import { silentLogger, type BudgetsLogger } from "../util/logger.ts";
import { andThen, isPromise, type MaybePromise } from "../util/maybe-promise.ts";
import { createAdmission, type AdmissionState } from "./admission.ts";
import { combinedRedisAdmission } from "./redis-combined-admission.ts";
import type { BudgetHookContext, BudgetHookOutcome } from "./hook-types.ts";
import { keyBudgetHeaders, loadedKeyFigures } from "./key-budget-headers.ts";
import { withoutProvider } from "./model-budget-of.ts";

/** A budget's soft limit was crossed by a settled request (LiteLLM's soft-budget alert). */
export interface SoftBudgetEvent {
  readonly scope: BudgetScope;
  readonly entityId: string;
  /** Team of a team member; model of a per-model budget. */
  readonly detail?: string;
  readonly softBudget: number;
  readonly maxBudget: number | undefined;
  readonly spend: number;
  readonly requestId: string;
  readonly keyHash: string | undefined;
}

/**
 * A request was refused because a budget ran out (LiteLLM's `budget_crossed` alert). `spend` is
 * the line's settled spend; it can be below `maxBudget` when requests in flight hold the rest.
 */
export interface BudgetExceededEvent {
  readonly scope: BudgetScope;
  readonly entityId: string;
  /** Team of a team member; model of a per-model budget. */
  readonly detail?: string;
  readonly maxBudget: number;
  readonly spend: number;
  /** What requests in flight hold on the line. */
  readonly reserved: number;
  readonly requestId: string;
  readonly keyHash: string | undefined;
}

export interface BudgetHooksOptions {
  ledger: BudgetLedger;
  limiter: RateLimiter;
  journal: SpendJournal;
  /** End users (the request's `user` field); without it, end users get no budget or limits. */
  endUsers?: EndUserDirectory;
  /** Model access groups, for keys that list a group name. */
  accessGroupsOf?: ModelAccessOptions["accessGroupsOf"];
  /** Soft-budget crossings (alerts, webhooks). Called after settling; must not throw. */
  onSoftBudgetCrossed?: (event: SoftBudgetEvent) => void;
  /** Requests refused for budget (alerts). Called before the refusal is thrown; must not throw. */
  onBudgetExceeded?: (event: BudgetExceededEvent) => void;
  /** Where the caller's identity is; default `ctx.metadata.identity`. */
  identityOf?: (ctx: BudgetHookContext) => AuthIdentity | undefined;
  /** Cost held before the call when the router has no estimate (no price known); default 0. */
  fallbackEstimate?: (ctx: BudgetHookContext) => number | undefined;
  /** Record refused and failed requests in spend_logs too (status "failure"). Default true. */
  recordFailures?: boolean;
  /**
   * What to do when the ledger or limiter store (Redis) fails: "reject" answers 503 (budgets
   * hold), "allow" serves the request unchecked and logs. Default "reject".
   */
  onStoreError?: "reject" | "allow";
  clock?: Clock;
  logger?: BudgetsLogger;
}

/** `@org/router`'s RouterHooks, plus what the gateway reads after the call. */
export interface BudgetHooks {
  preCall(ctx: BudgetHookContext): MaybePromise<void>;
  postCall(ctx: BudgetHookContext, outcome: BudgetHookOutcome): MaybePromise<void>;
  /**
   * `x-ratelimit-*` headers for the response of an admitted request (the router returns them in
   * its result's `headers`). `postCall` returns the journal append, which the router hands back as
   * the result's `settled`: await it before ending the response.
   */
  responseHeaders(ctx: BudgetHookContext): Record<string, string> | undefined;
}

type RequestState = AdmissionState;

/**
 * The router hooks that enforce keys, budgets and limits and record spend:
 *
 * preCall: the key's model access (401), then rpm / tpm / parallel limits of the key, user,
 * team, team member, organization, end user and the key's per-model limits (429), then the
 * request's estimated cost held atomically against every budget above it (400
 * `budget_exceeded`). With the memory stores this all runs synchronously.
 *
 * postCall (exactly once per request, streamed or not, failed or not): settles the hold to the
 * actual cost (a failed request that cost nothing releases it), frees the parallel slot and
 * charges the tokens, emits soft-budget crossings, and journals the spend record.
 */
export function createBudgetHooks(options: BudgetHooksOptions): BudgetHooks {
  const { ledger, limiter, journal, endUsers } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const identityOf = options.identityOf ?? defaultIdentityOf;
  const recordFailures = options.recordFailures ?? true;
  const allowOnStoreError = options.onStoreError === "allow";
  const access: ModelAccessOptions = { accessGroupsOf: options.accessGroupsOf };
  const states = new WeakMap<object, RequestState>();

  // request_id on every line logged while serving a request: the call id the client sees.
  const storeFailed = (what: string, requestId: string) => (error: unknown) => {
    logger.error(`${what} failed`, { request_id: requestId, error: String(error) });
    if (allowOnStoreError) return undefined;
    throw new ServiceUnavailableError(
      `Budget and rate limit checks are unavailable (${what} failed). Try again shortly.`,
    );
  };

  /** The record into the journal; a failure is logged (the journal spills it when it can). */
  const appendRecord = (record: SpendRecord, requestId: string): Promise<void> | undefined => {
    let appended;
    try {
      appended = journal.append(record);
    } catch (error) {
      logger.error("spend journal append failed", { request_id: requestId, error: String(error) });
      return undefined;
    }
    if (!isPromise(appended)) return undefined;
    return appended.catch((error: unknown) => {
      logger.error("spend journal append failed", { request_id: requestId, error: String(error) });
    });
  };

  // Both stores on one Redis client: each request's admission and settling in one round trip.
  const combined = combinedRedisAdmission(limiter, ledger, journal);
  const admit = createAdmission({
    ledger,
    limiter,
    ...(combined ? { combined } : {}),
    clock,
    logger,
    storeFailed,
    exceeded: (ctx, state, line, spend, reserved) => exceeded(ctx, state, line, spend, reserved),
    ...(options.fallbackEstimate ? { fallbackEstimate: options.fallbackEstimate } : {}),
  });

  const exceeded = (
    ctx: BudgetHookContext,
    state: RequestState,
    line: BudgetLine,
    spend: number,
    reserved: number,
  ) => {
    const onExceeded = options.onBudgetExceeded;
    if (onExceeded === undefined || line.maxBudget === undefined) return;
    try {
      onExceeded({
        scope: line.scope,
        entityId: line.entityId,
        ...(line.detail === undefined ? {} : { detail: line.detail }),
        maxBudget: line.maxBudget,
        spend,
        reserved,
        requestId: ctx.callId,
        keyHash: state.identity?.keyHash,
      });
    } catch (error) {
      logger.error("budget exceeded callback failed", {
        request_id: ctx.callId,
        error: String(error),
      });
    }
  };

  return {
    preCall(ctx) {
      const identity = identityOf(ctx);
      const key = identity?.kind === "virtual_key" ? identity : undefined;
      const state: RequestState = {
        identity,
        endUser: undefined,
        lease: undefined,
        reservation: undefined,
        remaining: undefined,
        keyFigures: key ? loadedKeyFigures(key) : undefined,
      };
      states.set(ctx, state);
      if (identity === undefined) return;
      if (key) {
        checkModelAccess(key, ctx.requestedModel, ctx.modelGroup, access);
        // A fallback the caller names is a model they call: a key must not reach past its list.
        for (const fallback of ctx.requestFallbacks ?? []) {
          checkModelAccess(key, fallback.model, fallback.group, access);
          refuseLimitedFallback(key, fallback, ctx.modelGroup);
        }
      }
      const endUserId = ctx.request.user;
      if (endUsers && typeof endUserId === "string" && endUserId !== "") {
        return andThen(endUsers.resolve(endUserId), (profile) => {
          state.endUser = profile;
          return admit(ctx, state, key);
        });
      }
      return admit(ctx, state, key);
    },

    postCall(ctx, outcome) {
      const state = states.get(ctx);
      const now = clock.now();
      const cost = outcome.cost ?? 0;
      // A cache hit counts as a request but not as tokens (LiteLLM's rule): no model ran.
      const tokens = ctx.cacheHit ? 0 : (outcome.usage?.total_tokens ?? 0);
      const record =
        outcome.status === "failure" && !recordFailures
          ? undefined
          : spendRecord(ctx, outcome, state, cost, now);
      if (combined !== undefined && state?.reservation && state.lease) {
        const reservation = state.reservation;
        const lease = state.lease;
        state.reservation = undefined;
        state.lease = undefined;
        // With the journal on the same Redis client, the record goes in the settle's script.
        const inScript = combined.appendsRecords ? record : undefined;
        const settled = combined.settle(reservation, cost, lease, { tokens, now }, inScript).then(
          ({ lines, appended, fault }) => {
            if (fault !== undefined) {
              logger.error("budget settle or rate limit release failed", {
                request_id: ctx.callId,
                error: fault,
              });
            } else emitCrossings(lines, ctx, state, options.onSoftBudgetCrossed, logger);
            if (inScript !== undefined && !appended) return appendRecord(inScript, ctx.callId);
          },
          (error: unknown) => {
            logger.error("budget settle and rate limit release failed", {
              request_id: ctx.callId,
              error: String(error),
            });
            // Whether the script ran is unknown (a reply lost to a reconnect): the record is
            // appended apart. A second copy is harmless: the writer skips request ids already
            // logged, so it is charged once.
            if (inScript !== undefined) return appendRecord(inScript, ctx.callId);
          },
        );
        if (inScript !== undefined) return settled;
      }
      if (state?.reservation) {
        const reservation = state.reservation;
        state.reservation = undefined;
        try {
          const settled = ledger.settle(reservation, cost, now);
          if (isPromise(settled)) {
            settled.then(
              (lines) => emitCrossings(lines, ctx, state, options.onSoftBudgetCrossed, logger),
              (error: unknown) =>
                logger.error("budget settle failed", {
                  request_id: ctx.callId,
                  error: String(error),
                }),
            );
          } else {
            emitCrossings(settled, ctx, state, options.onSoftBudgetCrossed, logger);
          }
        } catch (error) {
          logger.error("budget settle failed", { request_id: ctx.callId, error: String(error) });
        }
      }
      if (state?.lease) {
        const lease = state.lease;
        state.lease = undefined;
        settleQuietly(limiter.release(lease, { tokens, now }), logger, ctx.callId);
      }
      if (record !== undefined) return appendRecord(record, ctx.callId);
    },

    responseHeaders(ctx) {
      const state = states.get(ctx);
      const remaining = state?.remaining;
      const figures = state?.keyFigures;
      if (figures === undefined) return remaining ? rateLimitHeaders(remaining) : undefined;
      const headers = keyBudgetHeaders(figures);
      return remaining ? Object.assign(headers, rateLimitHeaders(remaining)) : headers;
    },
  };
}

function defaultIdentityOf(ctx: BudgetHookContext): AuthIdentity | undefined {
  return ctx.metadata.identity;
}

function settleQuietly(result: MaybePromise<void>, logger: BudgetsLogger, requestId: string): void {
  if (isPromise(result)) {
    result.catch((error: unknown) =>
      logger.error("rate limit release failed", { request_id: requestId, error: String(error) }),
    );
  }
}

function emitCrossings(
  lines: readonly SettledLine[],
  ctx: BudgetHookContext,
  state: RequestState,
  onCrossed: BudgetHooksOptions["onSoftBudgetCrossed"],
  logger: BudgetsLogger,
): void {
  if (!onCrossed) return;
  for (const { line, before, after } of lines) {
    const soft = line.softBudget;
    if (soft === undefined || !(before < soft && after >= soft)) continue;
    try {
      onCrossed({
        scope: line.scope,
        entityId: line.entityId,
        ...(line.detail === undefined ? {} : { detail: line.detail }),
        softBudget: soft,
        maxBudget: line.maxBudget,
        spend: after,
        requestId: ctx.callId,
        keyHash: state.identity?.keyHash,
      });
    } catch (error) {
      logger.error("soft budget callback failed", {
        request_id: ctx.callId,
        error: String(error),
      });
    }
  }
}

function spendRecord(
  ctx: BudgetHookContext,
  outcome: BudgetHookOutcome,
  state: RequestState | undefined,
  cost: number,
  now: number,
): SpendRecord {
  const identity = state?.identity;
  const key = identity?.kind === "virtual_key" ? identity : undefined;
  const usage = outcome.usage;
  const deployment = ctx.deployment;
  const endUserId = ctx.request.user || undefined;
  const tags = (ctx.request as { metadata?: { tags?: unknown } | null }).metadata?.tags;
  const callType = ctx.metadata.call_type;
  // Absent values stay `undefined` (dropped by JSON) rather than spread in: one object per request.
  const error = outcome.error;
  // The log ends when the ledger settled it (`now`, the hooks' clock), so the reset job, which
  // sums a new window's spend from the logs, counts each request in the window the ledger did.
  // The router's timings keep their spacing (duration, time to first token).
  const shift = ctx.timings.end === undefined ? 0 : now - ctx.timings.end;
  return {
    requestId: ctx.callId,
    callType:
      typeof callType === "string"
        ? callType
        : ctx.kind === "embedding"
          ? "aembedding"
          : "acompletion",
    apiKeyHash: identity?.keyHash ?? "",
    spend: cost,
    promptTokens: usage?.prompt_tokens ?? 0,
    completionTokens: usage?.completion_tokens ?? 0,
    totalTokens: usage?.total_tokens ?? 0,
    startTime: ctx.timings.start + shift,
    endTime: now,
    completionStartTime:
      ctx.timings.firstToken === undefined ? undefined : ctx.timings.firstToken + shift,
    model: deployment?.model ?? ctx.requestedModel,
    modelGroup: deployment?.modelGroup ?? ctx.modelGroup,
    modelId: deployment?.id,
    provider: deployment?.provider,
    apiBase: deployment?.apiBase,
    virtualKey: key !== undefined,
    userId: key?.userId ?? undefined,
    endUserId,
    teamId: key?.teamId ?? undefined,
    organizationId: key?.organizationId ?? undefined,
    requestTags: Array.isArray(tags) ? tags.filter((t) => typeof t === "string") : undefined,
    metadata: {
      user_api_key_alias: key?.keyAlias ?? null,
      user_api_key_team_alias: key?.teamAlias ?? null,
      partial: outcome.partial || undefined,
      // The client's x-litellm-call-id; requestId is the gateway's own id (see request-context).
      litellm_call_id: ctx.metadata.clientCallId,
      // Retries, fallbacks and failed tries: the dashboard's request detail reads them.
      ...routingMetadata(ctx),
    },
    cacheHit: ctx.cacheHit,
    status: outcome.status,
    statusCode: error ? error.status : 200,
    errorType: error?.type,
    errorMessage: error?.message,
  };
}

/**
 * The hold and the charge go to the requested model's per-model lines, so a fallback the caller
 * names onto a model the key has its own per-model budget or rate limit for would run past it.
 */
function refuseLimitedFallback(
  key: VirtualKeyIdentity,
  fallback: { readonly model: string; readonly group?: string },
  modelGroup: string,
): void {
  const names = [fallback.model, fallback.group].filter(
    (name): name is string => name !== undefined && name !== modelGroup,
  );
  for (const name of names) {
    // A budget on `gpt-4o` is the budget of `openai/gpt-4o` too (see model-budget-of.ts).
    const bare = withoutProvider(name);
    if (
      key.modelBudgets.has(name) ||
      (bare !== modelGroup && key.modelBudgets.has(bare)) ||
      key.modelRateLimits.has(name)
    )
      throw new InvalidRequestError(
        `fallbacks: this key has its own budget or rate limit for ${name}; call ${name} directly instead of as a fallback.`,
        { param: "fallbacks", code: "fallback_model_limited" },
      );
  }
}
