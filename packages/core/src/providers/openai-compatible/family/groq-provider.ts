import { RateLimitError, ServiceUnavailableError } from "../../../errors/gateway-error.ts";
import { parseRetryAfterMs } from "../../../errors/parse-retry-after.ts";
import type { ChatCompletionChunk } from "../../../openai/chat-chunk.ts";
import type { Usage } from "../../../openai/chat-response.ts";
import { isRecord } from "../../../util/is-record.ts";
import { mapOpenAIError, readOpenAIError } from "../../openai/map-error.ts";
import { redactSecrets } from "../../../errors/redact.ts";
import { mapMessages, stripMessageField } from "./body-edits.ts";
import { createFamilyProvider } from "./create-family-provider.ts";

export const GROQ_API_BASE = "https://api.groq.com/openai/v1";

/**
 * Groq (console.groq.com/docs/openai). Rejects `logprobs`, `logit_bias`, `top_logprobs` and
 * `messages[].name` with a 400, and `n` other than 1 (left to Groq: `n: 1` is fine). Accepts
 * `stream_options`. Reasoning arrives in `delta.reasoning`; usage also in `x_groq.usage`.
 * Errors are OpenAI's envelope without `param`; 498 (flex capacity) and 413 over the
 * tokens-per-minute limit get their own mapping below.
 * LiteLLM reads GROQ_API_KEY / GROQ_API_BASE; the app resolves those.
 */
export const groqProvider = createFamilyProvider({
  id: "groq",
  defaultApiBase: GROQ_API_BASE,
  unsupportedParams: ["logprobs", "logit_bias", "top_logprobs"],
  embeddingsPath: false,
  transformBody: (body) =>
    // Groq 400s on explicit nulls in assistant messages (a `function_call: null` from an
    // echoed OpenAI message) and on `name`, which it does not support.
    mapMessages(stripMessageField(body, "name"), (message) =>
      message.role === "assistant" ? withoutNulls(message) : message,
    ),
  createChunkFixer: () => copyGroqUsage,
  mapError: (response, deployment) => {
    const details = readOpenAIError(response.body, response.status);
    const message = redactSecrets(details.message, deployment.apiKey ? [deployment.apiKey] : []);
    const retryAfterMs = parseRetryAfterMs(response.headers);
    const common = {
      provider: "groq",
      upstreamStatus: response.status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
    // 498: Groq's flex tier has no capacity right now; another deployment may.
    if (response.status === 498) {
      return new ServiceUnavailableError(message, {
        ...common,
        ...(details.code ? { code: details.code } : {}),
      });
    }
    // 413 `rate_limit_exceeded`: one request above the tokens-per-minute limit. Not a malformed
    // request: a deployment on another key or tier can serve it, so it is a rate limit.
    if (response.status === 413 && details.code === "rate_limit_exceeded") {
      return new RateLimitError(message, common);
    }
    return mapOpenAIError(response, deployment, "groq");
  },
});

function withoutNulls(message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) {
    if (value !== null || key === "content") out[key] = value;
  }
  return out;
}

/** Groq's last chunk has its usage under `x_groq.usage`; without `include_usage` only there. */
function copyGroqUsage(chunk: ChatCompletionChunk): ChatCompletionChunk {
  const xGroq = (chunk as Record<string, unknown>).x_groq;
  if (
    (chunk.usage === null || chunk.usage === undefined) &&
    isRecord(xGroq) &&
    isRecord(xGroq.usage)
  ) {
    chunk.usage = xGroq.usage as Usage;
  }
  return chunk;
}
