/**
 * Who may call which management route, and set which field, by role: the one table the matrix
 * test (management-permissions-matrix.test.ts) runs over HTTP, and checks against the routes the
 * gateway registers and the fields of the request schemas, so a new route or field cannot be
 * added without its row. The rules it encodes are written out in packages/budgets/README.md.
 *
 * Roles: the master key (proxy_admin), a proxy_admin_viewer, the org admin of org-a (key in
 * org-a), the admin of team-a (an internal user), the holder (an internal user, member of team-a,
 * acting on their own personal key), an internal_user_viewer, and a plain key with no user.
 */

export const ROLES = [
  "proxy_admin",
  "proxy_admin_viewer",
  "org_admin",
  "team_admin",
  "holder",
  "internal_user_viewer",
  "plain",
] as const;
export type Role = (typeof ROLES)[number];

const A = "proxy_admin";
const V = "proxy_admin_viewer";
const O = "org_admin";
const T = "team_admin";
const H = "holder";
const U = "internal_user_viewer";
const ALL: readonly Role[] = ROLES;

/** What a case needs, made fresh with the master key (allowed calls change things). */
export interface Fixtures {
  uid(prefix: string): string;
  /** A key this role acts on: the holder's own personal key; otherwise the holder's key in team-a. */
  keyFor(role: Role, extra?: object): Promise<string>;
  keyInfo(key: string): Promise<unknown>;
  keyCount(): Promise<number>;
  /** An internal user in org-a (no team). */
  orgUser(): Promise<string>;
  userInfo(id: string): Promise<unknown>;
  /** A team in org-a: team-a's admin is its admin, the holder a member. */
  team(): Promise<string>;
  teamInfo(id: string): Promise<unknown>;
  organization(): Promise<string>;
  organizationInfo(id: string): Promise<unknown>;
  customer(): Promise<string>;
  customerInfo(id: string): Promise<unknown>;
  budget(): Promise<string>;
  budgetInfo(id: string): Promise<unknown>;
  model(): Promise<string>;
  models(): Promise<unknown>;
  /** The id of a new spend-log row the role may read (the dashboard's log detail). */
  spendLog(role: Role): Promise<string>;
}

export interface Prepared {
  /** The JSON body (POST, PATCH, DELETE) or query (GET) of the baseline call. */
  input: Record<string, unknown>;
  /** The path when it carries the target (`/key/{key}/regenerate`). */
  path?: string;
  /** Reads back what the call would change; a refused call must leave it equal. */
  read?: () => Promise<unknown>;
}

/** A field's case: the value that tries the rule, and the roles that may set it. */
export interface FieldRow {
  value: unknown | ((fx: Fixtures) => unknown);
  /** "baseline": the same roles as the route's baseline call (a harmless field). */
  allowed: readonly Role[] | "baseline";
}

export interface RouteRow {
  /** The request schema in @org/management's `managementSchemas` whose fields the route takes. */
  schema?: string;
  prepare(fx: Fixtures, role: Role): Promise<Prepared>;
  /** Roles whose baseline call succeeds (200); every other role gets a 403. */
  allowed: readonly Role[];
  /**
   * Every field of `schema`: a case, or "target" for the fields naming what the call acts on.
   * "admin-only" only where `allowed` holds proxy admins (and viewers, for reads) and no one
   * else: the route refuses everyone else whatever the fields say.
   */
  fields?: Record<string, FieldRow | "target"> | "admin-only";
}

const base = (value: unknown): FieldRow => ({ value, allowed: "baseline" });
const only = (value: unknown, ...allowed: Role[]): FieldRow => ({ value, allowed });

