import type { BudgetLedger, Reservation, ReserveResult } from "../budgets/budget-ledger.ts";
import { budgetExceededError } from "../budgets/budget-exceeded.ts";
import type { BudgetLine } from "../budgets/budget-line.ts";
import type { EndUserProfile } from "../end-users/end-user-directory.ts";
import type { AuthIdentity, VirtualKeyIdentity } from "../keys/identity.ts";
import type { RateDescriptor } from "../limits/rate-descriptor.ts";
import { rateLimitError } from "../limits/rate-limit-error.ts";
import {
  windowStart,
  type RateAcquireResult,
  type RateLease,
  type RateLimiter,
  type RateRemaining,
} from "../limits/rate-limiter.ts";
import type { Clock } from "../util/clock.ts";
import type { BudgetsLogger } from "../util/logger.ts";
import { isPromise, type MaybePromise } from "../util/maybe-promise.ts";
import type { BudgetHookContext } from "./hook-types.ts";
import { keyLineOf, type KeyBudgetFigures } from "./key-budget-headers.ts";
import { modelBudgetOf } from "./model-budget-of.ts";
import type { CombinedAdmission } from "./redis-combined-admission.ts";

/** What admitting a request leaves for its settling (the budget hooks' per-request state). */
export interface AdmissionState {
  identity: AuthIdentity | undefined;
  endUser: EndUserProfile | undefined;
  lease: RateLease | undefined;
  reservation: Reservation | undefined;
  /** Kept as counts; headers are only built if the gateway asks for them. */
  remaining: RateRemaining | undefined;
  /** A virtual key's spend before this request and max budget (`x-litellm-key-*` headers). */
  keyFigures: KeyBudgetFigures | undefined;
}

export interface AdmissionDeps {
  ledger: BudgetLedger;
  limiter: RateLimiter;
  clock: Clock;
  logger: BudgetsLogger;
  /** Logs a store failure; returns (the request goes on unchecked) or throws the 503. */
  storeFailed: (what: string, requestId: string) => (error: unknown) => undefined;
  /** Tells of a request refused for budget, before the refusal is thrown. */
  exceeded: (
    ctx: BudgetHookContext,
    state: AdmissionState,
    line: BudgetLine,
    spend: number,
    reserved: number,
  ) => void;
  fallbackEstimate?: (ctx: BudgetHookContext) => number | undefined;
  /** Limits and holds in one Redis script, when both stores are Redis on one client. */
  combined?: CombinedAdmission;
}

const NONE: readonly never[] = [];

/**
 * Admission of one request: the rpm / tpm / parallel limits of every descriptor (429), then the
 * estimated cost held against every budget line (400 `budget_exceeded`), leaving the lease and
 * the hold in `state` for the settling. Synchronous with the memory stores.
 */
