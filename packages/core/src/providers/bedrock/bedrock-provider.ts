import type { ProviderAdapter } from "../../provider/adapter.ts";
import { createBedrockChatAdapter } from "./bedrock-chat-adapter.ts";
import { createBedrockEmbeddingAdapter } from "./bedrock-embeddings-adapter.ts";
import { mapBedrockError } from "./map-error.ts";

export interface BedrockProviderOptions {
  /**
   * The clock (ms since epoch) used for the SigV4 signing date and `created`. Tests pin it so
   * signatures are reproducible.
   */
  now?: () => number;
}

/**
 * OpenAI request params Converse has no equivalent for (none is in LiteLLM's supported list for
 * bedrock_converse): a 400 naming them, or dropped with drop_params. `n > 1` and
 * reasoning_effort on non-Claude models depend on the value or model, so convert-request checks
 * those.
 */
export const BEDROCK_UNSUPPORTED_PARAMS = [
  "logprobs",
  "top_logprobs",
  "logit_bias",
  "presence_penalty",
  "frequency_penalty",
  "seed",
  "audio",
  "modalities",
  "prediction",
  "web_search_options",
  "functions",
  "function_call",
] as const;

/**
 * Provider `bedrock` (LiteLLM `bedrock/<model id>`, also `bedrock/converse/<id>`): chat through
 * Converse / ConverseStream, embeddings (Titan, Cohere) through InvokeModel, signed with SigV4
 * or sent with a Bedrock API key. See README.md in this folder for the params it reads.
 */
export function createBedrockProvider(options: BedrockProviderOptions = {}): ProviderAdapter {
  const now = options.now ?? Date.now;
  return {
    id: "bedrock",
    chat: createBedrockChatAdapter(now),
    embeddings: createBedrockEmbeddingAdapter(now),
    mapError: mapBedrockError,
    unsupportedParams: BEDROCK_UNSUPPORTED_PARAMS,
  };
}

export const bedrockProvider: ProviderAdapter = createBedrockProvider();
