import { z } from "zod";
import { generalSettingsSchema } from "./general-settings-schema.ts";
import { litellmSettingsSchema } from "./litellm-settings-schema.ts";
import { modelListSchema } from "./model-list-schema.ts";
import { routerSettingsSchema } from "./router-settings-schema.ts";
import { flag, section } from "./schema-primitives.ts";

/**
 * LiteLLM's config.yaml, as users already have it. Every section is optional (LiteLLM starts
 * with any subset) and loose: unknown keys are kept and reported by key-support.ts rather than
 * rejected, so a config written for a newer LiteLLM still starts.
 */
export const gatewayConfigSchema = z.looseObject({
  model_list: section(modelListSchema),
  litellm_settings: section(litellmSettingsSchema),
  router_settings: section(routerSettingsSchema),
  general_settings: section(generalSettingsSchema),
  /**
   * Per-callback settings, by callback name (`langfuse`, `otel`, `generic_api`):
   * `message_logging` overrides `litellm_settings.turn_off_message_logging` for that callback.
   */
  callback_settings: section(
    z.record(z.string(), z.looseObject({ message_logging: flag().optional() }).nullable()),
  ),
  /** Set into the environment before `os.environ/` references are resolved. */
  environment_variables: section(
    z.record(
      z.string(),
      z.union([z.string(), z.number(), z.boolean(), z.null()], {
        error: "expected a string, number or boolean",
      }),
    ),
  ),
  /** Other YAML files merged into this one (see apply-includes.ts); consumed before parsing. */
  include: section(z.array(z.string())),
});

/** The parsed, env-resolved config file. */
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
