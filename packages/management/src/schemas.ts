import { InvalidRequestError } from "@org/core";
import { z } from "zod";
import { USER_ROLES } from "./caller.ts";
import {
  boundedText,
  dateText,
  durationText,
  idText,
  int32,
  int64,
  jsonObject,
  keyMetadata,
  limitMap,
  modelBudgetMap,
  modelName,
  money as moneyAmount,
  signedMoney,
  textList,
  textMap,
} from "./field-bounds.ts";

/**
 * Request bodies of LiteLLM's management API, with LiteLLM's field names. Unknown fields are
 * dropped (pydantic's default), so clients written for LiteLLM keep working. Every field is built
 * from field-bounds.ts, whose bounds are the database columns' (text length and characters,
 * numeric(20,10), integer, bigint, jsonb depth and size, durations that fit a date).
 */

const money = moneyAmount().nullable().optional();
const text = () => boundedText().nullable().optional();
const id = () => idText().nullable().optional();
const record = () => jsonObject().nullable().optional();
const strings = () => textList().nullable().optional();
const duration = () => durationText().nullable().optional();
const page = () => z.coerce.number().int().min(1).max(1_000_000).default(1);
const queryText = () => boundedText().optional();

const limitFields = {
  max_budget: money,
  soft_budget: money,
  max_parallel_requests: int32().nullable().optional(),
  tpm_limit: int64().nullable().optional(),
  rpm_limit: int64().nullable().optional(),
  budget_duration: duration(),
  model_max_budget: modelBudgetMap().nullable().optional(),
};

const keyFields = {
  key_alias: text(),
  duration: duration(),
  models: strings(),
  spend: money,
  user_id: id(),
  team_id: id(),
  organization_id: id(),
  metadata: keyMetadata().nullable().optional(),
  allowed_cache_controls: strings(),
  config: record(),
  permissions: record(),
  model_rpm_limit: limitMap().nullable().optional(),
  model_tpm_limit: limitMap().nullable().optional(),
  guardrails: strings(),
  blocked: z.boolean().nullable().optional(),
  aliases: textMap().nullable().optional(),
  budget_id: id(),
  tags: strings(),
  enforced_params: strings(),
  allowed_routes: strings(),
  ...limitFields,
};

export const GenerateKeyRequest = z.object({
  ...keyFields,
  key: boundedText().startsWith("sk-", "a custom key must start with 'sk-'").nullable().optional(),
  send_invite_email: z.boolean().nullable().optional(),
  key_type: text(),
});
export type GenerateKeyRequest = z.infer<typeof GenerateKeyRequest>;

export const UpdateKeyRequest = z.object({
  ...keyFields,
  key: idText(),
  temp_budget_increase: signedMoney().nullable().optional(),
  temp_budget_expiry: dateText().nullable().optional(),
});
export type UpdateKeyRequest = z.infer<typeof UpdateKeyRequest>;

export const RegenerateKeyRequest = z.object({
  ...keyFields,
  key: idText(),
  new_key: boundedText()
    .startsWith("sk-", "a custom key must start with 'sk-'")
    .nullable()
    .optional(),
});

export const DeleteKeyRequest = z
  .object({ keys: strings(), key_aliases: strings() })
  .refine((v) => (v.keys?.length ?? 0) + (v.key_aliases?.length ?? 0) > 0, {
    message: "At least one of 'keys' or 'key_aliases' must be provided.",
  });

export const KeyRef = z.object({ key: idText() });

export const ListKeysQuery = z.object({
  page: page(),
  size: z.coerce.number().int().min(1).max(1000).default(10),
  user_id: queryText(),
  team_id: queryText(),
  organization_id: queryText(),
  key_alias: queryText(),
  return_full_object: z
    .union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")])
    .optional(),
});

const Member = z
  .object({
    user_id: text(),
    user_email: text(),
    role: z.enum(["admin", "user"]).default("user"),
  })
  .refine((m) => m.user_id || m.user_email, {
    message: "Either user id or user email must be provided",
  });
export type Member = z.infer<typeof Member>;

const teamFields = {
  team_alias: text(),
  organization_id: id(),
  metadata: record(),
  models: strings(),
  blocked: z.boolean().nullable().optional(),
  model_aliases: textMap().nullable().optional(),
  tags: strings(),
  guardrails: strings(),
  team_member_budget: money,
  team_member_key_duration: duration(),
  ...limitFields,
};

export const NewTeamRequest = z.object({
  ...teamFields,
  team_id: id(),
  admins: z.array(z.unknown()).optional(),
  members: z.array(z.unknown()).optional(),
  members_with_roles: z.array(Member).optional(),
});
export const UpdateTeamRequest = z.object({ ...teamFields, team_id: idText() });
export const DeleteTeamRequest = z.object({ team_ids: textList().min(1) });
export const TeamRef = z.object({ team_id: idText() });
export const TeamMemberAddRequest = z.object({
  team_id: idText(),
  member: z.union([Member, z.array(Member).min(1)]),
  max_budget_in_team: money,
});
export const TeamMemberDeleteRequest = z
  .object({
    team_id: idText(),
    user_id: text(),
    user_email: text(),
  })
  .refine((m) => m.user_id || m.user_email, {
    message: "Either user id or user email must be provided",
  });

