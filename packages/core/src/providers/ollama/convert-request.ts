import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { convertFormat } from "./convert-format.ts";
import { convertMessages } from "./convert-messages.ts";
import { convertOptions } from "./convert-options.ts";
import { convertThink } from "./convert-think.ts";
import { convertTools } from "./convert-tools.ts";
import type { OllamaChatRequest } from "./wire-schemas.ts";

/**
 * Top-level Ollama fields forwarded from the request or the deployment's litellm_params:
 * `keep_alive` (how long the model stays loaded; LiteLLM passes it through), an explicit
 * `think` or `format` (they win over the mapped `reasoning_effort` / `response_format`),
 * `truncate` and `shift` (context handling on newer builds).
 */
const NATIVE_PASSTHROUGH = ["keep_alive", "think", "format", "truncate", "shift"] as const;

/** The body of `POST /api/chat` for an OpenAI chat request. */
export function convertRequest(
  request: ChatCompletionRequest,
  deployment: ProviderDeployment,
): OllamaChatRequest {
  const provider = deployment.provider;
  if (typeof request.n === "number" && request.n > 1 && deployment.dropParams !== true) {
    throw new InvalidRequestError(
      `${provider} does not support n > 1 (one choice per request). Remove \`n\`, or set ` +
        "drop_params: true to get a single choice.",
      { param: "n", code: "unsupported_parameter", provider },
    );
  }

  const body: OllamaChatRequest = {
    model: deployment.model,
    messages: convertMessages(request.messages),
    // Always explicit: Ollama streams when `stream` is missing.
    stream: request.stream === true,
  };
  const tools = convertTools(request.tools, request.tool_choice);
  if (tools !== undefined) body.tools = tools;
  const format = convertFormat(request.response_format);
  if (format !== undefined) body.format = format;
  const think = convertThink(request.reasoning_effort, deployment.model);
  if (think !== undefined) body.think = think;
  const options = convertOptions(request, deployment);
  if (Object.keys(options).length > 0) body.options = options;

  for (const field of NATIVE_PASSTHROUGH) {
    const value = request[field] ?? deployment.params[field];
    if (value !== undefined && value !== null) (body as Record<string, unknown>)[field] = value;
  }
  return body;
}
