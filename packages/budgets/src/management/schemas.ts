import { InvalidRequestError } from "@org/core";
import { z } from "zod";
import { parseBudgetDuration } from "../budgets/budget-duration.ts";
import { USER_ROLES } from "./caller.ts";

/**
 * Request bodies of LiteLLM's management API, with LiteLLM's field names. Unknown fields are
 * dropped (pydantic's default), so clients written for LiteLLM keep working.
 */

const money = z.number().nonnegative().nullable().optional();
const count = z.number().int().nonnegative().nullable().optional();
const record = z.record(z.string(), z.unknown());
const strings = z.array(z.string());
const durationText = z.string().refine((v) => typeof parseBudgetDuration(v) !== "string", {
  message: 'use a number followed by s, m, h, d, w or mo (e.g. "30s", "1h", "30d", "1mo")',
});

const limitFields = {
  max_budget: money,
  soft_budget: money,
  max_parallel_requests: count,
  tpm_limit: count,
  rpm_limit: count,
  budget_duration: durationText.nullable().optional(),
  model_max_budget: record.nullable().optional(),
};

const keyFields = {
  key_alias: z.string().nullable().optional(),
  duration: durationText.nullable().optional(),
  models: strings.nullable().optional(),
  spend: z.number().nonnegative().nullable().optional(),
  user_id: z.string().nullable().optional(),
  team_id: z.string().nullable().optional(),
  organization_id: z.string().nullable().optional(),
  metadata: record.nullable().optional(),
  allowed_cache_controls: strings.nullable().optional(),
  config: record.nullable().optional(),
  permissions: record.nullable().optional(),
  model_rpm_limit: z.record(z.string(), z.number()).nullable().optional(),
  model_tpm_limit: z.record(z.string(), z.number()).nullable().optional(),
  guardrails: strings.nullable().optional(),
  blocked: z.boolean().nullable().optional(),
  aliases: z.record(z.string(), z.string()).nullable().optional(),
  budget_id: z.string().nullable().optional(),
  tags: strings.nullable().optional(),
  enforced_params: strings.nullable().optional(),
  allowed_routes: strings.nullable().optional(),
  ...limitFields,
};

export const GenerateKeyRequest = z.object({
  ...keyFields,
  key: z.string().startsWith("sk-", "a custom key must start with 'sk-'").nullable().optional(),
  send_invite_email: z.boolean().nullable().optional(),
  key_type: z.string().nullable().optional(),
});
export type GenerateKeyRequest = z.infer<typeof GenerateKeyRequest>;

export const UpdateKeyRequest = z.object({
  ...keyFields,
  key: z.string().min(1),
  temp_budget_increase: z.number().nullable().optional(),
  temp_budget_expiry: z.string().nullable().optional(),
});
export type UpdateKeyRequest = z.infer<typeof UpdateKeyRequest>;

export const RegenerateKeyRequest = z.object({
  ...keyFields,
  key: z.string().min(1),
  new_key: z.string().startsWith("sk-", "a custom key must start with 'sk-'").nullable().optional(),
});

export const DeleteKeyRequest = z
  .object({ keys: strings.nullable().optional(), key_aliases: strings.nullable().optional() })
  .refine((v) => (v.keys?.length ?? 0) + (v.key_aliases?.length ?? 0) > 0, {
    message: "At least one of 'keys' or 'key_aliases' must be provided.",
  });

export const KeyRef = z.object({ key: z.string().min(1) });

export const ListKeysQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(1000).default(10),
  user_id: z.string().optional(),
  team_id: z.string().optional(),
  organization_id: z.string().optional(),
  key_alias: z.string().optional(),
  return_full_object: z
    .union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")])
    .optional(),
});

const Member = z
  .object({
    user_id: z.string().nullable().optional(),
    user_email: z.string().nullable().optional(),
    role: z.enum(["admin", "user"]).default("user"),
  })
  .refine((m) => m.user_id || m.user_email, {
    message: "Either user id or user email must be provided",
  });
export type Member = z.infer<typeof Member>;

