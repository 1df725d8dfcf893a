/**
 * The typed error family every layer throws. Each class fixes the HTTP status and the
 * OpenAI error `type`, so the gateway turns any of them into the same envelope:
 * `{"error": {"message", "type", "param", "code"}}`.
 *
 * Messages must never contain a secret (API keys, virtual keys): callers pass provider
 * messages through `redactSecrets` first.
 */
export interface GatewayErrorOptions {
  param?: string | null;
  code?: string | null;
  /** Whether trying again (same or another deployment) can succeed. */
  retryable?: boolean;
  /** Upstream's hint (retry-after / retry-after-ms / RetryInfo), in milliseconds. */
  retryAfterMs?: number;
  /** Provider that produced the error, for logs and fallbacks. */
  provider?: string;
  /** Upstream HTTP status, when this error came from a provider. */
  upstreamStatus?: number;
  /** Extra response headers the gateway should send with this error. */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly provider: string | undefined;
  readonly upstreamStatus: number | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, type: string, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.type = type;
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.provider = options.provider;
    this.upstreamStatus = options.upstreamStatus;
    this.headers = options.headers ?? {};
  }

  /** The OpenAI error envelope for this error. */
  toJSON(): ErrorEnvelope {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.code },
    };
  }
}

export interface ErrorEnvelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class InvalidRequestError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(400, "invalid_request_error", message, options);
  }
}

export class AuthenticationError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(401, "authentication_error", message, { code: "invalid_api_key", ...options });
  }
}

export class PermissionDeniedError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(403, "permission_error", message, options);
  }
}

export class NotFoundError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(404, "not_found_error", message, options);
  }
}

export class RequestTooLargeError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(413, "invalid_request_error", message, { code: "request_too_large", ...options });
  }
}

export class RateLimitError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(429, "rate_limit_error", message, {
      code: "rate_limit_exceeded",
      retryable: true,
      ...options,
    });
  }
}

/** LiteLLM's shape: HTTP 400 with type `budget_exceeded`. */
export class BudgetExceededError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(400, "budget_exceeded", message, { code: "budget_exceeded", ...options });
  }
}

export class ContextWindowExceededError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(400, "invalid_request_error", message, { code: "context_length_exceeded", ...options });
  }
}

export class ContentPolicyError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(400, "invalid_request_error", message, { code: "content_policy_violation", ...options });
  }
}

/** The upstream answered with a server error or something we could not understand. */
export class UpstreamError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions & { status?: number } = {}) {
    super(options.status ?? 502, "api_error", message, {
      code: "upstream_error",
      retryable: true,
      ...options,
    });
  }
}

/** The upstream is overloaded or every deployment is cooling down. */
export class ServiceUnavailableError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(503, "service_unavailable", message, {
      code: "service_unavailable",
      retryable: true,
      ...options,
    });
  }
}

export class TimeoutError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(408, "timeout_error", message, { code: "timeout", retryable: true, ...options });
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