/** /key/update and /key/{key}/regenerate: the key's owner fields (README, "Who may change what"). */
const keyUpdateFields: Record<string, FieldRow | "target"> = {
  key: "target",
  key_alias: base((fx: Fixtures) => fx.uid("renamed")), // aliases are unique across keys
  metadata: base({ note: "harmless" }),
  tags: base(["t"]),
  aliases: base({ nickname: "gpt-4o" }),
  duration: only(null, A, O, T),
  models: only(["secret-model"], A),
  spend: only(0, A, O, T),
  user_id: only("viewer", A),
  team_id: only("team-b", A),
  organization_id: only("org-b", A),
  allowed_cache_controls: only(["no-cache"], A, O, T),
  config: only({}, A, O, T),
  permissions: only({ allow_pii_controls: true }, A, O, T),
  model_rpm_limit: only({ "gpt-4o": 10_000 }, A),
  model_tpm_limit: only({ "gpt-4o": 1_000_000 }, A),
  guardrails: only([], A, O, T),
  blocked: only(false, A, O, T),
  budget_id: only((fx: Fixtures) => fx.budget(), A),
  enforced_params: only([], A, O, T),
  allowed_routes: only([], A, O, T),
  max_budget: only(1000, A),
  soft_budget: only(1000, A),
  max_parallel_requests: only(1000, A),
  tpm_limit: only(1_000_000, A),
  rpm_limit: only(10_000, A),
  budget_duration: only("1d", A, O, T),
  model_max_budget: only({ "gpt-4o": 1000 }, A),
};

const keyTarget = async (fx: Fixtures, role: Role): Promise<Prepared> => {
  const key = await fx.keyFor(role);
  return { input: { key }, read: () => fx.keyInfo(key) };
};

