import { PermissionDeniedError, ServiceUnavailableError } from "@org/core";
import { budgets, endUsers, type Budget, type DbClient, type EndUser } from "@org/db";
import { eq } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import { isTracked, type BudgetLine } from "../budgets/budget-line.ts";
import { duration } from "../keys/build-key-identity.ts";
import type { Invalidation, KeyInvalidationBus } from "../keys/key-invalidation-bus.ts";
import { hasLimits, type RateDescriptor } from "../limits/rate-descriptor.ts";
import { systemClock, type Clock } from "../util/clock.ts";
import { silentLogger, type BudgetsLogger } from "../util/logger.ts";
import type { MaybePromise } from "../util/maybe-promise.ts";

/** An end user (the request's `user` field) as the hot path needs it. */
export interface EndUserProfile {
  readonly id: string;
  readonly blocked: boolean;
  readonly allowedModelRegion: string | null;
  readonly defaultModel: string | null;
  /** Their budget, when they have one (own budget row or the default). */
  readonly line: BudgetLine | undefined;
  readonly rateLimit: RateDescriptor | undefined;
}

export interface EndUserSource {
  lookup(id: string): Promise<{ endUser: EndUser; budget: Budget | undefined } | undefined>;
}

/** Limits for end users without a budget of their own (LiteLLM's `max_end_user_budget`). */
export interface EndUserDefaults {
  maxBudget?: number;
  budgetDuration?: string;
  rpm?: number;
  tpm?: number;
}

export interface EndUserDirectoryOptions {
  source: EndUserSource;
  defaults?: EndUserDefaults;
  bus?: KeyInvalidationBus;
  clock?: Clock;
  ttlMs?: number;
  maxEntries?: number;
  logger?: BudgetsLogger;
}

export interface EndUserDirectory {
  /** The end user's profile; throws a 403 for a blocked one. Unknown ids get the defaults. */
  resolve(id: string): MaybePromise<EndUserProfile>;
  invalidate(message: Invalidation): void;
  close(): void;
}

export function createDbEndUserSource(db: DbClient): EndUserSource {
  return {
    async lookup(id) {
      const rows = await db
        .select({ endUser: endUsers, budget: budgets })
        .from(endUsers)
        .leftJoin(budgets, eq(budgets.id, endUsers.budgetId))
        .where(eq(endUsers.id, id))
        .limit(1);
      const row = rows[0];
      return row ? { endUser: row.endUser, budget: row.budget ?? undefined } : undefined;
    },
  };
}

/** End users cached like keys: one lookup per id per TTL, dropped on change. */
export function createEndUserDirectory(options: EndUserDirectoryOptions): EndUserDirectory {
  const clock = options.clock ?? systemClock;
  const ttlMs = options.ttlMs ?? 30_000;
  const logger = options.logger ?? silentLogger;
  const defaults = options.defaults ?? {};
  const cache = new LRUCache<string, { profile: EndUserProfile; expiresAt: number }>({
    max: options.maxEntries ?? 50_000,
  });
  const loading = new Map<string, Promise<EndUserProfile>>();
  let generation = 0;

  const invalidate = (message: Invalidation) => {
    if (message.kind === "end_user") {
      cache.delete(message.id);
      loading.delete(message.id);
    } else if (message.kind === "all") {
      generation++;
      cache.clear();
      loading.clear();
    }
  };
  const unsubscribe = options.bus?.subscribe(invalidate);

  const load = (id: string, stale: EndUserProfile | undefined): Promise<EndUserProfile> => {
    const startedIn = generation;
    const pending = options.source.lookup(id).then(
      (found) => {
        const profile = buildProfile(id, found, defaults);
        if (loading.get(id) === pending) {
          loading.delete(id);
          if (startedIn === generation) cache.set(id, { profile, expiresAt: clock.now() + ttlMs });
        }
        return profile;
      },
      (error: unknown) => {
        if (loading.get(id) === pending) loading.delete(id);
        if (stale) {
          cache.set(id, { profile: stale, expiresAt: clock.now() + ttlMs });
          return stale;
        }
        logger.error("end user lookup failed", { error: String(error) });
        throw new ServiceUnavailableError(
          "Could not check the end user's budget: the store is unavailable. Try again shortly.",
        );
      },
    );
    loading.set(id, pending);
    return pending;
  };

  return {
    resolve(id) {
      const entry = cache.get(id);
      if (entry && entry.expiresAt > clock.now()) return checked(entry.profile);
      const pending = loading.get(id) ?? load(id, entry?.profile);
      return pending.then(checked);
    },
    invalidate,
    close() {
      unsubscribe?.();
    },
  };
}

function checked(profile: EndUserProfile): EndUserProfile {
  if (profile.blocked) {
    throw new PermissionDeniedError(
      `End User=${profile.id} is blocked. Update via \`/customer/unblock\` if you're an admin.`,
      { code: "end_user_blocked" },
    );
  }
  return profile;
}

export function buildProfile(
  id: string,
  found: { endUser: EndUser; budget: Budget | undefined } | undefined,
  defaults: EndUserDefaults,
): EndUserProfile {
  const budget = found?.budget;
  const own = budget !== undefined;
  const maxBudget = own ? (budget.maxBudget ?? undefined) : defaults.maxBudget;
  const line: BudgetLine = {
    id: `e:${id}`,
    scope: "end_user",
    entityId: id,
    maxBudget,
    softBudget: own ? (budget.softBudget ?? undefined) : undefined,
    seedSpend: found?.endUser.spend ?? 0,
    duration: duration(own ? budget.budgetDuration : defaults.budgetDuration),
    resetAt: own ? budget.budgetResetAt?.getTime() : undefined,
  };
  const rateLimit: RateDescriptor = {
    id: `e:${id}`,
    key: "end_user",
    value: id,
    rpm: own ? (budget.rpmLimit ?? undefined) : defaults.rpm,
    tpm: own ? (budget.tpmLimit ?? undefined) : defaults.tpm,
    maxParallel: own ? (budget.maxParallelRequests ?? undefined) : undefined,
  };
  return {
    id,
    blocked: found?.endUser.blocked ?? false,
    allowedModelRegion: found?.endUser.allowedModelRegion ?? null,
    defaultModel: found?.endUser.defaultModel ?? null,
    line: isTracked(line) ? line : undefined,
    rateLimit: hasLimits(rateLimit) ? rateLimit : undefined,
  };
}
