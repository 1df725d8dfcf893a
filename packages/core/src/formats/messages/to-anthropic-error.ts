import type { GatewayError } from "../../errors/gateway-error.ts";

export interface AnthropicErrorResponse {
  type: "error";
  error: { type: string; message: string };
}

/**
 * A gateway error in Anthropic's error envelope, for the `/v1/messages` route (non-stream body,
 * or the `error` event of a stream). The type follows Anthropic's status table; an overloaded
 * upstream (503 here, 529 at Anthropic) is `overloaded_error`, which Anthropic clients retry.
 */
export function toAnthropicErrorBody(error: GatewayError): AnthropicErrorResponse {
  return { type: "error", error: { type: anthropicErrorType(error), message: error.message } };
}

export function anthropicErrorType(error: Pick<GatewayError, "status" | "upstreamStatus">): string {
  if (error.upstreamStatus === 529) return "overloaded_error";
  switch (error.status) {
    case 400:
    case 422:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    case 408:
    case 504:
      return "timeout_error";
    default:
      return error.status >= 500 ? "api_error" : "invalid_request_error";
  }
}
