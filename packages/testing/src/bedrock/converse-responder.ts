import type { FakeResponse } from "../fake-server/fake-response.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import type { FakeConverseAnswer } from "./converse-answer.ts";
import { converseReply, converseStreamReply } from "./converse-reply.ts";
import { defaultConverseAnswer } from "./default-converse-answer.ts";
import { validateConverseBody } from "./validate-converse-body.ts";

export interface ConverseResponderOptions {
  /** The answer for a request body; defaults to `defaultConverseAnswer`. */
  answer?: (body: Record<string, unknown>) => FakeConverseAnswer;
  /** Delta size and write splitting of streamed answers. */
  stream?: {
    chunkSize?: number;
    splitWrites?: "per-event" | "mid-event" | number;
    delayMs?: number;
  };
}

/** `POST /model/{id}/converse` and `/converse-stream`, after Bedrock's request validation. */
export function converseResponder(options: ConverseResponderOptions = {}) {
  return (req: RecordedRequest, stream: boolean): FakeResponse => {
    const invalid = validateConverseBody(req.json);
    if (invalid) return invalid;
    const body = req.json as Record<string, unknown>;
    const answer = (options.answer ?? defaultConverseAnswer)(body);
    return stream ? converseStreamReply(answer, options.stream ?? {}) : converseReply(answer);
  };
}
