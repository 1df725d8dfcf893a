import type { BudgetLine } from "../budgets/budget-line.ts";
import type { RateDescriptor } from "../limits/rate-descriptor.ts";

/** The caller presented the master key: every route, every model, no limits of its own. */
export interface MasterIdentity {
  readonly kind: "master";
  /** SHA-256 of the master key (what spend logs record as `api_key`). */
  readonly keyHash: string;
}

/** Model access of one level of the hierarchy (team, user, organization). */
export interface ModelScope {
  readonly id: string;
  /** Empty: no restriction (LiteLLM). May hold access group names, wildcards, "*", "all-proxy-models". */
  readonly models: readonly string[];
}

/**
 * Everything the hot path needs about a virtual key and the objects above it, resolved once from
 * the database and cached. Budget lines and rate descriptors are built here, once, so a request
 * allocates none of them.
 */
export interface VirtualKeyIdentity {
  readonly kind: "virtual_key";
  readonly keyHash: string;
  /** `virtual_keys.id`: stable across /key/regenerate. */
  readonly keyId: string;
  /** "sk-...abcd". */
  readonly keyName: string | null;
  readonly keyAlias: string | null;
  readonly teamId: string | null;
  readonly teamAlias: string | null;
  readonly userId: string | null;
  /** The key owner's `user_role`, for management routes. */
  readonly userRole: string | null;
  readonly organizationId: string | null;
  /**
   * The key owner's own `organization_id` (users.organization_id): the organization an org_admin
   * administers, whichever organization the key itself is in. Absent: none.
   */
  readonly userOrganizationId?: string | null;
  /** The key's own model list. */
  readonly models: readonly string[];
  /** The key's and the team's model aliases (requested name -> model group). */
  readonly aliases: Readonly<Record<string, string>>;
  readonly team: ModelScope | undefined;
  readonly user: ModelScope | undefined;
  readonly organization: ModelScope | undefined;
  /**
   * The key's spend as the database held it when the key was loaded (and cached). Only the
   * `x-litellm-key-spend` header of a key without a budget line reads it; a key with a budget
   * reports the ledger's live figure instead.
   */
  readonly spend?: number;
  /** Epoch ms; undefined never expires. Checked on every request against the clock. */
  readonly expiresAt: number | undefined;
  readonly blocked: boolean;
  readonly teamBlocked: boolean;
  readonly allowedRoutes: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Key, team, team member, user (personal keys) and organization budgets. */
  readonly budgetLines: readonly BudgetLine[];
  /** Key, user, team, team member and organization rpm / tpm / parallel limits. */
  readonly rateLimits: readonly RateDescriptor[];
  /** Per-model budgets of the key (`model_max_budget`), by model name. */
  readonly modelBudgets: ReadonlyMap<string, BudgetLine>;
  /** Per-model rpm / tpm of the key (`model_rpm_limit`, `model_tpm_limit`), by model name. */
  readonly modelRateLimits: ReadonlyMap<string, RateDescriptor>;
}

export type AuthIdentity = MasterIdentity | VirtualKeyIdentity;
