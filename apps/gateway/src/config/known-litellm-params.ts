/**
 * `litellm_params` keys the gateway does not type itself but that LiteLLM and our adapters
 * read (credentials and endpoints per provider, request defaults, mock settings). They are kept
 * in the deployment's params and passed to the provider adapter, which uses the ones it knows.
 *
 * The list exists so a misspelt key can be told apart from a provider-specific one: a key
 * that is on neither this list nor the schema, but within a typo of one of them, is refused at
 * start (see litellm-param-typos.ts). Add a key here when an adapter starts reading it.
 */
export const PASS_THROUGH_LITELLM_PARAMS: readonly string[] = [
  // Endpoints and credentials
  "base_url",
  "azure_ad_token",
  "azure_ad_token_provider",
  "azure_username",
  "azure_password",
  "azure_scope",
  "tenant_id",
  "client_id",
  "client_secret",
  "aws_access_key_id",
  "aws_secret_access_key",
  "aws_session_token",
  "aws_region_name",
  "aws_session_name",
  "aws_profile_name",
  "aws_role_name",
  "aws_web_identity_token",
  "aws_sts_endpoint",
  "aws_external_id",
  "aws_bedrock_runtime_endpoint",
  "vertex_project",
  "vertex_location",
  "vertex_credentials",
  "vertex_ai_project",
  "vertex_ai_location",
  "vertex_ai_credentials",
  "litellm_credential_name",
  // Provider-specific request fields
  "safety_settings",
  "cached_content",
  "keep_alive",
  "options",
  "truncate",
  "think",
  "format",
  "shift",
  "input_type",
  "or_site_url",
  "or_app_name",
  "anthropic_beta",
  "container",
  "mcp_servers",
  "context_management",
  "additionalModelRequestFields",
  "additionalModelResponseFieldPaths",
  "guardrailConfig",
  "performanceConfig",
  "requestMetadata",
  "top_k",
  // Rerank (Cohere and others) reads top_n.
  "top_n",
  // model_info's field, which configs often put here too and LiteLLM ignores here: not a typo
  // of `model`, and no reason to refuse a working config.
  "mode",
  // OpenAI request defaults a deployment may set
  "temperature",
  "top_p",
  "n",
  "stop",
  "seed",
  "max_tokens",
  "max_completion_tokens",
  "presence_penalty",
  "frequency_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "user",
  "response_format",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "reasoning_effort",
  "thinking",
  "stream_options",
  "extra_body",
  "metadata",
  // LiteLLM bookkeeping
  "base_model",
  "use_in_pass_through",
  "merge_reasoning_content_in_choices",
  "configurable_clientside_auth_params",
  // Mock settings (providers/mock)
  "mock_tool_calls",
  "mock_timeout",
  "mock_delay",
  "mock_chunk_delay_ms",
];
