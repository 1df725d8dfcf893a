import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import { convertResponseFormat } from "./convert-response-format.ts";
import { convertThinkingConfig } from "./convert-thinking-config.ts";
import type { GeminiModelTraits } from "./gemini-model-traits.ts";
import type { GeminiGenerationConfig } from "./wire-schemas.ts";

/**
 * OpenAI sampling params to `generationConfig`: temperature, top_p, `top_k` (LiteLLM extra),
 * max_completion_tokens (else max_tokens) as maxOutputTokens, stop as stopSequences, n as
 * candidateCount, seed, presence/frequency penalties, logprobs/top_logprobs as
 * responseLogprobs/logprobs, modalities as responseModalities, response_format and
 * reasoning_effort (see their converters). Unset or null params are left out.
 *
 * Gemini 3 rejects the penalty params; like LiteLLM we drop them there rather than fail.
 */
export function convertGenerationConfig(
  request: ChatCompletionRequest,
  traits: GeminiModelTraits,
): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {};
  const set = <K extends keyof GeminiGenerationConfig>(
    key: K,
    value: GeminiGenerationConfig[K] | null | undefined,
  ) => {
    if (value !== undefined && value !== null) config[key] = value;
  };

  set("temperature", request.temperature);
  set("topP", request.top_p);
  set("topK", typeof request.top_k === "number" ? request.top_k : undefined);
  set("maxOutputTokens", request.max_completion_tokens ?? request.max_tokens);
  if (typeof request.stop === "string") set("stopSequences", [request.stop]);
  else if (Array.isArray(request.stop) && request.stop.length > 0)
    set("stopSequences", request.stop);
  set("candidateCount", request.n);
  set("seed", request.seed);
  if (!traits.usesThinkingLevel) {
    set("presencePenalty", request.presence_penalty);
    set("frequencyPenalty", request.frequency_penalty);
  }
  if (request.logprobs === true) {
    set("responseLogprobs", true);
    set("logprobs", request.top_logprobs);
  }
  if (Array.isArray(request.modalities) && request.modalities.length > 0) {
    set(
      "responseModalities",
      request.modalities.map((modality) => modality.toUpperCase()),
    );
  }
  Object.assign(config, convertResponseFormat(request.response_format, traits));
  set("thinkingConfig", convertThinkingConfig(request, traits));

  return Object.keys(config).length > 0 ? config : undefined;
}
