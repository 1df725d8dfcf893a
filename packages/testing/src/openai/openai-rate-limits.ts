import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { openaiRequestId } from "./openai-ids.ts";

export interface OpenAIRateLimitConfig {
  requests?: number;
  tokens?: number;
}

/**
 * Produces the headers OpenAI puts on successful responses. Remaining counts go down with each
 * request and its tokens, so a gateway that reads them (usage-based routing) sees them move.
 */
export function createOpenAIHeaders(config: OpenAIRateLimitConfig | false) {
  const limitRequests = config === false ? 0 : (config.requests ?? 10_000);
  const limitTokens = config === false ? 0 : (config.tokens ?? 10_000_000);
  let requestsUsed = 0;
  let tokensUsed = 0;
  return (req: RecordedRequest, tokens: number): Record<string, string> => {
    requestsUsed += 1;
    tokensUsed += tokens;
    const headers: Record<string, string> = {
      "x-request-id": openaiRequestId(),
      "openai-version": "2020-10-01",
      "openai-processing-ms": String(Math.max(1, Date.now() - req.timestamp)),
    };
    if (config === false) return headers;
    return {
      ...headers,
      "x-ratelimit-limit-requests": String(limitRequests),
      "x-ratelimit-limit-tokens": String(limitTokens),
      "x-ratelimit-remaining-requests": String(Math.max(0, limitRequests - requestsUsed)),
      "x-ratelimit-remaining-tokens": String(Math.max(0, limitTokens - tokensUsed)),
      "x-ratelimit-reset-requests": "6ms",
      "x-ratelimit-reset-tokens": "0s",
    };
  };
}

export type OpenAIHeaders = ReturnType<typeof createOpenAIHeaders>;
