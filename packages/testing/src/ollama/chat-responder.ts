import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import type { ReplyOptions } from "../fake-server/reply.ts";
import type { Responder } from "../fake-server/responder.ts";
import { fakeTokenCount, fakeTokenPieces } from "../openai/fake-tokens.ts";
import { exampleArgs, exampleValue } from "./example-args.ts";
import { hasModel } from "./has-model.ts";
import { isRecord } from "../fake-server/is-record.ts";
import { lastUserMessage, textOf } from "./message-text.ts";
import type { OllamaAnswerSpec, OllamaToolCallSpec } from "./ollama-answer.ts";
import { ollamaChatResponse, ollamaChatStream } from "./ollama-chat.ts";
import { ollamaModelNotFoundError } from "./ollama-error.ts";
import { readChatRequest, type OllamaChatCall } from "./read-chat-request.ts";

export interface OllamaChatResponderOptions {
  /** The assistant text for a request; defaults to `echo: <last user text>`. */
  reply?: (body: Record<string, unknown>) => string;
  /** Timing and write-splitting for streamed answers. */
  stream?: Pick<ReplyOptions, "delayMs" | "firstByteDelayMs" | "splitWrites">;
  /** Models that are pulled; others get Ollama's 404. Any name is accepted when unset. */
  models?: readonly string[];
  /** Send ids on tool calls, as the newest builds do (default: none, as most builds). */
  toolCallIds?: boolean;
}

/**
 * `POST /api/chat`, answering like Ollama: streamed NDJSON unless `stream: false`; an empty
 * `messages` list is a load request (`done_reason: "load"`); after tool results, `echo: <the
 * results>`; with tools, a whole tool call (object arguments, no id) for each tool the last
 * user message names, still with `done_reason: "stop"`; otherwise `echo: <last user text>`
 * (plus how many images came with it), JSON for `format`, cut at `options.num_predict` with
 * `length`; a truthy `think` adds `message.thinking`. One token per word.
 */
export function chatResponder(options: OllamaChatResponderOptions = {}): Responder {
  return (req: RecordedRequest): FakeResponse => {
    const call = readChatRequest(req);
    if ("kind" in call) return call;
    if (options.models !== undefined && !hasModel(options.models, call.model)) {
      return ollamaModelNotFoundError(call.model);
    }
    const spec = answerFor(call, options);
    return call.stream
      ? ollamaChatStream(spec, { ...options.stream })
      : json(ollamaChatResponse(spec));
  };
}

function answerFor(call: OllamaChatCall, options: OllamaChatResponderOptions): OllamaAnswerSpec {
  const { body, messages, model } = call;
  if (messages.length === 0) return { model, text: "", doneReason: "load" };
  const promptEvalCount = messages.reduce((sum, m) => sum + fakeTokenCount(textOf(m)), 0);
  const user = lastUserMessage(messages);
  const userText = textOf(user);
  const think = body.think;
  const thinking =
    think !== undefined && think !== false ? `Thinking about: ${userText}` : undefined;
  const thinkingTokens = thinking === undefined ? 0 : fakeTokenCount(thinking);

  const toolCalls = toolCallsFor(call, userText, options);
  if (toolCalls.length > 0) {
    return {
      model,
      ...(thinking === undefined ? {} : { thinking }),
      toolCalls,
      promptEvalCount,
      evalCount:
        thinkingTokens +
        toolCalls.reduce((s, c) => s + fakeTokenCount(JSON.stringify(c.arguments)), 0),
    };
  }

  let text: string;
  if (messages.at(-1)?.role === "tool") {
    const results: string[] = [];
    for (let i = messages.length - 1; i >= 0 && messages[i]?.role === "tool"; i--) {
      results.unshift(textOf(messages[i]));
    }
    text = `echo: ${results.join(" ")}`;
  } else {
    text = options.reply?.(body) ?? `echo: ${userText}`;
    const images = Array.isArray(user?.images) ? user.images.length : 0;
    if (images > 0 && options.reply === undefined)
      text += ` (${images} image${images > 1 ? "s" : ""})`;
  }
  if (body.format === "json") text = JSON.stringify({ echo: text });
  else if (isRecord(body.format)) text = JSON.stringify(exampleValue(body.format, text));

  let pieces = fakeTokenPieces(text);
  const limit = isRecord(body.options) ? body.options.num_predict : undefined;
  const truncated = typeof limit === "number" && limit >= 0 && pieces.length > limit;
  if (truncated) pieces = pieces.slice(0, limit);
  return {
    model,
    ...(thinking === undefined ? {} : { thinking }),
    text: pieces,
    doneReason: truncated ? "length" : "stop",
    promptEvalCount,
    evalCount: thinkingTokens + pieces.length,
  };
}

function toolCallsFor(
  call: OllamaChatCall,
  userText: string,
  options: OllamaChatResponderOptions,
): OllamaToolCallSpec[] {
  const { body, messages } = call;
  const tools = (Array.isArray(body.tools) ? body.tools : []).filter(isRecord);
  if (tools.length === 0 || messages.at(-1)?.role === "tool") return [];
  return tools
    .flatMap((tool) => (isRecord(tool.function) ? [tool.function] : []))
    .filter((f) => typeof f.name === "string" && userText.includes(f.name))
    .map((f, index) => ({
      name: String(f.name),
      arguments: exampleArgs(f.parameters),
      ...(options.toolCallIds ? { id: `call_${index}${Date.now().toString(36)}` } : {}),
    }));
}
