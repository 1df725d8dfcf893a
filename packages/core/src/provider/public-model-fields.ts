/**
 * What of a deployment (`litellm_params`, `model_info`) may be shown to a caller: /model/info,
 * /model/new and /model/update answers and audit rows. An allowlist, not a list of what to hide:
 * providers keep adding credential fields (hf_token, watsonx_token, aws_bearer_token_bedrock,
 * headers, ...) and admins invent their own, so a field is shown only when it is known to be
 * harmless. Everything else is left out.
 */

/** litellm_params fields that configure routing, limits and prices, never authentication. */
const SAFE_PARAMS = new Set([
  "model",
  "api_base",
  "base_url",
  "api_version",
  "custom_llm_provider",
  "region_name",
  "aws_region_name",
  "vertex_location",
  "vertex_project",
  "rpm",
  "tpm",
  "weight",
  "order",
  "timeout",
  "stream_timeout",
  "max_retries",
  "max_tokens",
  "max_input_tokens",
  "max_output_tokens",
  "max_budget",
  "budget_duration",
  "input_cost_per_token",
  "output_cost_per_token",
  "input_cost_per_second",
  "output_cost_per_second",
  "input_cost_per_character",
  "output_cost_per_character",
  "cache_read_input_token_cost",
  "cache_creation_input_token_cost",
  "input_cost_per_pixel",
  "output_cost_per_pixel",
  "tags",
  "drop_params",
  "additional_drop_params",
  "merge_reasoning_content_in_choices",
  "use_in_pass_through",
  "supports_system_message",
]);

/** model_info fields that describe a model; pricing and capability flags match by pattern. */
const SAFE_INFO = new Set([
  "id",
  "db_model",
  "base_model",
  "mode",
  "max_tokens",
  "max_input_tokens",
  "max_output_tokens",
  "output_vector_size",
  "access_groups",
  "access_via_team_ids",
  "description",
  "team_id",
  "team_public_model_name",
  "tier",
  "litellm_provider",
  "supported_openai_params",
  "health_check_model",
  "created_at",
  "created_by",
  "updated_at",
  "updated_by",
]);
const COST = /(^|_)cost(_|$)/;
const CAPABILITY = /^supports_/;

/** The api_base's origin and path: userinfo, query and fragment can carry credentials. */
export function publicApiBase(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const url = new URL(value);
    return `${url.origin}${url.pathname}`.replace(/\/$/, "");
  } catch {
    return undefined;
  }
}

/** A value shown as it is only when it is plain data (a number, boolean or short scalar list). */
function plain(value: unknown): boolean {
  if (value === null || typeof value === "number" || typeof value === "boolean") return true;
  if (typeof value === "string") return true;
  return Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number");
}

/** The harmless part of `litellm_params`. */
export function publicLitellmParams(params: Readonly<Record<string, unknown>>) {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (!SAFE_PARAMS.has(key) || !plain(value)) continue;
    if (key === "api_base" || key === "base_url") {
      const base = publicApiBase(value);
      if (base !== undefined) out[key] = base;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The harmless part of `model_info`: known descriptive fields, prices (numbers), capability flags (booleans). */
export function publicModelInfo(info: Readonly<Record<string, unknown>>) {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(info)) {
    const shown =
      (SAFE_INFO.has(key) && plain(value)) ||
      (COST.test(key) && (typeof value === "number" || value === null)) ||
      (CAPABILITY.test(key) && typeof value === "boolean");
    if (shown) out[key] = value;
  }
  return out;
}
