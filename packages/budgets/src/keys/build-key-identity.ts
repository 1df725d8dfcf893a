import type { Budget } from "@org/db";
import { parseBudgetDuration, type BudgetDuration } from "../budgets/budget-duration.ts";
import { isTracked, type BudgetLine, type BudgetScope } from "../budgets/budget-line.ts";
import { parseModelLimits } from "../budgets/model-max-budget.ts";
import { withoutProvider } from "../hooks/model-budget-of.ts";
import {
  hasLimits,
  type RateDescriptor,
  type RateDescriptorKey,
} from "../limits/rate-descriptor.ts";
import type { VirtualKeyIdentity } from "./identity.ts";
import type { LoadedKey } from "./loaded-key.ts";

/**
 * Turns a key and the rows above it into the identity the hot path uses. LiteLLM's rules:
 * - the key's own limits are its columns, else its linked budget's (`budget_id`, which also
 *   carries the key's `soft_budget`);
 * - the organization is the key's, else its team's, and its limits live in its budget row;
 * - a team key is charged to the team and the team member; a personal key (no team) to its user.
 */
export function buildKeyIdentity(loaded: LoadedKey): VirtualKeyIdentity {
  const { key, keyBudget, team, user, membership, memberBudget, organization, organizationBudget } =
    loaded;
  const lines: BudgetLine[] = [];
  const limits: RateDescriptor[] = [];

  // Lines and counters are named by the key's id, which survives /key/regenerate.
  pushLine(lines, {
    id: `k:${key.id}`,
    scope: "key",
    entityId: key.tokenHash,
    maxBudget: key.maxBudget ?? keyBudget?.maxBudget ?? undefined,
    softBudget: keyBudget?.softBudget ?? undefined,
    seedSpend: key.spend,
    duration: duration(key.budgetDuration ?? keyBudget?.budgetDuration),
    resetAt: time(key.budgetResetAt ?? keyBudget?.budgetResetAt),
  });
  pushLimit(limits, `k:${key.id}`, "api_key", key.tokenHash, {
    rpm: key.rpmLimit ?? keyBudget?.rpmLimit,
    tpm: key.tpmLimit ?? keyBudget?.tpmLimit,
    maxParallel: key.maxParallelRequests ?? keyBudget?.maxParallelRequests,
  });

  if (team) {
    pushLine(lines, {
      id: `t:${team.id}`,
      scope: "team",
      entityId: team.id,
      maxBudget: team.maxBudget ?? undefined,
      softBudget: team.softBudget ?? undefined,
      seedSpend: team.spend,
      duration: duration(team.budgetDuration),
      resetAt: time(team.budgetResetAt),
    });
    pushLimit(limits, `t:${team.id}`, "team", team.id, {
      rpm: team.rpmLimit,
      tpm: team.tpmLimit,
      maxParallel: team.maxParallelRequests,
    });
    if (membership && memberBudget) {
      const id = `m:${team.id}:${membership.userId}`;
      pushLine(lines, {
        id,
        scope: "team_member",
        entityId: membership.userId,
        detail: team.id,
        maxBudget: memberBudget.maxBudget ?? undefined,
        softBudget: memberBudget.softBudget ?? undefined,
        seedSpend: membership.spend,
        duration: duration(memberBudget.budgetDuration),
        resetAt: time(memberBudget.budgetResetAt),
      });
      pushLimit(limits, id, "team_member", membership.userId, budgetLimits(memberBudget));
    }
  }

  if (user) {
    // LiteLLM enforces a user's own budget on personal keys only; team keys answer to the team.
    if (!team) {
      pushLine(lines, {
        id: `u:${user.id}`,
        scope: "user",
        entityId: user.id,
        maxBudget: user.maxBudget ?? undefined,
        softBudget: undefined,
        seedSpend: user.spend,
        duration: duration(user.budgetDuration),
        resetAt: time(user.budgetResetAt),
      });
    }
    pushLimit(limits, `u:${user.id}`, "user", user.id, {
      rpm: user.rpmLimit,
      tpm: user.tpmLimit,
      maxParallel: user.maxParallelRequests,
    });
  }

  if (organization) {
    pushLine(lines, {
      id: `o:${organization.id}`,
      scope: "organization",
      entityId: organization.id,
      maxBudget: organizationBudget?.maxBudget ?? undefined,
      softBudget: organizationBudget?.softBudget ?? undefined,
      seedSpend: organization.spend,
      duration: duration(organizationBudget?.budgetDuration),
      resetAt: time(organizationBudget?.budgetResetAt),
    });
    if (organizationBudget) {
      pushLimit(
        limits,
        `o:${organization.id}`,
        "organization",
        organization.id,
        budgetLimits(organizationBudget),
      );
    }
  }

  const metadata = key.metadata ?? {};
  const modelBudgets = new Map<string, BudgetLine>();
  const modelRateLimits = new Map<string, RateDescriptor>();
  const perModel = parseModelLimits(
    key.modelMaxBudget,
    metadata.model_rpm_limit,
    metadata.model_tpm_limit,
  );
  for (const [model, limit] of perModel) {
    if (limit.maxBudget !== undefined) {
      modelBudgets.set(model, {
        id: `km:${key.id}:${model}`,
        scope: "key_model",
        entityId: key.tokenHash,
        detail: model,
        maxBudget: limit.maxBudget,
        softBudget: undefined,
        // A windowed model budget starts each window at 0; without a window, the key's
        // recorded spend on that model is the starting point.
        seedSpend: limit.duration ? 0 : recordedModelSpend(key.modelSpend, model, perModel),
        duration: limit.duration,
        resetAt: undefined,
      });
    }
    const descriptor = {
      id: `km:${key.id}:${model}`,
      key: "model_per_key" as const,
      value: model,
      rpm: limit.rpm,
      tpm: limit.tpm,
      maxParallel: undefined,
    };
    if (hasLimits(descriptor)) modelRateLimits.set(model, descriptor);
  }

  return {
    kind: "virtual_key",
    keyHash: key.tokenHash,
    keyId: key.id,
    keyName: key.keyName,
    keyAlias: key.keyAlias,
    teamId: team?.id ?? key.teamId,
    teamAlias: team?.teamAlias ?? null,
    userId: key.userId,
    userRole: user?.userRole ?? null,
    organizationId: organization?.id ?? key.organizationId ?? team?.organizationId ?? null,
    userOrganizationId: user?.organizationId ?? null,
    models: key.models,
    aliases: { ...(team?.modelAliases ?? {}), ...(key.aliases ?? {}) },
    team: team ? { id: team.id, models: team.models } : undefined,
    user: user ? { id: user.id, models: user.models } : undefined,
    organization: organization ? { id: organization.id, models: organization.models } : undefined,
    spend: key.spend,
    expiresAt: time(key.expiresAt),
    blocked: key.blocked,
    teamBlocked: team?.blocked ?? false,
    allowedRoutes: key.allowedRoutes,
    metadata,
    budgetLines: lines,
    rateLimits: limits,
    modelBudgets,
    modelRateLimits,
  };
}

