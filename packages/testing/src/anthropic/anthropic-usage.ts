/** Anthropic's `usage` object; `input_tokens` excludes cache reads and writes. */
export interface AnthropicUsageBody {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  service_tier: "standard";
  output_tokens_details?: { thinking_tokens: number };
}

export interface AnthropicUsageSpec {
  input?: number;
  output?: number;
  cacheRead?: number;
  /** Cache writes, all counted as 5-minute entries. */
  cacheWrite?: number;
  /** Adds `output_tokens_details.thinking_tokens`. */
  thinking?: number;
}

export function anthropicUsage(spec: AnthropicUsageSpec = {}): AnthropicUsageBody {
  const cacheWrite = spec.cacheWrite ?? 0;
  return {
    input_tokens: spec.input ?? 10,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: spec.cacheRead ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: cacheWrite, ephemeral_1h_input_tokens: 0 },
    output_tokens: spec.output ?? 20,
    service_tier: "standard",
    ...(spec.thinking === undefined
      ? {}
      : { output_tokens_details: { thinking_tokens: spec.thinking } }),
  };
}
