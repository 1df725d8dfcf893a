import type { ChatAdapter, RequestContext, UpstreamRequest } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { convertRequest } from "./convert-request.ts";
import { parseResponse } from "./parse-response.ts";
import { createStreamTransformer } from "./stream-transformer.ts";

/**
 * Where and how a Gemini-format request is sent: the only things that differ between the
 * Gemini API and Vertex AI. The body, the parsing and the stream are shared.
 */
export interface GeminiEndpoint {
  /** The `generateContent` URL, or the `streamGenerateContent?alt=sse` one. */
  chatUrl(deployment: ProviderDeployment, stream: boolean): string;
  /** Credential headers; throws an AuthenticationError when the deployment has none. */
  authHeaders(deployment: ProviderDeployment): Record<string, string>;
}

export type SyncChatAdapter = Omit<ChatAdapter, "buildRequest"> & {
  buildRequest(ctx: RequestContext): UpstreamRequest;
};

export function createGeminiChatAdapter(endpoint: GeminiEndpoint): SyncChatAdapter {
  return {
    buildRequest(ctx) {
      const { deployment, request } = ctx;
      return {
        url: endpoint.chatUrl(deployment, request.stream === true),
        method: "POST",
        headers: geminiHeaders(deployment, endpoint),
        body: JSON.stringify(convertRequest(request, deployment)),
      };
    },
    parseResponse,
    streamFraming: "sse",
    createStreamTransformer,
  };
}

/** JSON content type, credentials, then the deployment's `extra_headers` (which win). */
export function geminiHeaders(
  deployment: ProviderDeployment,
  endpoint: GeminiEndpoint,
): Record<string, string> {
  return {
    "content-type": "application/json",
    ...endpoint.authHeaders(deployment),
    ...deployment.extraHeaders,
  };
}
