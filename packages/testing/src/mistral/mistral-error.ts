import type { FakeReply } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import { mistralRequestId } from "./mistral-ids.ts";

export interface MistralValidationIssue {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input?: unknown;
}

/** `{"object":"error","message","type","param","code"}`, Mistral's usual error body. */
export function mistralError(
  status: number,
  fields: { message: unknown; type?: string; code?: string | null },
  headers: Readonly<Record<string, string>> = {},
): FakeReply {
  return json(
    {
      object: "error",
      message: fields.message,
      type: fields.type ?? "invalid_request_error",
      param: null,
      code: fields.code ?? null,
    },
    { status, headers: { "mistral-correlation-id": mistralRequestId(), ...headers } },
  );
}

/** 422 from pydantic validation: `message` holds `{"detail":[issues]}`. */
export function mistralValidationError(issues: readonly MistralValidationIssue[]): FakeReply {
  return mistralError(422, { message: { detail: issues } });
}

/** The issue Mistral reports for a field its schema does not have. */
export function extraForbidden(
  loc: Array<string | number>,
  input: unknown,
): MistralValidationIssue {
  return { type: "extra_forbidden", loc, msg: "Extra inputs are not permitted", input };
}

export function mistralUnauthorizedError(): FakeReply {
  return json({ message: "Unauthorized", request_id: mistralRequestId() }, { status: 401 });
}

export function mistralRateLimitError(retryAfterSeconds?: number): FakeReply {
  return mistralError(
    429,
    { message: "Requests rate limit exceeded", type: "rate_limited", code: "1300" },
    retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
  );
}

export function mistralContextLengthError(promptTokens = 140_129, maxTokens = 131_072): FakeReply {
  return mistralError(400, {
    message: `Prompt contains ${promptTokens} tokens and 0 draft tokens, too large for model with ${maxTokens} maximum context length`,
    code: "3051",
  });
}

export function mistralToolCallIdError(id: string): FakeReply {
  return mistralError(400, {
    message: `Tool call id was ${id} but must be a-z, A-Z, 0-9, with a length of 9.`,
    type: "invalid_request_message_error",
    code: "3280",
  });
}
