import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { isRecord } from "../../util/is-record.ts";

/**
 * Ollama model options (`api.Options` / `api.Runner`) a client or the deployment's
 * litellm_params may set by name, as LiteLLM forwards them (`num_ctx` is the usual one).
 */
const NATIVE_OPTIONS = [
  "num_ctx",
  "num_keep",
  "num_batch",
  "num_gpu",
  "main_gpu",
  "num_thread",
  "top_k",
  "min_p",
  "typical_p",
  "repeat_last_n",
  "repeat_penalty",
  "mirostat",
  "mirostat_eta",
  "mirostat_tau",
  "tfs_z",
  "use_mmap",
] as const;

/**
 * The `options` object: OpenAI sampling params under Ollama's names (`max_tokens` is
 * `num_predict`; the penalties keep their names, which Ollama's Options has), then native
 * options from the deployment, then from the request, then an explicit `options` object
 * (deployment's, then the request's), later ones winning.
 */
export function convertOptions(
  request: ChatCompletionRequest,
  deployment: ProviderDeployment,
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (typeof request.temperature === "number") options.temperature = request.temperature;
  if (typeof request.top_p === "number") options.top_p = request.top_p;
  if (typeof request.seed === "number") options.seed = request.seed;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === "number") options.num_predict = maxTokens;
  if (typeof request.stop === "string") options.stop = [request.stop];
  else if (Array.isArray(request.stop) && request.stop.length > 0) options.stop = request.stop;
  if (typeof request.frequency_penalty === "number") {
    options.frequency_penalty = request.frequency_penalty;
  }
  if (typeof request.presence_penalty === "number") {
    options.presence_penalty = request.presence_penalty;
  }
  for (const source of [deployment.params, request as Record<string, unknown>]) {
    for (const name of NATIVE_OPTIONS) {
      const value = source[name];
      if (value !== undefined && value !== null) options[name] = value;
    }
  }
  for (const source of [deployment.params.options, request.options]) {
    if (isRecord(source)) Object.assign(options, source);
  }
  return options;
}