export function createAdmission(deps: AdmissionDeps) {
  const { ledger, limiter, clock, logger, storeFailed, exceeded, combined } = deps;
  return (
    ctx: BudgetHookContext,
    state: AdmissionState,
    key: VirtualKeyIdentity | undefined,
  ): MaybePromise<void> => {
    const model = ctx.modelGroup;
    const endUser = state.endUser;
    const descriptors = collect<RateDescriptor>(
      key?.rateLimits ?? NONE,
      endUser?.rateLimit,
      key?.modelRateLimits.get(model) ?? key?.modelRateLimits.get(ctx.requestedModel),
    );
    const lines = collect<BudgetLine>(
      key?.budgetLines ?? NONE,
      endUser?.line,
      key === undefined ? undefined : modelBudgetOf(key, model, ctx.requestedModel),
    );
    const now = clock.now();

    const reserveInput = () => ({
      id: ctx.callId,
      lines,
      amount: ctx.estimate.maxCost ?? deps.fallbackEstimate?.(ctx) ?? 0,
      now,
    });
    const onReserved = (result: ReserveResult) => {
      if (!result.ok) {
        rollback();
        exceeded(ctx, state, result.line, result.spend, result.reserved);
        throw budgetExceededError(result.line, result.spend, result.reserved);
      }
      state.reservation = result.reservation;
      // The key's own line is first when it has one: its live spend, read with the hold.
      const figures = state.keyFigures;
      if (figures !== undefined && key !== undefined && lines[0] === keyLineOf(key)) {
        figures.spend = result.spends[0] ?? figures.spend;
      }
    };

    /** Takes the hold, refusing past a line's budget. */
    const reserve = (): MaybePromise<void> => {
      if (lines.length === 0) return;
      let reserved;
      try {
        reserved = ledger.reserve(reserveInput());
      } catch (error) {
        rollback();
        return storeFailed("budget ledger", ctx.callId)(error);
      }
      if (!isPromise(reserved)) return onReserved(reserved);
      return reserved.then(onReserved, (error: unknown) => {
        rollback();
        return storeFailed("budget ledger", ctx.callId)(error);
      });
    };
    const rollback = () => {
      const lease = state.lease;
      if (lease === undefined) return;
      state.lease = undefined;
      settleQuietly(limiter.release(lease, { tokens: 0, now, rollback: true }), logger, ctx.callId);
    };

    /**
     * An admission whose answer never came back (the command was sent, the connection dropped,
     * ioredis gave up): its script may have run, counting the request, taking a parallel slot
     * (held 10 minutes) and, in the combined script, a budget hold (held until its expiry), for a
     * request that now goes on unchecked or is refused with a 503. Only what did run is taken
     * back (the lease's marker says what), once Redis answers again.
     */
    const takeBackUncertain = (withHold: boolean) => {
      const lease: RateLease = {
        id: ctx.callId,
        descriptors,
        window: windowStart(now),
        tokens: Math.round(ctx.estimate.promptTokens),
      };
      const reservation = withHold ? { id: ctx.callId, lines, amount: 0 } : undefined;
      retryQuietly(
        async () => {
          await limiter.release(lease, { tokens: 0, now, rollback: true, onlyIfAcquired: true });
          // A settle of nothing: it drops the hold if there is one, and charges nothing. At the
          // time of the try, not of the admission: a try up to two minutes late with the old
          // time opened each line in the window it had then, throwing away a newer window's
          // spend (a "30s" budget's) and setting the line back to the old one.
          if (reservation) await ledger.settle(reservation, 0, clock.now());
        },
        logger,
        ctx.callId,
      );
    };

    if (descriptors.length === 0) return reserve();
    const onAcquired = (result: RateAcquireResult): MaybePromise<void> => {
      if (!result.ok) throw rateLimitError(result, now);
      state.lease = result.lease;
      if (result.remaining.requests || result.remaining.tokens) state.remaining = result.remaining;
      return reserve();
    };
    const acquireInput = {
      id: ctx.callId,
      descriptors,
      tokens: ctx.estimate.promptTokens,
      now,
    };
    if (combined !== undefined && lines.length > 0) {
      // One round trip, and atomic: the hold is only taken where the limits admitted.
      return combined.admit(acquireInput, reserveInput()).then(
        ({ acquired, reserved, fault }) => {
          if (!acquired.ok) throw rateLimitError(acquired, now);
          state.lease = acquired.lease;
          if (acquired.remaining.requests || acquired.remaining.tokens) {
            state.remaining = acquired.remaining;
          }
          if (reserved === undefined) {
            // The ledger's part failed after the limits admitted: as one after the other, the
            // lease is given back and the ledger's failure is the answer.
            rollback();
            return storeFailed(
              "budget ledger",
              ctx.callId,
            )(new Error(fault ?? "no hold in the reply"));
          }
          return onReserved(reserved);
        },
        // Unlike one after the other, no reserve of its own after this: the script may have run
        // with only its reply lost (a dropped connection), and a second hold under the same id
        // would count twice on every line while its settle takes one back.
        (error: unknown) => {
          takeBackUncertain(true);
          return storeFailed("budget and rate limit store", ctx.callId)(error);
        },
      );
    }
    let acquired;
    try {
      acquired = limiter.acquire(acquireInput);
    } catch (error) {
      return storeFailed("rate limiter", ctx.callId)(error) ?? reserve();
    }
    if (!isPromise(acquired)) return onAcquired(acquired);
    // One after the other, not both in one round trip: a hold taken for a request the limiter
    // then refuses would count, for that moment, against every line it holds (the team's, an
    // end user's), and a rate-limited key could keep refusing its team-mates with large
    // estimates (admission-redis.int.test.ts).
    return acquired.then(onAcquired, (error: unknown) => {
      takeBackUncertain(false);
      return storeFailed("rate limiter", ctx.callId)(error) ?? reserve();
    });
  };
}

/** The static list, or a new one when this request adds end-user or per-model entries. */
function collect<T>(base: readonly T[], a: T | undefined, b: T | undefined): readonly T[] {
  if (a === undefined && b === undefined) return base;
  const out = base.slice();
  if (a !== undefined) out.push(a);
  if (b !== undefined) out.push(b);
  return out;
}

function settleQuietly(result: MaybePromise<void>, logger: BudgetsLogger, requestId: string): void {
  if (isPromise(result)) {
    result.catch((error: unknown) =>
      logger.error("rate limit release failed", { request_id: requestId, error: String(error) }),
    );
  }
}

/**
 * Delays between attempts to take back an uncertain admission: soon after a blip, and still
 * within the two minutes its lease marker lives (the marker is what tells whether it ran).
 */
const TAKE_BACK_DELAYS_MS = [0, 2_000, 10_000, 30_000, 60_000];

/** Runs `attempt` until it succeeds or the delays run out; the last failure is logged. */
function retryQuietly(
  attempt: () => Promise<void>,
  logger: BudgetsLogger,
  requestId: string,
  tries = 0,
): void {
  const run = () =>
    attempt().catch((error: unknown) => {
      if (tries + 1 < TAKE_BACK_DELAYS_MS.length) {
        retryQuietly(attempt, logger, requestId, tries + 1);
        return;
      }
      logger.error("could not take back an admission whose answer was lost", {
        request_id: requestId,
        error: String(error),
      });
    });
  const delay = TAKE_BACK_DELAYS_MS[tries]!;
  if (delay === 0) void run();
  else setTimeout(run, delay).unref();
}
