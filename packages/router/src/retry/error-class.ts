import type { GatewayError } from "@org/core";
import {
  AuthenticationError,
  ContentPolicyError,
  ContextWindowExceededError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  TimeoutError,
} from "@org/core";

/**
 * LiteLLM's exception names, which retry_policy and allowed_fails_policy keys are built from
 * (`<Class>Retries`, `<Class>AllowedFails`).
 */
export type ErrorClass =
  | "ContextWindowExceededError"
  | "ContentPolicyViolationError"
  | "BadRequestError"
  | "AuthenticationError"
  | "PermissionDeniedError"
  | "NotFoundError"
  | "RateLimitError"
  | "TimeoutError"
  | "ServiceUnavailableError"
  | "BadGatewayError"
  | "InternalServerError";

/** The upstream status when the error came from a provider, else the error's own. */
export function statusOf(error: GatewayError): number {
  return error.upstreamStatus ?? error.status;
}

export function classifyError(error: GatewayError): ErrorClass {
  if (error instanceof ContextWindowExceededError || error.code === "context_length_exceeded") {
    return "ContextWindowExceededError";
  }
  if (error instanceof ContentPolicyError || error.code === "content_policy_violation") {
    return "ContentPolicyViolationError";
  }
  if (error instanceof RateLimitError) return "RateLimitError";
  if (error instanceof TimeoutError) return "TimeoutError";
  if (error instanceof AuthenticationError) return "AuthenticationError";
  if (error instanceof PermissionDeniedError) return "PermissionDeniedError";
  if (error instanceof NotFoundError) return "NotFoundError";
  const status = statusOf(error);
  if (status === 429) return "RateLimitError";
  if (status === 408) return "TimeoutError";
  if (status === 401) return "AuthenticationError";
  if (status === 403) return "PermissionDeniedError";
  if (status === 404) return "NotFoundError";
  if (status === 503) return "ServiceUnavailableError";
  if (status === 502) return "BadGatewayError";
  if (status >= 400 && status < 500) return "BadRequestError";
  return "InternalServerError";
}

/**
 * Policy keys to look at for a class, most specific first. LiteLLM's exception hierarchy makes
 * context-window and content-policy errors BadRequestErrors, so the BadRequest entry applies to
 * them when they have none of their own; 502/503 fall back to the InternalServerError entry.
 */
export const POLICY_LOOKUP: Readonly<Record<ErrorClass, readonly string[]>> = {
  ContextWindowExceededError: ["BadRequestError"],
  ContentPolicyViolationError: ["ContentPolicyViolationError", "BadRequestError"],
  BadRequestError: ["BadRequestError"],
  AuthenticationError: ["AuthenticationError"],
  PermissionDeniedError: [],
  NotFoundError: ["NotFoundError"],
  RateLimitError: ["RateLimitError"],
  TimeoutError: ["TimeoutError"],
  ServiceUnavailableError: ["ServiceUnavailableError", "InternalServerError"],
  BadGatewayError: ["BadGatewayError", "InternalServerError"],
  InternalServerError: ["InternalServerError"],
};
