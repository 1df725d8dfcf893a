import { anthropic, GatewayError, redactSecrets } from "@org/core";
import type { Logger } from "@org/observability";
import { errorHeaders, toGatewayError } from "../http/error-response.ts";

/**
 * An error on the Anthropic-format routes, in Anthropic's envelope
 * (`{"type":"error","error":{"type","message"}}`) with the status its class fixes: Anthropic SDK
 * clients pick their error class from the status and read the message from this body.
 * Same redaction, logging and retry-after rules as the OpenAI envelope (`errorResponse`).
 */
export function anthropicErrorResponse(error: unknown, logger?: Logger): Response {
  const gatewayError = toGatewayError(error);
  if (!(error instanceof GatewayError)) logger?.error("unhandled error", { error });
  const body = anthropicErrorBody(gatewayError);
  return new Response(JSON.stringify(body), {
    status: gatewayError.status,
    headers: errorHeaders(gatewayError),
  });
}

export function anthropicErrorBody(error: GatewayError): anthropic.AnthropicErrorResponse {
  const body = anthropic.toAnthropicErrorBody(error);
  body.error.message = redactSecrets(body.error.message);
  return body;
}
