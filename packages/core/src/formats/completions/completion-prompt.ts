import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { CompletionRequest } from "./completion-request.ts";

/**
 * The one text prompt of a completions request. Chat models cannot take token ids (there is no
 * tokenizer for an arbitrary upstream here), and several prompts would be several upstream calls
 * under one call id (one spend record, one set of routing headers), so both are refused.
 */
export function completionPrompt(request: CompletionRequest): string {
  const prompt = request.prompt;
  if (typeof prompt === "string") return prompt;
  if (prompt.length === 0) {
    throw new InvalidRequestError("'prompt' must not be empty", {
      param: "prompt",
      code: "invalid_value",
    });
  }
  if (prompt.some((entry) => typeof entry !== "string")) {
    throw new InvalidRequestError(
      "Token-array prompts are not supported: this gateway serves /v1/completions with chat " +
        "models, which take text. Send the prompt as a string.",
      { param: "prompt", code: "unsupported_value" },
    );
  }
  if (prompt.length > 1) {
    throw new InvalidRequestError(
      `Only one prompt per request is supported (got ${prompt.length}); send one request per ` +
        "prompt, or use n for several completions of the same prompt.",
      { param: "prompt", code: "unsupported_value" },
    );
  }
  return prompt[0] as string;
}