const teamFields = {
  team_alias: z.string().nullable().optional(),
  organization_id: z.string().nullable().optional(),
  metadata: record.nullable().optional(),
  models: strings.nullable().optional(),
  blocked: z.boolean().nullable().optional(),
  model_aliases: z.record(z.string(), z.string()).nullable().optional(),
  tags: strings.nullable().optional(),
  guardrails: strings.nullable().optional(),
  team_member_budget: money,
  team_member_key_duration: durationText.nullable().optional(),
  ...limitFields,
};

export const NewTeamRequest = z.object({
  ...teamFields,
  team_id: z.string().min(1).nullable().optional(),
  admins: z.array(z.unknown()).optional(),
  members: z.array(z.unknown()).optional(),
  members_with_roles: z.array(Member).optional(),
});
export const UpdateTeamRequest = z.object({ ...teamFields, team_id: z.string().min(1) });
export const DeleteTeamRequest = z.object({ team_ids: z.array(z.string()).min(1) });
export const TeamRef = z.object({ team_id: z.string().min(1) });
export const TeamMemberAddRequest = z.object({
  team_id: z.string().min(1),
  member: z.union([Member, z.array(Member).min(1)]),
  max_budget_in_team: money,
});
export const TeamMemberDeleteRequest = z
  .object({
    team_id: z.string().min(1),
    user_id: z.string().nullable().optional(),
    user_email: z.string().nullable().optional(),
  })
  .refine((m) => m.user_id || m.user_email, {
    message: "Either user id or user email must be provided",
  });

const userFields = {
  user_email: z.string().nullable().optional(),
  user_alias: z.string().nullable().optional(),
  user_role: z
    .enum(USER_ROLES as [string, ...string[]])
    .nullable()
    .optional(),
  models: strings.nullable().optional(),
  spend: z.number().nonnegative().nullable().optional(),
  metadata: record.nullable().optional(),
  organization_id: z.string().nullable().optional(),
  allowed_cache_controls: strings.nullable().optional(),
  ...limitFields,
};
const UserTeam = z.union([
  z.string(),
  z.object({
    team_id: z.string(),
    max_budget_in_team: money,
    user_role: z.enum(["admin", "user"]).default("user"),
  }),
]);
export const NewUserRequest = z.object({
  ...userFields,
  user_id: z.string().min(1).nullable().optional(),
  teams: z.array(UserTeam).nullable().optional(),
  organizations: strings.nullable().optional(),
  auto_create_key: z.boolean().default(true),
  key_alias: z.string().nullable().optional(),
  duration: durationText.nullable().optional(),
  send_invite_email: z.boolean().nullable().optional(),
  sso_user_id: z.string().nullable().optional(),
});
export const UpdateUserRequest = z
  .object({
    ...userFields,
    user_id: z.string().nullable().optional(),
    password: z.string().nullable().optional(),
  })
  .refine((u) => u.user_id || u.user_email, {
    message: "Either user id or user email must be provided",
  });
export const DeleteUserRequest = z.object({ user_ids: z.array(z.string()).min(1) });

export const NewOrganizationRequest = z.object({
  ...limitFields,
  organization_id: z.string().min(1).nullable().optional(),
  organization_alias: z.string().min(1),
  models: strings.nullable().optional(),
  budget_id: z.string().nullable().optional(),
  metadata: record.nullable().optional(),
});
export const UpdateOrganizationRequest = z.object({
  ...limitFields,
  organization_id: z.string().min(1),
  organization_alias: z.string().min(1).nullable().optional(),
  models: strings.nullable().optional(),
  budget_id: z.string().nullable().optional(),
  metadata: record.nullable().optional(),
  spend: z.number().nonnegative().nullable().optional(),
});
/** LiteLLM's roles inside an organization. */
export const ORGANIZATION_ROLES = ["org_admin", "internal_user", "internal_user_viewer"] as const;
const OrganizationMember = z
  .object({
    role: z.enum(ORGANIZATION_ROLES),
    user_id: z.string().min(1).nullable().optional(),
    user_email: z.string().min(1).nullable().optional(),
  })
  .refine((m) => m.user_id || m.user_email, {
    message: "Either user id or user email must be provided",
  });
