import { InvalidRequestError } from "../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import type { ProviderAdapter } from "../provider/adapter.ts";
import type { ProviderDeployment } from "../provider/deployment.ts";

/**
 * Enforces the adapter's `unsupportedParams`, as LiteLLM's `drop_params` does: with
 * `dropParams` the fields are removed (on a copy: the caller's request is not ours to change),
 * otherwise the first one present is a 400 naming the param and the provider.
 * A field set to null counts as absent: clients send explicit nulls for "default".
 */
export function applyUnsupportedParams(
  request: ChatCompletionRequest,
  adapter: ProviderAdapter,
  deployment: ProviderDeployment,
): ChatCompletionRequest {
  const unsupported = adapter.unsupportedParams ?? [];
  const present = unsupported.filter(
    (param) => request[param] !== undefined && request[param] !== null,
  );
  if (present.length === 0) return request;
  if (deployment.dropParams) {
    const copy: ChatCompletionRequest = { ...request };
    for (const param of present) delete copy[param];
    return copy;
  }
  const param = present[0] as string;
  throw new InvalidRequestError(
    `${adapter.id} does not support parameters: ${present.map((p) => `'${p}'`).join(", ")} ` +
      `(model ${deployment.model}). Remove them, or set drop_params: true to drop them.`,
    { param, code: "unsupported_parameter", provider: adapter.id },
  );
}