const userFields = {
  user_email: text(),
  user_alias: text(),
  user_role: z
    .enum(USER_ROLES as [string, ...string[]])
    .nullable()
    .optional(),
  models: strings(),
  spend: money,
  metadata: record(),
  organization_id: id(),
  allowed_cache_controls: strings(),
  ...limitFields,
};
/**
 * A UI login password (LiteLLM's `password` on /user/new and /user/update): stored only as a
 * salted scrypt hash. At least 8 characters (a short one is a login anyone can guess); null on
 * /user/update removes it, which ends the user's dashboard sessions.
 */
const password = () =>
  boundedText(256)
    .min(8, "must be at least 8 characters: send null to remove the user's password")
    .nullable()
    .optional();
const UserTeam = z.union([
  idText(),
  z.object({
    team_id: idText(),
    max_budget_in_team: money,
    user_role: z.enum(["admin", "user"]).default("user"),
  }),
]);
export const NewUserRequest = z.object({
  ...userFields,
  user_id: id(),
  teams: z.array(UserTeam).nullable().optional(),
  organizations: strings(),
  auto_create_key: z.boolean().default(true),
  key_alias: text(),
  duration: duration(),
  send_invite_email: z.boolean().nullable().optional(),
  sso_user_id: text(),
  password: password(),
});
export const UpdateUserRequest = z
  .object({
    ...userFields,
    user_id: text(),
    password: password(),
    /** The caller's own password, required when a non-admin changes a password they have. */
    current_password: boundedText(256).nullable().optional(),
  })
  .refine((u) => u.user_id || u.user_email, {
    message: "Either user id or user email must be provided",
  });
export const DeleteUserRequest = z.object({ user_ids: textList().min(1) });

export const NewOrganizationRequest = z.object({
  ...limitFields,
  organization_id: id(),
  organization_alias: idText(),
  models: strings(),
  budget_id: id(),
  metadata: record(),
});
export const UpdateOrganizationRequest = z.object({
  ...limitFields,
  organization_id: idText(),
  organization_alias: id(),
  models: strings(),
  budget_id: id(),
  metadata: record(),
  spend: money,
});
/** LiteLLM's roles inside an organization. */
export const ORGANIZATION_ROLES = ["org_admin", "internal_user", "internal_user_viewer"] as const;
const OrganizationMember = z
  .object({
    role: z.enum(ORGANIZATION_ROLES),
    user_id: id(),
    user_email: id(),
  })
  .refine((m) => m.user_id || m.user_email, {
    message: "Either user id or user email must be provided",
  });
export type OrganizationMember = z.infer<typeof OrganizationMember>;
export const OrganizationMemberAddRequest = z.object({
  organization_id: idText(),
  member: z.union([OrganizationMember, z.array(OrganizationMember).min(1)]),
  max_budget_in_organization: money,
});
export const DeleteOrganizationRequest = z.object({ organization_ids: textList().min(1) });

const region = z.enum(["eu", "us"]).nullable().optional();
export const NewCustomerRequest = z
  .object({
    ...limitFields,
    user_id: idText(),
    alias: text(),
    blocked: z.boolean().default(false),
    budget_id: id(),
    spend: money,
    allowed_model_region: region,
    default_model: text(),
  })
  .refine((c) => c.max_budget == null || c.budget_id == null, {
    message: "Set either 'max_budget' or 'budget_id', not both.",
  });
export const UpdateCustomerRequest = z.object({
  ...limitFields,
  user_id: idText(),
  alias: text(),
  blocked: z.boolean().nullable().optional(),
  budget_id: id(),
  allowed_model_region: region,
  default_model: text(),
});
export const CustomerIds = z.object({ user_ids: textList().min(1) });

export const NewBudgetRequest = z.object({
  ...limitFields,
  budget_id: id(),
  budget_reset_at: dateText().nullable().optional(),
});
export const UpdateBudgetRequest = z.object({ ...limitFields, budget_id: idText() });
export const DeleteBudgetRequest = z.object({ id: idText() });
export const BudgetInfoRequest = z.object({ budgets: textList().min(1) });

const date = dateText();
export const SpendLogsQuery = z.object({
  api_key: queryText(),
  user_id: queryText(),
  team_id: queryText(),
  end_user: queryText(),
  request_id: queryText(),
  start_date: date.optional(),
  end_date: date.optional(),
  page: page(),
  page_size: z.coerce.number().int().min(1).max(1000).default(100),
});
export const SpendReportQuery = z.object({
  start_date: date,
  end_date: date,
  group_by: z.enum(["team", "customer", "user", "model", "api_key"]).default("team"),
  api_key: queryText(),
  internal_user_id: queryText(),
  team_id: queryText(),
  customer_id: queryText(),
});

/** model_info; its `id` becomes the stored row's primary key, so it is held to an id's bounds. */
const modelInfo = () =>
  jsonObject()
    .superRefine((info, ctx) => {
      if (info.id === undefined || info.id === null) return;
      const checked = idText().safeParse(info.id);
      for (const issue of checked.error?.issues ?? []) {
        ctx.addIssue({ code: "custom", path: ["id"], message: issue.message });
      }
    })
    .nullable()
    .optional();

export const NewModelRequest = z.object({
  model_name: modelName(),
  litellm_params: jsonObject().refine((p) => typeof p.model === "string" && p.model !== "", {
    message: "litellm_params.model is required",
  }),
  model_info: modelInfo(),
});
export const UpdateModelRequest = z.object({
  model_id: idText().optional(),
  model_name: modelName().nullable().optional(),
  litellm_params: record(),
  model_info: modelInfo(),
});
export const ModelRef = z.object({ id: idText() });

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
