import {
  type GatewayError,
  type GatewayErrorOptions,
  NotFoundError,
} from "../../errors/gateway-error.ts";
import { redactSecrets } from "../../errors/redact.ts";
import type { UpstreamResponse } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import {
  contentPolicyErrorFor,
  contextWindowErrorFor,
  mapUpstreamStatus,
  retryHintFromHeaders,
} from "../common/map-upstream-error.ts";
import { OllamaErrorBodySchema } from "./wire-schemas.ts";
import { parseJsonBody, unreadableErrorMessage } from "../common/read-error-body.ts";

/**
 * Ollama's own context-overflow messages (llm/llama_server.go, server/routes.go), which the
 * shared patterns do not all cover: "the prompt is longer than the context length currently
 * available to the model", "the input length exceeds the context length", "input exceeds
 * maximum context length and cannot be truncated further".
 */
const OLLAMA_CONTEXT_PATTERNS = [/longer than the context length/i, /exceeds the context length/i];

/** Reads `{"error": "..."}`; any other body (gin's text 404 page, a proxy page) is the message. */
export function readOllamaError(body: string, status: number): string {
  const parsed = parseJsonBody(body);
  const result = OllamaErrorBodySchema.safeParse(parsed);
  if (result.success) return result.data.error;
  return unreadableErrorMessage("Ollama", status, body);
}

/**
 * Maps a non-2xx Ollama answer (or an `{"error": ...}` line in a stream) to the error family
 * (docs/api/errors.mdx): 400 bad request (context overflow recognised by message), 401/403 for
 * ollama.com models, 404 model not found (`model 'x' not found`, or `..., try pulling it
 * first` on older builds), 429 rate limit, 500 model failures and 502 unreachable cloud models
 * (retryable: another deployment may work).
 */
export function mapOllamaError(
  response: UpstreamResponse,
  deployment: ProviderDeployment,
): GatewayError {
  const status = response.status;
  const raw = readOllamaError(response.body, status);
  const message = redactSecrets(raw, deployment.apiKey ? [deployment.apiKey] : []);
  const options: GatewayErrorOptions = {
    provider: deployment.provider,
    upstreamStatus: status,
    ...retryHintFromHeaders(response.headers, { minSeconds: 1 }),
  };

  // Context overflow arrives as 400 before the answer starts, or as a 500 line mid-stream.
  if (status !== 429 && status !== 401 && status !== 403 && status !== 404) {
    const overflow = contextWindowErrorFor(raw, message, options, OLLAMA_CONTEXT_PATTERNS);
    if (overflow !== undefined) return overflow;
  }
  if (status === 400) {
    const refused = contentPolicyErrorFor(raw, message, options);
    if (refused !== undefined) return refused;
  }
  return mapUpstreamStatus(status, message, options, {
    byStatus: {
      404: (text, opts) => new NotFoundError(text, { code: "model_not_found", ...opts }),
    },
  });
}