export const PERMISSIONS: Record<string, RouteRow> = {
  "POST /key/generate": {
    schema: "GenerateKeyRequest",
    prepare: async (fx) => ({ input: {}, read: () => fx.keyCount() }),
    allowed: [A, O, T, H],
    fields: {
      key: base((fx: Fixtures) => `sk-${fx.uid("custom")}`),
      send_invite_email: base(false),
      key_type: base("llm_api"),
      key_alias: base((fx: Fixtures) => fx.uid("mine")),
      metadata: base({ note: "x" }),
      tags: base(["t"]),
      aliases: base({ nickname: "gpt-4o" }),
      duration: base(null),
      spend: base(0),
      // Someone else's key, or a key in a team or organization that is not the caller's.
      user_id: only("viewer", A),
      team_id: only("team-b", A),
      organization_id: only("org-b", A),
      budget_id: only((fx: Fixtures) => fx.budget(), A),
      // A personal key never gets more than its user has (the holder: 50, gpt-4o and mini).
      models: only(["secret-model"], A, O, T),
      max_budget: only(1000, A, O, T),
      soft_budget: only(1000, A, O, T),
      model_max_budget: only({ "gpt-4o": 1000 }, A, O, T),
      allowed_cache_controls: base(["no-cache"]),
      config: base({}),
      permissions: base({}),
      model_rpm_limit: base({ "gpt-4o": 1 }),
      model_tpm_limit: base({ "gpt-4o": 1 }),
      guardrails: base([]),
      blocked: base(false),
      enforced_params: base([]),
      allowed_routes: base([]),
      max_parallel_requests: base(1),
      tpm_limit: base(1),
      rpm_limit: base(1),
      budget_duration: base("1d"),
    },
  },
  "POST /key/update": {
    schema: "UpdateKeyRequest",
    prepare: keyTarget,
    allowed: [A, O, T, H],
    fields: {
      ...keyUpdateFields,
      temp_budget_increase: only(5, A),
      temp_budget_expiry: only("2099-01-01", A),
    },
  },
  "POST /key/regenerate": {
    schema: "RegenerateKeyRequest",
    prepare: keyTarget,
    allowed: [A, O, T, H],
    fields: { ...keyUpdateFields, new_key: base((fx: Fixtures) => `sk-${fx.uid("new")}`) },
  },
  "POST /key/:key/regenerate": {
    prepare: async (fx, role) => {
      const key = await fx.keyFor(role);
      return { input: {}, path: `/key/${key}/regenerate`, read: () => fx.keyInfo(key) };
    },
    allowed: [A, O, T, H],
  },
  "POST /key/delete": {
    schema: "DeleteKeyRequest",
    prepare: async (fx, role) => {
      const key = await fx.keyFor(role);
      return { input: { keys: [key] }, read: () => fx.keyInfo(key) };
    },
    allowed: [A, O, T, H],
    fields: { keys: "target", key_aliases: "target" },
  },
  "GET /key/info": {
    schema: "KeyRef",
    prepare: async (fx, role) => ({ input: { key: await fx.keyFor(role) } }),
    allowed: [A, V, O, T, H],
    fields: { key: "target" },
  },
  "GET /key/list": {
    schema: "ListKeysQuery",
    // Everyone lists; non-admins see only their own keys and their teams' (the filter is tested
    // in management-api tests).
    prepare: async () => ({ input: {} }),
    allowed: ALL,
    fields: {
      page: base("1"),
      size: base("5"),
      user_id: base("holder"),
      team_id: base("team-b"),
      organization_id: base("org-b"),
      key_alias: base("x"),
      return_full_object: base("true"),
    },
  },
  "POST /key/block": {
    prepare: keyTarget,
    allowed: [A, O, T, H],
  },
  "POST /key/unblock": {
    prepare: async (fx, role) => {
      const key = await fx.keyFor(role, { blocked: true });
      return { input: { key }, read: () => fx.keyInfo(key) };
    },
    // Never the holder: what an admin blocked stays blocked.
    allowed: [A, O, T],
  },

  "POST /team/new": {
    schema: "NewTeamRequest",
    prepare: async (fx) => ({ input: { team_id: fx.uid("team") } }),
    allowed: [A, O],
    fields: {
      team_id: "target",
      organization_id: only("org-b", A),
      team_alias: base("x"),
      metadata: base({}),
      models: base(["gpt-4o"]),
      blocked: base(false),
      model_aliases: base({ nickname: "gpt-4o" }),
      tags: base(["t"]),
      guardrails: base([]),
      team_member_budget: base(1),
      team_member_key_duration: base("1d"),
      max_budget: base(1),
      soft_budget: base(1),
      max_parallel_requests: base(1),
      tpm_limit: base(1),
      rpm_limit: base(1),
      budget_duration: base("1d"),
      model_max_budget: base({}),
      admins: base([]),
      members: base([]),
      members_with_roles: base([{ user_id: "holder", role: "user" }]),
    },
  },
  "POST /team/update": {
    schema: "UpdateTeamRequest",
    prepare: async (fx) => {
      const team = await fx.team();
      return { input: { team_id: team, team_alias: "renamed" }, read: () => fx.teamInfo(team) };
    },
    allowed: [A, O, T],
    fields: {
      team_id: "target",
      team_alias: base("x"),
      metadata: base({ note: "x" }),
      model_aliases: base({ nickname: "gpt-4o" }),
      tags: base(["t"]),
      guardrails: base([]),
      team_member_key_duration: base("1d"),
      // The team's money and access are its owner's (proxy or org admin), not its admin's; an
      // org admin's stay within the organization's (org-a: 500 of each, gpt-4o and mini).
      organization_id: only("org-b", A),
      models: only(["secret-model"], A),
      blocked: only(true, A, O),
      team_member_budget: only(5, A, O),
      max_budget: only(1000, A),
      soft_budget: only(1000, A),
      max_parallel_requests: only(1000, A),
      tpm_limit: only(1000, A),
      rpm_limit: only(1000, A),
      budget_duration: only("1d", A, O),
      model_max_budget: only({ "gpt-4o": 1 }, A, O),
    },
  },
  "POST /team/delete": {
    schema: "DeleteTeamRequest",
    prepare: async (fx) => {
      const team = await fx.team();
      return { input: { team_ids: [team] }, read: () => fx.teamInfo(team) };
    },
    allowed: [A, O],
    fields: { team_ids: "target" },
  },
  "GET /team/info": {
    schema: "TeamRef",
    prepare: async (fx) => ({ input: { team_id: await fx.team() } }),
    allowed: [A, V, O, T, H],
    fields: { team_id: "target" },
  },
  "GET /team/list": { prepare: async () => ({ input: {} }), allowed: ALL },
  "POST /team/member_add": {
    schema: "TeamMemberAddRequest",
    prepare: async (fx) => {
      const team = await fx.team();
      return {
        input: { team_id: team, member: { user_id: fx.uid("member"), role: "user" } },
        read: () => fx.teamInfo(team),
      };
    },
    allowed: [A, O, T],
    fields: {
      team_id: "target",
      member: base((fx: Fixtures) => ({ user_id: fx.uid("member"), role: "admin" })),
      max_budget_in_team: base(5),
    },
  },
  "POST /team/member_delete": {
    schema: "TeamMemberDeleteRequest",
    prepare: async (fx) => {
      const team = await fx.team();
      return { input: { team_id: team, user_id: "holder" }, read: () => fx.teamInfo(team) };
    },
    allowed: [A, O, T],
    fields: { team_id: "target", user_id: "target", user_email: "target" },
  },
  "POST /team/block": {
    prepare: async (fx) => {
      const team = await fx.team();
      return { input: { team_id: team }, read: () => fx.teamInfo(team) };
    },
    allowed: [A, O],
  },
  "POST /team/unblock": {
    prepare: async (fx) => {
      const team = await fx.team();
      return { input: { team_id: team }, read: () => fx.teamInfo(team) };
    },
    allowed: [A, O],
  },

  "POST /user/new": {
    schema: "NewUserRequest",
    prepare: async (fx) => {
      const user = fx.uid("user");
      return { input: { user_id: user }, read: () => fx.userInfo(user) };
    },
    allowed: [A, O],
    fields: {
      user_id: "target",
      // Roles above an org admin's own, and other organizations, are a proxy admin's.
      user_role: only("proxy_admin_viewer", A),
      organization_id: only("org-b", A),
      organizations: only(["org-b"], A),
      teams: only(["team-b"], A),
      user_email: base((fx: Fixtures) => `${fx.uid("new")}@example.com`),
      user_alias: base("x"),
      models: base(["gpt-4o"]),
      spend: base(0),
      metadata: base({}),
      allowed_cache_controls: base([]),
      auto_create_key: base(false),
      key_alias: base((fx: Fixtures) => fx.uid("first")),
      duration: base("1d"),
      send_invite_email: base(false),
      sso_user_id: base((fx: Fixtures) => fx.uid("sso")),
      // A new user's dashboard password: whoever may create the user may give it one.
      password: base("a-first-password-1"),
      max_budget: base(1),
      soft_budget: base(1),
      max_parallel_requests: base(1),
      tpm_limit: base(1),
      rpm_limit: base(1),
      budget_duration: base("1d"),
      model_max_budget: base({}),
    },
  },
  "POST /user/update": {
    schema: "UpdateUserRequest",
    // The holder updates themselves; everyone else a user of org-a.
    prepare: async (fx, role) => {
      const user = role === H ? "holder" : await fx.orgUser();
      return { input: { user_id: user, user_alias: "renamed" }, read: () => fx.userInfo(user) };
    },
    allowed: [A, O, H],
    fields: {
      user_id: "target",
      user_alias: base("x"),
      // Not their own: lookups by email (member_add) would find them under an email they chose.
      user_email: only((fx: Fixtures) => `${fx.uid("changed")}@example.com`, A, O),
      password: base("a-new-password-1"),
      // The holder has no password yet, so none is asked; admins are never asked.
      current_password: base("not-checked-here"),
      metadata: base({ note: "x" }),
      user_role: only("proxy_admin_viewer", A),
      organization_id: only("org-b", A),
      // Within the organization's own limits (org-a: 500 of each, gpt-4o and mini).
      models: only(["secret-model"], A),
      spend: only(0, A, O),
      allowed_cache_controls: only([], A, O),
      max_budget: only(1000, A),
      soft_budget: only(1000, A),
      max_parallel_requests: only(1000, A),
      tpm_limit: only(1000, A),
      rpm_limit: only(1000, A),
      budget_duration: only("1d", A, O),
      model_max_budget: only({}, A, O),
    },
  },
  "POST /user/delete": {
    schema: "DeleteUserRequest",
    prepare: async (fx) => {
      const user = await fx.orgUser();
      return { input: { user_ids: [user] }, read: () => fx.userInfo(user) };
    },
    allowed: [A, O],
    fields: { user_ids: "target" },
  },
  "GET /user/info": {
    prepare: async (fx) => ({ input: { user_id: await fx.orgUser() } }),
    allowed: [A, V, O],
  },
  "GET /user/list": { prepare: async () => ({ input: {} }), allowed: [A, V, O] },

  "POST /organization/new": {
    schema: "NewOrganizationRequest",
    prepare: async (fx) => ({ input: { organization_alias: fx.uid("org") } }),
    allowed: [A],
    fields: "admin-only",
  },
  "PATCH /organization/update": {
    schema: "UpdateOrganizationRequest",
    prepare: async (fx) => {
      const org = await fx.organization();
      return {
        input: { organization_id: org, max_budget: 1_000_000 },
        read: () => fx.organizationInfo(org),
      };
    },
    allowed: [A],
    fields: "admin-only",
  },
  "POST /organization/update": {
    prepare: async (fx) => {
      const org = await fx.organization();
      return {
        input: { organization_id: org, max_budget: 1_000_000 },
        read: () => fx.organizationInfo(org),
      };
    },
    allowed: [A],
  },
  "DELETE /organization/delete": {
    schema: "DeleteOrganizationRequest",
    prepare: async (fx) => {
      const org = await fx.organization();
      return { input: { organization_ids: [org] }, read: () => fx.organizationInfo(org) };
    },
    allowed: [A],
    fields: "admin-only",
  },
  "POST /organization/delete": {
    prepare: async (fx) => {
      const org = await fx.organization();
      return { input: { organization_ids: [org] }, read: () => fx.organizationInfo(org) };
    },
    allowed: [A],
  },
  "GET /organization/info": {
    prepare: async () => ({ input: { organization_id: "org-a" } }),
    allowed: [A, V, O],
  },
  "GET /organization/list": { prepare: async () => ({ input: {} }), allowed: ALL },
  "POST /organization/member_add": {
    schema: "OrganizationMemberAddRequest",
    prepare: async (fx) => ({
      input: {
        organization_id: "org-a",
        member: { user_id: fx.uid("member"), role: "internal_user" },
      },
      read: () => fx.organizationInfo("org-a"),
    }),
    allowed: [A, O],
    fields: {
      organization_id: "target",
      // Org admins add members; more org admins are a proxy admin's call.
      member: only((fx: Fixtures) => ({ user_id: fx.uid("member"), role: "org_admin" }), A),
      max_budget_in_organization: base(5),
    },
  },

  "POST /budget/new": {
    schema: "NewBudgetRequest",
    prepare: async (fx) => ({ input: { budget_id: fx.uid("budget"), max_budget: 1 } }),
    allowed: [A],
    fields: "admin-only",
  },
  "POST /budget/update": {
    schema: "UpdateBudgetRequest",
    prepare: async (fx) => {
      const budget = await fx.budget();
      return {
        input: { budget_id: budget, max_budget: 1_000_000 },
        read: () => fx.budgetInfo(budget),
      };
    },
    allowed: [A],
    fields: "admin-only",
  },
  "POST /budget/delete": {
    schema: "DeleteBudgetRequest",
    prepare: async (fx) => {
      const budget = await fx.budget();
      return { input: { id: budget }, read: () => fx.budgetInfo(budget) };
    },
    allowed: [A],
    fields: "admin-only",
  },
  "POST /budget/info": {
    schema: "BudgetInfoRequest",
    prepare: async (fx) => ({ input: { budgets: [await fx.budget()] } }),
    allowed: [A, V],
    fields: "admin-only",
  },
  "GET /budget/list": { prepare: async () => ({ input: {} }), allowed: [A, V] },

  "GET /spend/logs": {
    schema: "SpendLogsQuery",
    // Users read their own logs (the filter is tested in budgets-roles); a key without a user none.
    prepare: async () => ({ input: {} }),
    allowed: [A, V, O, T, H, U],
    fields: {
      api_key: base("sk-unknown"),
      user_id: only("viewer", A, V),
      team_id: base("team-b"),
      end_user: base("someone"),
      request_id: base("r"),
      start_date: base("2020-01-01"),
      end_date: base("2099-01-01"),
      page: base("1"),
      page_size: base("5"),
    },
  },
  // The dashboard's views: everyone reads, scoped to what they may see (dashboard-spend.test.ts).
  "GET /spend/logs/ui": { prepare: async () => ({ input: {} }), allowed: ALL },
  "GET /spend/logs/ui/:request_id": {
    prepare: async (fx, role) => ({ input: {}, path: `/spend/logs/ui/${await fx.spendLog(role)}` }),
    allowed: ALL,
  },
  "GET /user/daily/activity": { prepare: async () => ({ input: {} }), allowed: ALL },
  "GET /global/spend/report": {
    schema: "SpendReportQuery",
    prepare: async () => ({ input: { start_date: "2020-01-01", end_date: "2099-01-01" } }),
    allowed: [A, V],
    fields: "admin-only",
  },

  "POST /model/new": {
    schema: "NewModelRequest",
    prepare: async (fx) => ({
      input: { model_name: fx.uid("model"), litellm_params: { model: "openai/gpt-4o" } },
      read: () => fx.models(),
    }),
    allowed: [A],
    fields: "admin-only",
  },
  "POST /model/update": {
    schema: "UpdateModelRequest",
    prepare: async (fx) => {
      const id = await fx.model();
      return {
        input: { model_id: id, litellm_params: { model: "openai/other" } },
        read: () => fx.models(),
      };
    },
    allowed: [A],
    fields: "admin-only",
  },
  "POST /model/delete": {
    schema: "ModelRef",
    prepare: async (fx) => ({ input: { id: await fx.model() }, read: () => fx.models() }),
    allowed: [A],
    fields: "admin-only",
  },
};

