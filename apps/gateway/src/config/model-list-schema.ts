import { modelNameProblem } from "@org/core";
import { z } from "zod";
import { count, flag, nonNegative, positive, stringList, text } from "./schema-primitives.ts";

/**
 * LiteLLM's other price fields (besides input/output per token and per second), in
 * `litellm_params` and `model_info`: a negative or non-numeric price is a config error, not a
 * silent fallback to the catalog's.
 */
const PRICE_FIELDS = {
  cost_per_second: nonNegative().optional(),
  cache_read_input_token_cost: nonNegative().optional(),
  cache_creation_input_token_cost: nonNegative().optional(),
  output_cost_per_reasoning_token: nonNegative().optional(),
  input_cost_per_token_above_200k_tokens: nonNegative().optional(),
  output_cost_per_token_above_200k_tokens: nonNegative().optional(),
  cache_read_input_token_cost_above_200k_tokens: nonNegative().optional(),
  cache_creation_input_token_cost_above_200k_tokens: nonNegative().optional(),
};

/**
 * One deployment's `litellm_params`. Loose on purpose: LiteLLM forwards every other key to the
 * provider call (aws_region_name, vertex_project, temperature, ...), so unknown keys are kept.
 * The fields below are the ones the gateway reads itself, so they are typed.
 */
export const litellmParamsSchema = z.looseObject({
  /** `provider/model-name`, e.g. `openai/gpt-4o`; a bare name means OpenAI, as in LiteLLM. */
  model: z
    .string({
      error: (issue) =>
        issue.input === undefined ? "is required (e.g. openai/gpt-4o)" : undefined,
    })
    .min(1, "must not be empty"),
  api_key: z.string().optional(),
  api_base: z.string().optional(),
  api_version: text().optional(),
  organization: z.string().optional(),
  custom_llm_provider: z.string().optional(),
  rpm: count().optional(),
  tpm: count().optional(),
  timeout: positive().optional(),
  stream_timeout: positive().optional(),
  max_retries: count().optional(),
  num_retries: count().optional(),
  /** A canned reply (string) or a full response object; no upstream call is made. */
  mock_response: z
    .union([z.string(), z.record(z.string(), z.unknown())], {
      error: "expected a reply string or a full response mapping",
    })
    .optional(),
  input_cost_per_token: nonNegative().optional(),
  output_cost_per_token: nonNegative().optional(),
  input_cost_per_second: nonNegative().optional(),
  output_cost_per_second: nonNegative().optional(),
  ...PRICE_FIELDS,
  /** simple-shuffle picks deployments in proportion to weight. */
  weight: nonNegative().optional(),
  /** Lower order is tried first; higher orders only when lower ones are unavailable. */
  order: count().optional(),
  region_name: z.string().optional(),
  drop_params: flag().optional(),
  extra_headers: z.record(z.string(), text()).optional(),
  max_parallel_requests: count().optional(),
  cooldown_time: nonNegative().optional(),
  tags: stringList().optional(),
  max_budget: nonNegative().optional(),
  budget_duration: z.string().optional(),
});
export type LitellmParams = z.output<typeof litellmParamsSchema>;

/**
 * `model_info`: metadata about a deployment. LiteLLM allows any extra key here (it is echoed by
 * /model/info), so this is loose too.
 */
export const modelInfoSchema = z.looseObject({
  /** Deployment id; LiteLLM accepts numbers and stringifies them. */
  id: text().optional(),
  /** chat, completion, embedding, image_generation, audio_transcription, rerank, ... */
  mode: z.string().optional(),
  base_model: z.string().optional(),
  max_tokens: count().optional(),
  max_input_tokens: count().optional(),
  max_output_tokens: count().optional(),
  input_cost_per_token: nonNegative().optional(),
  output_cost_per_token: nonNegative().optional(),
  input_cost_per_second: nonNegative().optional(),
  output_cost_per_second: nonNegative().optional(),
  ...PRICE_FIELDS,
  /** Names a key's `models` may list to reach every model group in them (LiteLLM's access groups). */
  access_groups: stringList().optional(),
});
export type ModelInfo = z.output<typeof modelInfoSchema>;

export const modelListEntrySchema = z.looseObject({
  /**
   * The public name clients send as `model`; several entries may share it (a model group). It
   * is sent back in response headers, so CR, LF and characters beyond Latin-1 are refused.
   */
  model_name: text().pipe(
    z.string().superRefine((name, ctx) => {
      const problem = modelNameProblem(name);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  ),
  litellm_params: litellmParamsSchema,
  model_info: modelInfoSchema.optional(),
});
export type ModelListEntry = z.output<typeof modelListEntrySchema>;

export const modelListSchema = z.array(modelListEntrySchema);
