import type { ProviderDeployment } from "../../provider/deployment.ts";

/** LiteLLM's default mock answer (`mock_completion`'s `mock_response` default). */
export const DEFAULT_MOCK_TEXT = "This is a mock request";

/**
 * What a mocked call should do, gathered from LiteLLM's names:
 * - `mock_response`: a string answers with that text; a LiteLLM exception name
 *   ("litellm.RateLimitError", ...) or "Exception: ..." string fails the call (see
 *   mock-error-response.ts); an object is the completion itself (merged over a default one);
 *   for embeddings, an array of numbers is the vector returned for every input;
 * - `mock_tool_calls`: OpenAI `tool_calls` to answer with;
 * - `mock_timeout: true`: the call times out (after the call's timeout, if it has one);
 * - `mock_delay`: seconds to wait before answering, as in LiteLLM;
 * - `mock_chunk_delay_ms` (ours; LiteLLM sleeps a fixed 20 ms): pause between stream chunks.
 */
export interface MockOptions {
  response?: unknown;
  toolCalls?: unknown[];
  timeout?: boolean;
  delayMs?: number;
  chunkDelayMs?: number;
}

/**
 * The mock settings for a call, or undefined when it should go upstream. As in LiteLLM, they
 * can sit in `litellm_params` (deployment.params) or in the request body, the request winning,
 * and only a truthy `mock_response`, `mock_tool_calls` or `mock_timeout` turns mocking on.
 * A `mock/...` deployment is always mocked.
 */
export function resolveMockOptions(
  deployment: ProviderDeployment,
  request: Readonly<Record<string, unknown>>,
): MockOptions | undefined {
  const pick = (name: string): unknown => request[name] ?? deployment.params[name];
  const response = pick("mock_response");
  const toolCalls = pick("mock_tool_calls");
  const timeout = pick("mock_timeout") === true;
  const mocked =
    Boolean(response) ||
    (Array.isArray(toolCalls) && toolCalls.length > 0) ||
    timeout ||
    deployment.provider === "mock";
  if (!mocked) return undefined;

  const options: MockOptions = {};
  if (response !== undefined && response !== null && response !== "") options.response = response;
  if (Array.isArray(toolCalls) && toolCalls.length > 0) options.toolCalls = toolCalls;
  if (timeout) options.timeout = true;
  const delaySeconds = toNumber(pick("mock_delay"));
  if (delaySeconds !== undefined) options.delayMs = delaySeconds * 1000;
  const chunkDelayMs = toNumber(pick("mock_chunk_delay_ms"));
  if (chunkDelayMs !== undefined) options.chunkDelayMs = chunkDelayMs;
  return options;
}

function toNumber(value: unknown): number | undefined {
  const number = typeof value === "string" ? Number.parseFloat(value) : value;
  return typeof number === "number" && Number.isFinite(number) && number > 0 ? number : undefined;
}
