import type { FakeReply } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import { bedrockRequestId } from "./bedrock-request-id.ts";

export interface BedrockErrorOptions {
  headers?: Readonly<Record<string, string>>;
}

/**
 * An error exactly as bedrock-runtime sends it: body `{"message": ...}`, the error name in
 * `x-amzn-errortype` (`<Name>:http://internal.amazon.com/coral/com.amazon.bedrock/`) and an
 * `x-amzn-requestid`.
 */
export function bedrockError(
  status: number,
  errorType: string,
  message: string,
  options: BedrockErrorOptions = {},
): FakeReply {
  return json(
    { message },
    {
      status,
      headers: {
        "x-amzn-errortype": `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
        "x-amzn-requestid": bedrockRequestId(),
        ...options.headers,
      },
    },
  );
}

/** 429 ThrottlingException (Bedrock sends no retry-after; pass one in headers to test hints). */
export function bedrockThrottlingError(options: BedrockErrorOptions = {}): FakeReply {
  return bedrockError(
    429,
    "ThrottlingException",
    "Too many requests, please wait before trying again.",
    options,
  );
}

/** 400 ValidationException with the "Input is too long" text gateways match on. */
export function bedrockContextWindowError(options: BedrockErrorOptions = {}): FakeReply {
  return bedrockError(
    400,
    "ValidationException",
    "Input is too long for requested model.",
    options,
  );
}

export function bedrockValidationError(
  message: string,
  options: BedrockErrorOptions = {},
): FakeReply {
  return bedrockError(400, "ValidationException", message, options);
}

export function bedrockAccessDeniedError(options: BedrockErrorOptions = {}): FakeReply {
  return bedrockError(
    403,
    "AccessDeniedException",
    "You don't have access to the model with the specified model ID.",
    options,
  );
}

export function bedrockModelNotReadyError(options: BedrockErrorOptions = {}): FakeReply {
  return bedrockError(
    429,
    "ModelNotReadyException",
    "Model is not ready for inference. Wait and try your request again.",
    options,
  );
}

export function bedrockServiceUnavailableError(options: BedrockErrorOptions = {}): FakeReply {
  return bedrockError(
    503,
    "ServiceUnavailableException",
    "Service Unavailable. Please try again later.",
    options,
  );
}

export function bedrockInternalServerError(options: BedrockErrorOptions = {}): FakeReply {
  return bedrockError(
    500,
    "InternalServerException",
    "The server encountered an internal error.",
    options,
  );
}

export function bedrockNotFoundError(
  modelId: string,
  options: BedrockErrorOptions = {},
): FakeReply {
  return bedrockError(
    404,
    "ResourceNotFoundException",
    `Could not resolve the foundation model from the provided model identifier: ${modelId}`,
    options,
  );
}
