import type { FakeReply } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import { contentFilterResults, type ContentFilterCategory } from "./azure-content-filter.ts";
import { azureRequestId } from "./azure-ids.ts";

export interface AzureErrorFields {
  /** Azure codes are strings: a status ("429", "401") or a name ("DeploymentNotFound"). */
  code: string;
  message: string;
  [extra: string]: unknown;
}

/** `{"error":{"code","message",...}}`, Azure's envelope. */
export function azureErrorBody(fields: AzureErrorFields): { error: AzureErrorFields } {
  return { error: fields };
}

/** An Azure error response, with Azure's request-id headers. */
export function azureError(
  status: number,
  fields: AzureErrorFields,
  headers: Readonly<Record<string, string>> = {},
): FakeReply {
  const id = azureRequestId();
  return json(azureErrorBody(fields), {
    status,
    headers: { "apim-request-id": id, "x-request-id": id, ...headers },
  });
}

/** 401 for a missing key, or a key or token that does not match. */
export function azureUnauthorizedError(missing = false): FakeReply {
  return azureError(401, {
    code: "401",
    message: missing
      ? "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."
      : "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
  });
}

/** 404 for a path Azure does not serve, including a classic path without `api-version`. */
export function azureResourceNotFoundError(): FakeReply {
  return azureError(404, { code: "404", message: "Resource not found" });
}

export function azureApiVersionNotSupportedError(): FakeReply {
  return azureError(400, { code: "BadRequest", message: "API version not supported" });
}

export function azureDeploymentNotFoundError(): FakeReply {
  return azureError(404, {
    code: "DeploymentNotFound",
    message:
      "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
  });
}

/** What older api-versions answer to a field they do not know (`stream_options` before 2024-09-01). */
export function azureUnrecognizedArgumentError(argument: string): FakeReply {
  return json(
    {
      error: {
        message: `Unrecognized request argument supplied: ${argument}`,
        type: "invalid_request_error",
        param: null,
        code: null,
      },
    },
    { status: 400, headers: { "apim-request-id": azureRequestId() } },
  );
}

export interface AzureContentFilterErrorOptions {
  /** Categories that tripped the filter; defaults to `hate: high`. */
  flagged?: Partial<Record<ContentFilterCategory, "low" | "medium" | "high">>;
}

/** 400 `content_filter` for a filtered prompt, with the `innererror` verdict. */
export function azureContentFilterError(options: AzureContentFilterErrorOptions = {}): FakeReply {
  return azureError(400, {
    message:
      "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
    type: null,
    param: "prompt",
    code: "content_filter",
    status: 400,
    innererror: {
      code: "ResponsibleAIPolicyViolation",
      content_filter_result: {
        ...contentFilterResults(options.flagged ?? { hate: "high" }),
        jailbreak: { filtered: false, detected: false },
      },
    },
  });
}

export interface AzureRateLimitOptions {
  /** Seconds, sent as `retry-after` and (times 1000) `retry-after-ms`. Defaults to 6. */
  retryAfterSeconds?: number;
  apiVersion?: string;
  /** `ChatCompletions_Create` or `Embeddings_Create`. */
  operation?: string;
}

/** 429 as Azure sends it: string code, both retry headers, the wait in the message. */
export function azureRateLimitError(options: AzureRateLimitOptions = {}): FakeReply {
  const seconds = options.retryAfterSeconds ?? 6;
  return azureError(
    429,
    {
      code: "429",
      message: `Requests to the ${options.operation ?? "ChatCompletions_Create"} Operation under Azure OpenAI API version ${options.apiVersion ?? "2024-10-21"} have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after ${seconds} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`,
    },
    { "retry-after": String(seconds), "retry-after-ms": String(seconds * 1000) },
  );
}
