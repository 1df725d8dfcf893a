import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { anthropicError } from "./anthropic-error.ts";
import { isRecord } from "../fake-server/is-record.ts";
import { createPromptCache } from "./prompt-cache.ts";

/** `POST /v1/messages/count_tokens`: `{"input_tokens": N}`, one token per word. */
export function countTokensResponder() {
  return (req: RecordedRequest): FakeResponse => {
    const body = req.json;
    if (!isRecord(body) || !Array.isArray(body.messages))
      return anthropicError(400, { message: "messages: Field required" });
    // A fresh cache each time: counting never reads or writes the prompt cache.
    const tokens = createPromptCache()(body);
    return json({ input_tokens: tokens.input + tokens.cacheRead + tokens.cacheWrite });
  };
}
