/** An upstream error answer the mock transport sends instead of a completion. */
export interface MockErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** LiteLLM's mid-stream failure trigger (it raises a 529 after the stream has started). */
export const MOCK_STREAMING_ERROR_PREFIX = "Exception: mock_streaming_error";

/**
 * `mock_response` values that fail the call. LiteLLM itself recognises
 * "litellm.RateLimitError", "litellm.ContextWindowExceededError", "litellm.InternalServerError",
 * strings starting with "Exception: content_filter_policy" (a 400 content-filter error) and
 * "Exception: mock_streaming_error" (a 529). The other `litellm.<Name>` entries are ours, so
 * every LiteLLM exception class a client may test against can be simulated.
 *
 * The failures are produced as OpenAI-shaped HTTP answers and go through the normal error
 * mapping, so a mocked failure is classified exactly as a real one would be.
 */
const NAMED: Record<
  string,
  { status: number; message: string; type: string; code: string | null }
> = {
  "litellm.RateLimitError": {
    status: 429,
    message: "this is a mock rate limit error",
    type: "requests",
    code: "rate_limit_exceeded",
  },
  "litellm.ContextWindowExceededError": {
    status: 400,
    message: "this is a mock context window exceeded error",
    type: "invalid_request_error",
    code: "context_length_exceeded",
  },
  "litellm.InternalServerError": {
    status: 500,
    message: "this is a mock internal server error",
    type: "server_error",
    code: null,
  },
  "litellm.AuthenticationError": {
    status: 401,
    message: "this is a mock authentication error",
    type: "invalid_request_error",
    code: "invalid_api_key",
  },
  "litellm.PermissionDeniedError": {
    status: 403,
    message: "this is a mock permission denied error",
    type: "invalid_request_error",
    code: null,
  },
  "litellm.NotFoundError": {
    status: 404,
    message: "this is a mock not found error",
    type: "invalid_request_error",
    code: "model_not_found",
  },
  "litellm.BadRequestError": {
    status: 400,
    message: "this is a mock bad request error",
    type: "invalid_request_error",
    code: null,
  },
  "litellm.UnprocessableEntityError": {
    status: 422,
    message: "this is a mock unprocessable entity error",
    type: "invalid_request_error",
    code: null,
  },
  "litellm.ContentPolicyViolationError": {
    status: 400,
    message: "this is a mock content policy violation error",
    type: "invalid_request_error",
    code: "content_policy_violation",
  },
  "litellm.Timeout": {
    status: 408,
    message: "this is a mock timeout error",
    type: "timeout",
    code: null,
  },
  "litellm.APIConnectionError": {
    status: 500,
    message: "this is a mock api connection error",
    type: "server_error",
    code: null,
  },
  "litellm.APIError": {
    status: 500,
    message: "this is a mock api error",
    type: "server_error",
    code: null,
  },
  "litellm.ServiceUnavailableError": {
    status: 503,
    message: "this is a mock service unavailable error",
    type: "server_error",
    code: null,
  },
  "litellm.BadGatewayError": {
    status: 502,
    message: "this is a mock bad gateway error",
    type: "server_error",
    code: null,
  },
};

/**
 * The error answer for `mock_response`, or undefined when it is a normal answer. A streaming
 * error is only an up-front error for non-streamed calls; streams fail mid-way instead.
 */
export function mockErrorResponse(
  response: unknown,
  stream: boolean,
): MockErrorResponse | undefined {
  if (typeof response !== "string") return undefined;
  const named = NAMED[response];
  if (named !== undefined) {
    return errorResponse(named.status, named.message, named.type, named.code);
  }
  if (response.startsWith("Exception: content_filter_policy")) {
    return errorResponse(400, response, "invalid_request_error", "content_filter");
  }
  if (response.startsWith(MOCK_STREAMING_ERROR_PREFIX) && !stream) {
    return errorResponse(529, "This is a mock error raised mid-stream", "overloaded_error", null);
  }
  return undefined;
}

function errorResponse(
  status: number,
  message: string,
  type: string,
  code: string | null,
): MockErrorResponse {
  return {
    status,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ error: { message, type, param: null, code } }),
  };
}
