import { index, pgTable, text } from "drizzle-orm/pg-core";
import { generatedId } from "../columns/generated-id.ts";
import { jsonObject } from "../columns/json.ts";
import { createdAt, updatedAt } from "../columns/timestamps.ts";

/** A deployment added at runtime through the management API (LiteLLM_ProxyModelTable). */
export const proxyModels = pgTable(
  "proxy_models",
  {
    id: generatedId("id"),
    /** The public model name clients request; deployments sharing it form a model group. */
    modelName: text("model_name").notNull(),
    /**
     * LiteLLM's `litellm_params` (provider model, api_base, api_key, ...) serialized and
     * encrypted by the application before it reaches this package. They hold provider
     * credentials, so there is deliberately no plaintext jsonb column for them.
     */
    litellmParamsEncrypted: text("litellm_params_encrypted").notNull(),
    /** Non-secret information: pricing overrides, context window, `base_model`, ... */
    modelInfo: jsonObject("model_info"),
    createdAt: createdAt(),
    createdBy: text("created_by"),
    updatedAt: updatedAt(),
    updatedBy: text("updated_by"),
  },
  (t) => [index("proxy_models_model_name_idx").on(t.modelName)],
);

export type ProxyModel = typeof proxyModels.$inferSelect;
export type NewProxyModel = typeof proxyModels.$inferInsert;