interface LineInput {
  id: string;
  scope: BudgetScope;
  entityId: string;
  detail?: string;
  maxBudget: number | undefined;
  softBudget: number | undefined;
  seedSpend: number;
  duration: BudgetDuration | undefined;
  resetAt: number | undefined;
}

function pushLine(lines: BudgetLine[], input: LineInput): void {
  if (isTracked(input)) lines.push(input);
}

function pushLimit(
  limits: RateDescriptor[],
  id: string,
  key: RateDescriptorKey,
  value: string,
  l: { rpm?: number | null; tpm?: number | null; maxParallel?: number | null },
): void {
  const descriptor: RateDescriptor = {
    id,
    key,
    value,
    rpm: l.rpm ?? undefined,
    tpm: l.tpm ?? undefined,
    maxParallel: l.maxParallel ?? undefined,
  };
  if (hasLimits(descriptor)) limits.push(descriptor);
}

function budgetLimits(b: Budget) {
  return { rpm: b.rpmLimit, tpm: b.tpmLimit, maxParallel: b.maxParallelRequests };
}

/** A stored duration; an unparseable one (written outside the API) is treated as none. */
export function duration(text: string | null | undefined): BudgetDuration | undefined {
  if (!text) return undefined;
  const parsed = parseBudgetDuration(text);
  return typeof parsed === "string" ? undefined : parsed;
}

function time(value: Date | null | undefined): number | undefined {
  return value ? value.getTime() : undefined;
}

/**
 * The key's recorded spend that a windowless budget on `model` starts from: `model_spend` under
 * its own name, and under the names it answers for (`openai/gpt-4o` for `gpt-4o`, see
 * model-budget-of.ts) unless such a name has a budget of its own.
 */
function recordedModelSpend(
  spends: Readonly<Record<string, number>> | null | undefined,
  model: string,
  limits: ReadonlyMap<string, { readonly maxBudget: number | undefined }>,
): number {
  if (spends === undefined || spends === null) return 0;
  let total = 0;
  for (const name in spends) {
    const spend = Number(spends[name]);
    if (!Number.isFinite(spend)) continue;
    const answersHere =
      name === model ||
      (withoutProvider(name) === model && limits.get(name)?.maxBudget === undefined);
    if (answersHere) total += spend;
  }
  return total;
}
