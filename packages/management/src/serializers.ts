import type {
  Budget,
  EndUser,
  Organization,
  OrganizationMembership,
  SpendLog,
  Team,
  User,
  VirtualKey,
} from "@org/db";

/** LiteLLM's JSON for each row: snake_case names, ISO dates, `null` rather than absent. */

export type JsonObject = Record<string, unknown>;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function budgetJson(b: Budget | null | undefined): Record<string, unknown> | null {
  if (!b) return null;
  return {
    budget_id: b.id,
    max_budget: b.maxBudget,
    soft_budget: b.softBudget,
    max_parallel_requests: b.maxParallelRequests,
    tpm_limit: b.tpmLimit,
    rpm_limit: b.rpmLimit,
    model_max_budget: b.modelMaxBudget,
    budget_duration: b.budgetDuration,
    budget_reset_at: iso(b.budgetResetAt),
    created_at: iso(b.createdAt),
    created_by: b.createdBy,
    updated_at: iso(b.updatedAt),
    updated_by: b.updatedBy,
  };
}

/** A key as /key/info's `info` shows it: everything but the key itself. */
export function keyJson(k: VirtualKey, budget?: Budget | null): Record<string, unknown> {
  const metadata = k.metadata ?? {};
  return {
    token: k.tokenHash,
    key_id: k.id,
    key_name: k.keyName,
    key_alias: k.keyAlias,
    spend: k.spend,
    max_budget: k.maxBudget,
    soft_budget: budget?.softBudget ?? null,
    expires: iso(k.expiresAt),
    models: k.models,
    aliases: k.aliases,
    config: k.config,
    user_id: k.userId,
    team_id: k.teamId,
    organization_id: k.organizationId,
    permissions: k.permissions,
    max_parallel_requests: k.maxParallelRequests,
    metadata,
    blocked: k.blocked,
    tpm_limit: k.tpmLimit,
    rpm_limit: k.rpmLimit,
    budget_duration: k.budgetDuration,
    budget_reset_at: iso(k.budgetResetAt),
    allowed_cache_controls: k.allowedCacheControls,
    allowed_routes: k.allowedRoutes,
    soft_budget_cooldown: k.softBudgetCooldown,
    model_spend: k.modelSpend,
    model_max_budget: k.modelMaxBudget,
    model_rpm_limit: metadata.model_rpm_limit ?? null,
    model_tpm_limit: metadata.model_tpm_limit ?? null,
    tags: metadata.tags ?? null,
    budget_id: k.budgetId,
    litellm_budget_table: budgetJson(budget),
    last_active: iso(k.lastActiveAt),
    created_at: iso(k.createdAt),
    created_by: k.createdBy,
    updated_at: iso(k.updatedAt),
    updated_by: k.updatedBy,
  };
}

export interface MemberJson {
  user_id: string;
  user_email: string | null;
  role: string;
}

export function teamJson(t: Team, members: readonly MemberJson[] = []): Record<string, unknown> {
  return {
    team_id: t.id,
    team_alias: t.teamAlias,
    organization_id: t.organizationId,
    admins: members.filter((m) => m.role === "admin").map((m) => m.user_id),
    members: members.map((m) => m.user_id),
    members_with_roles: members,
    metadata: t.metadata,
    tpm_limit: t.tpmLimit,
    rpm_limit: t.rpmLimit,
    max_budget: t.maxBudget,
    soft_budget: t.softBudget,
    budget_duration: t.budgetDuration,
    budget_reset_at: iso(t.budgetResetAt),
    models: t.models,
    blocked: t.blocked,
    spend: t.spend,
    model_spend: t.modelSpend,
    model_max_budget: t.modelMaxBudget,
    model_aliases: t.modelAliases,
    max_parallel_requests: t.maxParallelRequests,
    created_at: iso(t.createdAt),
    updated_at: iso(t.updatedAt),
  };
}

export function userJson(u: User, teams: readonly string[] = []): Record<string, unknown> {
  return {
    user_id: u.id,
    user_alias: u.userAlias,
    user_email: u.userEmail,
    user_role: u.userRole,
    sso_user_id: u.ssoUserId,
    organization_id: u.organizationId,
    teams,
    models: u.models,
    max_budget: u.maxBudget,
    spend: u.spend,
    model_spend: u.modelSpend,
    model_max_budget: u.modelMaxBudget,
    max_parallel_requests: u.maxParallelRequests,
    tpm_limit: u.tpmLimit,
    rpm_limit: u.rpmLimit,
    budget_duration: u.budgetDuration,
    budget_reset_at: iso(u.budgetResetAt),
    allowed_cache_controls: u.allowedCacheControls,
    metadata: u.metadata,
    created_at: iso(u.createdAt),
    updated_at: iso(u.updatedAt),
  };
}

export function organizationJson(o: Organization, budget?: Budget | null): Record<string, unknown> {
  return {
    organization_id: o.id,
    organization_alias: o.organizationAlias,
    budget_id: o.budgetId,
    metadata: o.metadata,
    models: o.models,
    spend: o.spend,
    model_spend: o.modelSpend,
    litellm_budget_table: budgetJson(budget),
    created_at: iso(o.createdAt),
    created_by: o.createdBy,
    updated_at: iso(o.updatedAt),
    updated_by: o.updatedBy,
  };
}

/** A row of LiteLLM_OrganizationMembership, with its user and budget when loaded. */
export function organizationMembershipJson(
  m: OrganizationMembership,
  user?: User | null,
  budget?: Budget | null,
): Record<string, unknown> {
  return {
    user_id: m.userId,
    organization_id: m.organizationId,
    user_role: m.userRole,
    spend: m.spend,
    budget_id: m.budgetId,
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
    ...(user === undefined ? {} : { user: user ? userJson(user) : null }),
    litellm_budget_table: budgetJson(budget),
  };
}

export function customerJson(e: EndUser, budget?: Budget | null): Record<string, unknown> {
  return {
    user_id: e.id,
    alias: e.alias,
    spend: e.spend,
    allowed_model_region: e.allowedModelRegion,
    default_model: e.defaultModel,
    budget_id: e.budgetId,
    blocked: e.blocked,
    litellm_budget_table: budgetJson(budget),
  };
}

/** A spend log as LiteLLM's /spend/logs returns it (LiteLLM_SpendLogs field names). */
export function spendLogJson(s: SpendLog): Record<string, unknown> {
  return {
    request_id: s.requestId,
    call_type: s.callType,
    api_key: s.apiKeyHash,
    spend: s.spend,
    total_tokens: s.totalTokens,
    prompt_tokens: s.promptTokens,
    completion_tokens: s.completionTokens,
    startTime: iso(s.startTime),
    endTime: iso(s.endTime),
    completionStartTime: iso(s.completionStartTime),
    request_duration_ms: s.requestDurationMs,
    model: s.model,
    model_id: s.modelId,
    model_group: s.modelGroup,
    custom_llm_provider: s.provider,
    api_base: s.apiBase,
    user: s.userId,
    end_user: s.endUserId,
    team_id: s.teamId,
    organization_id: s.organizationId,
    metadata: s.metadata,
    cache_hit: String(s.cacheHit),
    cache_key: s.cacheKey,
    request_tags: s.requestTags,
    requester_ip_address: s.requesterIpAddress,
    status: s.status,
    messages: s.messages,
    response: s.response,
  };
}
