import type {
  EmbeddingAdapter,
  EmbeddingContext,
  UpstreamRequest,
} from "../../provider/adapter.ts";
import { convertEmbeddingRequest } from "./convert-embedding-request.ts";
import { geminiAuthHeaders } from "./gemini-headers.ts";
import { geminiUrl } from "./gemini-url.ts";
import { parseEmbeddingResponse } from "./parse-embedding-response.ts";

export type SyncEmbeddingAdapter = Omit<EmbeddingAdapter, "buildRequest"> & {
  buildRequest(ctx: EmbeddingContext): UpstreamRequest;
};

/** Gemini API embeddings (`text-embedding-004`, `gemini-embedding-001`...). */
export const geminiEmbeddingsAdapter: SyncEmbeddingAdapter = {
  buildRequest(ctx) {
    const { deployment } = ctx;
    const { method, body } = convertEmbeddingRequest(ctx.request, deployment);
    return {
      url: geminiUrl(deployment, method),
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...geminiAuthHeaders(deployment),
        ...deployment.extraHeaders,
      },
      body: JSON.stringify(body),
    };
  },
  parseResponse: parseEmbeddingResponse,
};
