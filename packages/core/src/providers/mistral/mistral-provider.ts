import type {
  ChatAdapter,
  EmbeddingAdapter,
  EmbeddingContext,
  ProviderAdapter,
  RequestContext,
} from "../../provider/adapter.ts";
import { createFamilyProvider } from "../openai-compatible/family/create-family-provider.ts";
import { convertMistralBody, MISTRAL_UNSUPPORTED_PARAMS } from "./convert-request.ts";
import { createMistralEmbeddingsAdapter } from "./mistral-embeddings-adapter.ts";
import { fixMistralCompletion } from "./fix-completion.ts";
import { mapMistralError } from "./map-error.ts";
import { MISTRAL_API_BASE, normalizeMistralApiBase } from "./mistral-url.ts";
import { createMistralChunkFixer } from "./stream-chunk-fixer.ts";

/**
 * The shared OpenAI base with Mistral's deviations: request rewriting (`convertMistralBody`),
 * per-stream chunk repair, completion repair and Mistral's error shapes. Mistral never gets
 * byte passthrough: its tool-call deltas lack `index` and usage rides on the finish chunk.
 */
const base = createFamilyProvider({
  id: "mistral",
  defaultApiBase: MISTRAL_API_BASE,
  unsupportedParams: MISTRAL_UNSUPPORTED_PARAMS,
  injectStreamUsage: false,
  transformBody: convertMistralBody,
  createChunkFixer: () => createMistralChunkFixer(),
  fixPayload: fixMistralCompletion,
  mapError: mapMistralError,
  passthrough: false,
});
const baseChat = base.chat as ChatAdapter;
const baseEmbeddings = createMistralEmbeddingsAdapter(base.embeddings as EmbeddingAdapter);

function withMistralBase<T extends RequestContext | EmbeddingContext>(ctx: T): T {
  const apiBase = normalizeMistralApiBase(ctx.deployment.apiBase);
  if (apiBase === ctx.deployment.apiBase) return ctx;
  const { apiBase: _old, ...deployment } = ctx.deployment;
  return { ...ctx, deployment: apiBase === undefined ? deployment : { ...deployment, apiBase } };
}

/** Mistral AI (`mistral/<model>`): chat (incl. tools, vision, magistral thinking) and embeddings. */
export const mistralProvider: ProviderAdapter = {
  ...base,
  chat: {
    ...baseChat,
    buildRequest: (ctx) => baseChat.buildRequest(withMistralBase(ctx)),
  },
  embeddings: {
    ...baseEmbeddings,
    buildRequest: (ctx) => baseEmbeddings.buildRequest(withMistralBase(ctx)),
  },
};