// Customers: LiteLLM serves them under /customer/* and the older /end_user/*; proxy admins'.
for (const base of ["/customer", "/end_user"]) {
  Object.assign(PERMISSIONS, {
    [`POST ${base}/new`]: {
      schema: "NewCustomerRequest",
      prepare: async (fx: Fixtures) => {
        const id = fx.uid("customer");
        return { input: { user_id: id }, read: () => fx.customerInfo(id) };
      },
      allowed: [A],
      fields: "admin-only",
    },
    [`POST ${base}/update`]: {
      schema: "UpdateCustomerRequest",
      prepare: async (fx: Fixtures) => {
        const id = await fx.customer();
        return { input: { user_id: id, max_budget: 1_000_000 }, read: () => fx.customerInfo(id) };
      },
      allowed: [A],
      fields: "admin-only",
    },
    [`POST ${base}/delete`]: {
      schema: "CustomerIds",
      prepare: async (fx: Fixtures) => {
        const id = await fx.customer();
        return { input: { user_ids: [id] }, read: () => fx.customerInfo(id) };
      },
      allowed: [A],
      fields: "admin-only",
    },
    [`GET ${base}/info`]: {
      prepare: async (fx: Fixtures) => ({ input: { end_user_id: await fx.customer() } }),
      allowed: [A, V],
    },
    [`GET ${base}/list`]: { prepare: async () => ({ input: {} }), allowed: [A, V] },
    [`POST ${base}/block`]: {
      prepare: async (fx: Fixtures) => {
        const id = await fx.customer();
        return { input: { user_ids: [id] }, read: () => fx.customerInfo(id) };
      },
      allowed: [A],
    },
    [`POST ${base}/unblock`]: {
      prepare: async (fx: Fixtures) => {
        const id = await fx.customer();
        return { input: { user_ids: [id] }, read: () => fx.customerInfo(id) };
      },
      allowed: [A],
    },
  } satisfies Record<string, RouteRow>);
}
