import type { FakeReply } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import { cohereGenerationId } from "./cohere-ids.ts";

/** Cohere's error body: `{"id": ..., "message": ...}` (the id is sometimes missing). */
export interface CohereErrorBody {
  id?: string;
  message: string;
}

export interface CohereErrorOptions {
  headers?: Readonly<Record<string, string>>;
  /** Leave the `id` out of the body, as some Cohere errors do. */
  withoutId?: boolean;
}

/** Example messages from Cohere's "Errors" reference, one per status. */
const DEFAULT_MESSAGES: Record<number, string> = {
  400: "invalid request: message must be at least 1 token long or tool results must be specified.",
  401: "invalid api token",
  402: "Please add or update your payment method at https://dashboard.cohere.com/billing?tab=payment to continue",
  404: "404 page not found",
  429: "You are past the per minute request limit, please wait and try again later.",
  499: "request cancelled",
  500: "internal server error, this has been reported to our developers",
  503: "service unavailable",
};

export function cohereErrorBody(
  status: number,
  message?: string,
  withoutId = false,
): CohereErrorBody {
  const text = message ?? DEFAULT_MESSAGES[status] ?? `error ${status}`;
  return withoutId ? { message: text } : { id: cohereGenerationId(), message: text };
}

/** A Cohere error response. */
export function cohereError(
  status: number,
  message?: string,
  options: CohereErrorOptions = {},
): FakeReply {
  return json(cohereErrorBody(status, message, options.withoutId), {
    status,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
}

/** A 429, optionally with `retry-after` (seconds). */
export function cohereRateLimitError(
  options: { retryAfterSeconds?: number; message?: string } = {},
): FakeReply {
  return cohereError(429, options.message, {
    ...(options.retryAfterSeconds === undefined
      ? {}
      : { headers: { "retry-after": String(options.retryAfterSeconds) } }),
  });
}

/** The trial-key 429 Cohere sends when a trial key exceeds its per-minute calls. */
export function cohereTrialKeyRateLimitError(): FakeReply {
  return cohereError(
    429,
    "You are using a Trial key, which is limited to 20 API calls / minute. You can continue to use the Trial key for free or upgrade to a Production key with higher rate limits at 'https://dashboard.cohere.com/api-keys'. Contact us on 'https://discord.gg/XW44jPfYJu' or email us at support@cohere.com with any questions",
  );
}

/** Cohere's context overflow: a 400 starting with "too many tokens". */
export function cohereContextLengthError(exceededBy = 11326): FakeReply {
  return cohereError(
    400,
    `too many tokens: size limit exceeded by ${exceededBy} tokens. Try using shorter or fewer inputs, or setting prompt_truncation='AUTO'.`,
  );
}

export function cohereModelNotFoundError(model: string): FakeReply {
  return cohereError(
    404,
    `model '${model}' not found, make sure the correct model ID was used and that you have access to the model.`,
  );
}

export function cohereInternalError(): FakeReply {
  return cohereError(500);
}
