/**
 * OpenAI params Gemini has no equivalent for: a 400 naming them, or dropped with
 * `drop_params`. `audio` (spoken output) would need `speechConfig` and audio parts back, which
 * this adapter does not convert. Params that are merely meaningless for Gemini (`user`,
 * `metadata`, `store`, `service_tier`, `parallel_tool_calls`, `stream_options`) are ignored
 * rather than refused, as LiteLLM does.
 */
export const GEMINI_UNSUPPORTED_PARAMS = ["logit_bias", "prediction", "audio"] as const;
