import type { GatewayConfig } from "./config-schema.ts";

/** The brief's default request-size cap, in megabytes. */
export const DEFAULT_MAX_REQUEST_SIZE_MB = 5;

/**
 * The server-level settings the gateway acts on, from `general_settings`, with defaults
 * applied. Only the file is read here: LiteLLM's environment fallbacks (LITELLM_MASTER_KEY,
 * DATABASE_URL) are the app's to apply, so it can tell the user where a value came from.
 */
export interface GeneralSettings {
  /** Admin key (general_settings.master_key, `os.environ/` already resolved). */
  masterKey?: string;
  /** general_settings.database_url. */
  databaseUrl?: string;
  /** Requests with a larger body are rejected. Default DEFAULT_MAX_REQUEST_SIZE_MB. */
  maxRequestSizeMb: number;
  /** Responses above this size are not sent; unset means no limit. (planned) */
  maxResponseSizeMb?: number;
  /** Also load models from the database. (planned) */
  storeModelInDb: boolean;
  /** general_settings.enforce_user_param: inference requests must name their end user. */
  enforceUserParam?: true;
}

export function buildGeneralSettings(config: GatewayConfig): GeneralSettings {
  const general = config.general_settings ?? {};
  const databaseUrl = nonEmpty(general.database_url);
  return {
    ...(general.master_key !== undefined ? { masterKey: general.master_key } : {}),
    ...(databaseUrl !== undefined ? { databaseUrl } : {}),
    maxRequestSizeMb: general.max_request_size_mb ?? DEFAULT_MAX_REQUEST_SIZE_MB,
    ...(general.max_response_size_mb !== undefined
      ? { maxResponseSizeMb: general.max_response_size_mb }
      : {}),
    storeModelInDb: general.store_model_in_db ?? false,
    ...(general.enforce_user_param === true ? { enforceUserParam: true as const } : {}),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
