/**
 * One `model_list` entry, in LiteLLM's snake_case shape exactly as it appears in config.yaml.
 * Entries sharing a `model_name` form one model group. Secrets (`api_key`, ...) must already be
 * resolved by the app (`os.environ/NAME` references included): packages never read process.env.
 */
export interface ModelListEntry {
  model_name: string;
  litellm_params: LitellmParams;
  model_info?: ModelInfo;
  /** LiteLLM also reads rpm/tpm at the top level of an entry. */
  rpm?: number;
  tpm?: number;
}

export interface LitellmParams {
  /** "provider/model" ("openai/gpt-4o"); a bare name means OpenAI; may contain `*` for wildcard routes. */
  model: string;
  api_key?: string;
  api_base?: string;
  api_version?: string;
  custom_llm_provider?: string;
  /** Requests per minute this deployment may receive (across all instances sharing the store). */
  rpm?: number;
  /** Tokens per minute this deployment may receive. */
  tpm?: number;
  /** Seconds. */
  timeout?: number;
  /** Seconds to the first chunk and between chunks of a stream. */
  stream_timeout?: number;
  /** Retries for calls that fail on this deployment (overrides router `num_retries`). */
  num_retries?: number;
  /** LiteLLM's SDK-level retries; used like `num_retries` when that is not set. */
  max_retries?: number;
  /** simple-shuffle weight. */
  weight?: number;
  /** Seconds this deployment cools down after a failure (overrides router `cooldown_time`). */
  cooldown_time?: number;
  mock_response?: unknown;
  input_cost_per_token?: number;
  output_cost_per_token?: number;
  max_input_tokens?: number;
  extra_headers?: Record<string, string>;
  drop_params?: boolean;
  [key: string]: unknown;
}

export interface ModelInfo {
  id?: string | number;
  max_input_tokens?: number;
  max_output_tokens?: number;
  input_cost_per_token?: number;
  output_cost_per_token?: number;
  rpm?: number;
  tpm?: number;
  [key: string]: unknown;
}
