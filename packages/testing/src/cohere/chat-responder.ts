import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import type { ReplyOptions } from "../fake-server/reply.ts";
import type { Responder } from "../fake-server/responder.ts";
import { fakeTokenCount, fakeTokenPieces } from "../openai/fake-tokens.ts";
import type { CohereAnswerSpec, CohereToolCallSpec } from "./cohere-answer.ts";
import { cohereModelNotFoundError } from "./cohere-error.ts";
import { cohereChatResponse } from "./cohere-response.ts";
import { cohereChatStream } from "./cohere-stream.ts";
import { cohereUsage } from "./cohere-usage.ts";
import { exampleArgs, exampleValue } from "./example-args.ts";
import { isRecord } from "../fake-server/is-record.ts";
import { contentText, lastUserText } from "./message-text.ts";
import { readChatRequest, type CohereChatCall } from "./read-chat-request.ts";

export interface CohereChatResponderOptions {
  /** The assistant text for a request; defaults to `echo: <last user text>`. */
  reply?: (body: Record<string, unknown>) => string;
  /** Timing and write-splitting for streamed answers. */
  stream?: Pick<ReplyOptions, "delayMs" | "firstByteDelayMs" | "splitWrites">;
  /** Models that exist; others get Cohere's 404. Any name is accepted when unset. */
  models?: readonly string[];
}

/**
 * `POST /v2/chat`, answering like Cohere:
 * - after tool results (the last message is `tool`), `echo: <the results>`;
 * - with tools (and `tool_choice` not `NONE`), a tool call for every tool the last user message
 *   names (the first tool when `REQUIRED` and none is named), after a tool plan, arguments made
 *   from each tool's schema, `finish_reason: TOOL_CALL`;
 * - otherwise `echo: <last user text>` (JSON with `response_format: json_object`, shaped by
 *   its `json_schema`), cut at `max_tokens` with `MAX_TOKENS`;
 * - `thinking: {type: "enabled"}` adds a thinking block.
 * Usage counts one token per word; `tokens.input_tokens` adds Cohere's preamble.
 */
export function chatResponder(options: CohereChatResponderOptions = {}): Responder {
  return (req: RecordedRequest): FakeResponse => {
    const call = readChatRequest(req);
    if ("kind" in call) return call;
    if (options.models !== undefined && !options.models.includes(call.model)) {
      return cohereModelNotFoundError(call.model);
    }
    const spec = answerFor(call, options);
    return call.stream
      ? cohereChatStream(spec, { ...options.stream })
      : json(cohereChatResponse(spec));
  };
}

function answerFor(call: CohereChatCall, options: CohereChatResponderOptions): CohereAnswerSpec {
  const { body, messages } = call;
  const billedInput = messages.reduce(
    (sum, message) => sum + fakeTokenCount(contentText(message.content)),
    0,
  );
  const userText = lastUserText(messages);
  const thinking =
    isRecord(body.thinking) && body.thinking.type === "enabled"
      ? `Thinking about: ${userText}`
      : undefined;

  const toolCalls = toolCallsFor(call, userText);
  if (toolCalls.length > 0) {
    const toolPlan = `I will call ${toolCalls.map((c) => c.name).join(" and ")}.`;
    const output =
      fakeTokenCount(toolPlan) +
      toolCalls.reduce((sum, c) => sum + fakeTokenCount(JSON.stringify(c.arguments)), 0);
    return {
      ...(thinking === undefined ? {} : { thinking }),
      toolPlan,
      toolCalls,
      usage: cohereUsage(billedInput, output),
    };
  }

  const last = messages.at(-1);
  let text: string;
  if (last?.role === "tool") {
    const results: string[] = [];
    for (let i = messages.length - 1; i >= 0 && messages[i]?.role === "tool"; i--) {
      results.unshift(contentText(messages[i]?.content));
    }
    text = `echo: ${results.join(" ")}`;
  } else {
    text = options.reply?.(body) ?? `echo: ${userText}`;
  }
  const format = body.response_format;
  if (isRecord(format) && format.type === "json_object") {
    text = JSON.stringify(
      isRecord(format.json_schema) ? exampleValue(format.json_schema, text) : { echo: text },
    );
  }

  let pieces = fakeTokenPieces(text);
  const limit = body.max_tokens;
  const truncated = typeof limit === "number" && pieces.length > limit;
  if (truncated) pieces = pieces.slice(0, limit);
  return {
    ...(thinking === undefined ? {} : { thinking }),
    text: pieces,
    finishReason: truncated ? "MAX_TOKENS" : "COMPLETE",
    usage: cohereUsage(billedInput, pieces.length + (thinking ? fakeTokenCount(thinking) : 0)),
  };
}

function toolCallsFor(call: CohereChatCall, userText: string): CohereToolCallSpec[] {
  const { body, messages } = call;
  const tools = (Array.isArray(body.tools) ? body.tools : []).filter(isRecord);
  if (tools.length === 0 || body.tool_choice === "NONE" || messages.at(-1)?.role === "tool") {
    return [];
  }
  const functions = tools.flatMap((tool) => (isRecord(tool.function) ? [tool.function] : []));
  let chosen = functions.filter((f) => typeof f.name === "string" && userText.includes(f.name));
  if (chosen.length === 0 && body.tool_choice === "REQUIRED") chosen = functions.slice(0, 1);
  return chosen.map((f) => ({ name: String(f.name), arguments: exampleArgs(f.parameters) }));
}