export type OrganizationMember = z.infer<typeof OrganizationMember>;
export const OrganizationMemberAddRequest = z.object({
  organization_id: z.string().min(1),
  member: z.union([OrganizationMember, z.array(OrganizationMember).min(1)]),
  max_budget_in_organization: money,
});
export const DeleteOrganizationRequest = z.object({ organization_ids: z.array(z.string()).min(1) });

const region = z.enum(["eu", "us"]).nullable().optional();
export const NewCustomerRequest = z
  .object({
    ...limitFields,
    user_id: z.string().min(1),
    alias: z.string().nullable().optional(),
    blocked: z.boolean().default(false),
    budget_id: z.string().nullable().optional(),
    spend: z.number().nonnegative().nullable().optional(),
    allowed_model_region: region,
    default_model: z.string().nullable().optional(),
  })
  .refine((c) => c.max_budget == null || c.budget_id == null, {
    message: "Set either 'max_budget' or 'budget_id', not both.",
  });
export const UpdateCustomerRequest = z.object({
  ...limitFields,
  user_id: z.string().min(1),
  alias: z.string().nullable().optional(),
  blocked: z.boolean().nullable().optional(),
  budget_id: z.string().nullable().optional(),
  allowed_model_region: region,
  default_model: z.string().nullable().optional(),
});
export const CustomerIds = z.object({ user_ids: z.array(z.string()).min(1) });

export const NewBudgetRequest = z.object({
  ...limitFields,
  budget_id: z.string().min(1).nullable().optional(),
  budget_reset_at: z.string().nullable().optional(),
});
export const UpdateBudgetRequest = z.object({ ...limitFields, budget_id: z.string().min(1) });
export const DeleteBudgetRequest = z.object({ id: z.string().min(1) });
export const BudgetInfoRequest = z.object({ budgets: z.array(z.string()).min(1) });

const date = z.string().refine((v) => !Number.isNaN(Date.parse(v)), { message: "not a date" });
export const SpendLogsQuery = z.object({
  api_key: z.string().optional(),
  user_id: z.string().optional(),
  team_id: z.string().optional(),
  end_user: z.string().optional(),
  request_id: z.string().optional(),
  start_date: date.optional(),
  end_date: date.optional(),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(1000).default(100),
});
export const SpendReportQuery = z.object({
  start_date: date,
  end_date: date,
  group_by: z.enum(["team", "customer", "user", "model", "api_key"]).default("team"),
  api_key: z.string().optional(),
  internal_user_id: z.string().optional(),
  team_id: z.string().optional(),
  customer_id: z.string().optional(),
});

export const NewModelRequest = z.object({
  model_name: z.string().min(1),
  litellm_params: record.refine((p) => typeof p.model === "string" && p.model !== "", {
    message: "litellm_params.model is required",
  }),
  model_info: record.nullable().optional(),
});
export const UpdateModelRequest = z.object({
  model_id: z.string().min(1).optional(),
  model_name: z.string().min(1).nullable().optional(),
  litellm_params: record.nullable().optional(),
  model_info: record.nullable().optional(),
});
export const ModelRef = z.object({ id: z.string().min(1) });

/**
 * Validates a request body; a 400 naming every bad field in its message, in LiteLLM's field
 * names, and the first one in `param` (dotted path, e.g. `member.role`) so clients can point at it.
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    ...issue,
    path: fieldPath(issue),
  }));
  const problems = issues
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join("; ");
  const param = issues.find((issue) => issue.path !== "")?.path ?? null;
  throw new InvalidRequestError(`Invalid request: ${problems}`, { param, code: "400" });
}

/**
 * The field an issue is about. A union (e.g. `member`: one member or a list) reports its own
 * path; the branch that matched best (the object form) names the field inside it.
 */
function fieldPath(issue: z.core.$ZodIssue): string {
  let path = issue.path.filter((p) => typeof p !== "symbol").join(".");
  if (issue.code === "invalid_union") {
    const inner = issue.errors
      .map((branch) => branch[0])
      .find((first) => first !== undefined && first.code !== "invalid_type");
    if (inner && inner.path.length > 0) path = [path, ...inner.path].filter(Boolean).join(".");
  }
  return path;
}
