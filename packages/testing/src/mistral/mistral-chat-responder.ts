import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import type { ReplyOptions } from "../fake-server/reply.ts";
import { sse } from "../fake-server/sse.ts";
import { fakeTokenCount, fakeTokenPieces } from "../openai/fake-tokens.ts";
import { isRecord } from "../fake-server/is-record.ts";
import { contentText, lastUserText } from "../openai/message-text.ts";
import { mistralChunks } from "./mistral-chunks.ts";
import { mistralCompletion, mistralUsage, type MistralToolCallSpec } from "./mistral-completion.ts";
import { mistralError } from "./mistral-error.ts";
import { mistralToolCallId } from "./mistral-ids.ts";
import { validateMistralChatBody } from "./validate-mistral-body.ts";

export interface MistralChatResponderOptions {
  /** The assistant text for a request; defaults to `echo: <last user text>`. */
  reply?: (body: Record<string, unknown>) => string;
  stream?: Pick<ReplyOptions, "delayMs" | "firstByteDelayMs" | "splitWrites">;
}

/**
 * `POST /v1/chat/completions` as Mistral answers it, after Mistral's strict validation: the
 * reply text (echo by default) or, when tools are offered and the prompt names one, a whole
 * tool call with a 9-character id; `max_tokens` truncation ends with `length`.
 */
export function mistralChatResponder(options: MistralChatResponderOptions = {}) {
  return (req: RecordedRequest): FakeResponse => {
    const body = req.json;
    if (!isRecord(body) || !Array.isArray(body.messages) || typeof body.model !== "string") {
      return mistralError(400, { message: "Invalid request body" });
    }
    const invalid = validateMistralChatBody(body);
    if (invalid !== undefined) return invalid;

    const prompt = lastUserText(body.messages);
    const toolCalls = requestedToolCalls(body, prompt);
    let pieces =
      toolCalls.length > 0 ? [] : fakeTokenPieces(options.reply?.(body) ?? `echo: ${prompt}`);
    const truncated = typeof body.max_tokens === "number" && pieces.length > body.max_tokens;
    if (truncated) pieces = pieces.slice(0, body.max_tokens as number);
    const promptTokens = body.messages.reduce<number>(
      (sum, message) =>
        sum + (isRecord(message) ? fakeTokenCount(contentText(message.content)) : 0),
      0,
    );
    const common = {
      model: body.model === "mistral-small-latest" ? "mistral-small-2503" : body.model,
      toolCalls,
      usage: mistralUsage(promptTokens, pieces.length + toolCalls.length * 8),
      ...(truncated ? { finishReason: "length" } : {}),
    };
    if (body.stream === true) {
      return sse(mistralChunks({ ...common, content: pieces }), {
        ...options.stream,
        contentType: "text/event-stream; charset=utf-8",
      });
    }
    return json(mistralCompletion({ ...common, content: pieces.join("") }));
  };
}

function requestedToolCalls(body: Record<string, unknown>, prompt: string): MistralToolCallSpec[] {
  if (!Array.isArray(body.tools) || body.tool_choice === "none") return [];
  return body.tools
    .flatMap((tool: unknown) =>
      isRecord(tool) && isRecord(tool.function) && typeof tool.function.name === "string"
        ? [tool.function.name]
        : [],
    )
    .filter((name) => prompt.includes(name))
    .map((name) => ({ id: mistralToolCallId(), name, arguments: "{}" }));
}
