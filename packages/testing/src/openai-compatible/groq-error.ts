import type { FakeReply } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";

/** Groq's error body: OpenAI's envelope without `param`: `{"error":{"message","type","code"}}`. */
export function groqError(
  status: number,
  fields: { message: string; type?: string; code?: string },
  headers: Readonly<Record<string, string>> = {},
): FakeReply {
  return json(
    {
      error: {
        message: fields.message,
        type: fields.type ?? "invalid_request_error",
        ...(fields.code === undefined ? {} : { code: fields.code }),
      },
    },
    { status, headers },
  );
}

/** 498: the flex service tier has no capacity for the request right now. */
export function groqFlexCapacityError(): FakeReply {
  return groqError(498, {
    message: "Flex tier capacity exceeded. This is a temporary issue: please try again later.",
    type: "capacity_exceeded",
    code: "capacity_exceeded",
  });
}

/** 429 with Groq's `retry-after` (seconds). */
export function groqRateLimitError(retryAfterSeconds = 2): FakeReply {
  return groqError(
    429,
    {
      message: `Rate limit reached for model \`llama-3.3-70b-versatile\` in organization \`org_fake\` on requests per minute (RPM): Limit 30, Used 30, Requested 1. Please try again in ${retryAfterSeconds}s.`,
      type: "requests",
      code: "rate_limit_exceeded",
    },
    { "retry-after": String(retryAfterSeconds) },
  );
}
