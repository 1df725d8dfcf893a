import type { GatewayConfig } from "./config-schema.ts";

/** The brief's default request-size cap, in megabytes. */
export const DEFAULT_MAX_REQUEST_SIZE_MB = 5;
/**
 * Default cap on a non-streamed upstream answer (or error body), in megabytes. LiteLLM has no
 * default; without one a hostile or broken upstream can make the gateway buffer any amount
 * (a 100 MB answer cost ~190 MB of RSS). 64 MB holds the largest ordinary answers: a batch of
 * 1,000+ float embeddings of 1,536 dimensions is ~30-40 MB of JSON (base64 is ~4x smaller).
 */
export const DEFAULT_MAX_RESPONSE_SIZE_MB = 64;

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
  /**
   * A non-streamed upstream answer larger than this is not read past the limit: the call fails
   * with a 502 naming it. Default DEFAULT_MAX_RESPONSE_SIZE_MB. Streams are not limited.
   */
  maxResponseSizeMb: number;
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
    maxResponseSizeMb: general.max_response_size_mb ?? DEFAULT_MAX_RESPONSE_SIZE_MB,
    storeModelInDb: general.store_model_in_db ?? false,
    ...(general.enforce_user_param === true ? { enforceUserParam: true as const } : {}),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
