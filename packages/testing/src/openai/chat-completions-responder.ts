import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import type { ReplyOptions } from "../fake-server/reply.ts";
import type { Responder } from "../fake-server/responder.ts";
import { sse } from "../fake-server/sse.ts";
import { fakeTokenCount, fakeTokenPieces } from "./fake-tokens.ts";
import { isRecord } from "../fake-server/is-record.ts";
import { contentText, lastUserText } from "./message-text.ts";
import { openaiChunks } from "./openai-chunks.ts";
import { openaiCompletion } from "./openai-completion.ts";
import { openaiError } from "./openai-error.ts";
import { chatCompletionId } from "./openai-ids.ts";
import type { OpenAIHeaders } from "./openai-rate-limits.ts";
import { openaiUsage } from "./openai-usage.ts";

export interface ChatCompletionsResponderOptions {
  /** The assistant text for a request; defaults to `echo: <last user text>`. */
  reply?: (body: Record<string, unknown>) => string;
  /** Timing and write-splitting for streamed answers. */
  stream?: Pick<ReplyOptions, "delayMs" | "firstByteDelayMs" | "splitWrites">;
  systemFingerprint?: string;
}

/**
 * `POST /v1/chat/completions`: answers with the reply text as a completion, or streamed one
 * fake token per chunk. `max_completion_tokens` / `max_tokens` cut the reply with
 * `finish_reason: "length"`, so truncation paths can be tested without scripting.
 */
export function chatCompletionsResponder(
  headersFor: OpenAIHeaders,
  options: ChatCompletionsResponderOptions = {},
): Responder {
  return (req: RecordedRequest): FakeResponse => {
    const body = req.json;
    if (!isRecord(body)) {
      return openaiError(400, {
        message:
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      });
    }
    if (typeof body["model"] !== "string" || body["model"] === "") {
      return openaiError(400, { message: "you must provide a model parameter" });
    }
    const messages = body["messages"];
    if (!Array.isArray(messages)) {
      return openaiError(400, {
        message: "Missing required parameter: 'messages'.",
        param: "messages",
        code: "missing_required_parameter",
      });
    }

    const model = body["model"];
    const text = options.reply?.(body) ?? `echo: ${lastUserText(messages)}`;
    let pieces = fakeTokenPieces(text);
    const limit = body["max_completion_tokens"] ?? body["max_tokens"];
    const truncated = typeof limit === "number" && pieces.length > limit;
    if (truncated) pieces = pieces.slice(0, limit);
    const finishReason = truncated ? "length" : "stop";
    const promptTokens = messages.reduce<number>(
      (sum, message) =>
        sum + (isRecord(message) ? fakeTokenCount(contentText(message["content"])) : 0),
      0,
    );
    const usage = openaiUsage(promptTokens, pieces.length);
    const headers = headersFor(req, usage.total_tokens);
    const common = {
      id: chatCompletionId(),
      created: Math.floor(Date.now() / 1000),
      model,
      ...(options.systemFingerprint !== undefined
        ? { systemFingerprint: options.systemFingerprint }
        : {}),
      usage,
      finishReason,
    } as const;

    if (body["stream"] === true) {
      const streamOptions = body["stream_options"];
      const includeUsage = isRecord(streamOptions) && streamOptions["include_usage"] === true;
      return sse(openaiChunks({ ...common, content: pieces, includeUsage }), {
        ...options.stream,
        contentType: "text/event-stream; charset=utf-8",
        headers,
      });
    }
    return json(openaiCompletion({ ...common, content: pieces.join("") }), { headers });
  };
}
