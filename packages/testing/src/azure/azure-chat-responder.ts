import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import type { ReplyOptions } from "../fake-server/reply.ts";
import { sse } from "../fake-server/sse.ts";
import { fakeTokenCount, fakeTokenPieces } from "../openai/fake-tokens.ts";
import { isRecord } from "../fake-server/is-record.ts";
import { contentText, lastUserText } from "../openai/message-text.ts";
import { openaiError } from "../openai/openai-error.ts";
import { chatCompletionId } from "../openai/openai-ids.ts";
import type { OpenAIToolCallSpec } from "../openai/openai-tool-call.ts";
import { openaiUsage } from "../openai/openai-usage.ts";
import { azureChunks } from "./azure-chunks.ts";
import { azureCompletion } from "./azure-completion.ts";
import { azureContentFilterError, azureUnrecognizedArgumentError } from "./azure-error.ts";
import { azureResponseHeaders } from "./azure-headers.ts";

export interface AzureChatResponderOptions {
  /** The assistant text for a request; defaults to `echo: <last user text>`. */
  reply?: (body: Record<string, unknown>) => string;
  /** A prompt containing one of these (case-insensitive) is refused with a content-filter 400. */
  blockedTerms?: readonly string[];
  stream?: Pick<ReplyOptions, "delayMs" | "firstByteDelayMs" | "splitWrites">;
}

export interface AzureChatCall {
  /** The model the deployment serves, returned as `model` (never the deployment name). */
  model: string;
  /** The api-version the request used (`undefined` on the v1 API). */
  apiVersion: string | undefined;
}

/**
 * Chat completions as an Azure deployment answers them: the reply text (echo by default), a
 * tool call when the request offers tools and the prompt names one of them, the content-filter
 * 400 for blocked terms, `max_tokens` truncation, Azure's filter fields, and `stream_options`
 * refused on api-versions older than 2024-09-01 (where it did not exist).
 */
export function azureChatResponder(call: AzureChatCall, options: AzureChatResponderOptions = {}) {
  return (req: RecordedRequest): FakeResponse => {
    const body = req.json;
    if (!isRecord(body) || !Array.isArray(body.messages)) {
      return openaiError(400, {
        message: "'messages' is a required property",
        param: "messages",
        code: null,
      });
    }
    if (
      body.stream_options !== undefined &&
      call.apiVersion !== undefined &&
      call.apiVersion < "2024-09-01"
    ) {
      return azureUnrecognizedArgumentError("stream_options");
    }
    const prompt = lastUserText(body.messages);
    const blocked = (options.blockedTerms ?? ["forbidden-topic"]).some((term) =>
      prompt.toLowerCase().includes(term.toLowerCase()),
    );
    if (blocked) return azureContentFilterError();

    const toolCalls = requestedToolCalls(body, prompt);
    let pieces =
      toolCalls.length > 0 ? [] : fakeTokenPieces(options.reply?.(body) ?? `echo: ${prompt}`);
    const limit = body.max_completion_tokens ?? body.max_tokens;
    const truncated = typeof limit === "number" && pieces.length > limit;
    if (truncated) pieces = pieces.slice(0, limit as number);
    const promptTokens = body.messages.reduce<number>(
      (sum, message) =>
        sum + (isRecord(message) ? fakeTokenCount(contentText(message.content)) : 0),
      0,
    );
    const usage = openaiUsage(promptTokens, pieces.length + toolCalls.length * 8);
    const headers = azureResponseHeaders(req, usage.total_tokens);
    const common = {
      id: chatCompletionId(),
      created: Math.floor(Date.now() / 1000),
      model: call.model,
      systemFingerprint: "fp_azure0001",
      usage,
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
      ...(truncated ? { finishReason: "length" as const } : {}),
    };
    if (body.stream === true) {
      const includeUsage =
        isRecord(body.stream_options) && body.stream_options.include_usage === true;
      return sse(azureChunks({ ...common, content: pieces, includeUsage }), {
        ...options.stream,
        contentType: "text/event-stream; charset=utf-8",
        headers,
      });
    }
    return json(
      azureCompletion({ ...common, content: toolCalls.length > 0 ? null : pieces.join("") }),
      { headers },
    );
  };
}

/** One call per offered function whose name appears in the prompt, with empty arguments. */
function requestedToolCalls(body: Record<string, unknown>, prompt: string): OpenAIToolCallSpec[] {
  if (!Array.isArray(body.tools) || body.tool_choice === "none") return [];
  const names = body.tools.flatMap((tool: unknown) =>
    isRecord(tool) && isRecord(tool.function) && typeof tool.function.name === "string"
      ? [tool.function.name]
      : [],
  );
  return names
    .filter((name) => prompt.includes(name))
    .map((name, i) => ({
      id: `call_${chatCompletionId().slice(9, 33)}${i}`,
      name,
      arguments: "{}",
    }));
}
