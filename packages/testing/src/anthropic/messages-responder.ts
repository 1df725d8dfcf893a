import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import type { ReplyOptions } from "../fake-server/reply.ts";
import type { Responder } from "../fake-server/responder.ts";
import { sse } from "../fake-server/sse.ts";
import { anthropicError } from "./anthropic-error.ts";
import { anthropicStreamEvents } from "./anthropic-events.ts";
import { anthropicMessageId, anthropicRequestId } from "./anthropic-ids.ts";
import {
  anthropicMessage,
  type AnthropicMessageSpec,
  type AnthropicToolUseSpec,
} from "./anthropic-message.ts";
import { anthropicUsage } from "./anthropic-usage.ts";
import { isRecord } from "../fake-server/is-record.ts";
import { exampleInput } from "./example-input.ts";
import { fakeTokenPieces } from "./fake-tokens.ts";
import { lastUserMessage, toolResultText, userText } from "./message-text.ts";
import { createPromptCache } from "./prompt-cache.ts";
import { validateMessagesBody } from "./validate-messages-body.ts";

export interface MessagesResponderOptions {
  /** The assistant text for a request; defaults to `echo: <last user text>`. */
  reply?: (body: Record<string, unknown>) => string;
  /** Models that exist; others get Anthropic's 404. Any name is accepted when unset. */
  models?: readonly string[];
  /** The models' maximum `max_tokens`: larger values get Anthropic's 400. */
  maxOutputTokens?: number;
  /** Prompts over this many (fake) tokens get "prompt is too long: N tokens > M maximum". */
  contextWindow?: number;
  /** Timing and write-splitting for streamed answers. */
  stream?: Pick<ReplyOptions, "delayMs" | "firstByteDelayMs" | "splitWrites">;
}

/**
 * `POST /v1/messages` with a realistic default answer:
 * - tools are called when `tool_choice` forces them, or when the last user text names a tool
 *   (or says "use the tool"); their input is built from the `input_schema`;
 * - after tool results, the answer quotes them (`tool results: ...`); otherwise it echoes the
 *   last user text (`echo: ...`);
 * - thinking (enabled or adaptive) adds a thinking block with a fake signature;
 * - `max_tokens` and `stop_sequences` cut the text with Anthropic's stop reasons;
 * - usage counts one token per word, with prompt-cache writes and reads for `cache_control`.
 * Streams use Anthropic's SSE events with one `text_delta` per word.
 */
export function messagesResponder(options: MessagesResponderOptions = {}): Responder {
  const promptTokens = createPromptCache();
  return (req: RecordedRequest): FakeResponse => {
    if (!isRecord(req.json)) {
      return anthropicError(400, {
        message: "There was an issue with your request body: it is not valid JSON",
      });
    }
    const body = req.json;
    const invalid = validateMessagesBody(body, options);
    if (invalid !== undefined) return invalid;
    const model = String(body.model);
    if (options.models !== undefined && !options.models.includes(model)) {
      return anthropicError(404, { message: `model: ${model}` });
    }
    const prompt = promptTokens(body);
    const promptTotal = prompt.input + prompt.cacheRead + prompt.cacheWrite;
    if (options.contextWindow !== undefined && promptTotal > options.contextWindow) {
      return anthropicError(400, {
        message: `prompt is too long: ${promptTotal} tokens > ${options.contextWindow} maximum`,
      });
    }

    const spec = answer(body, options);
    const outputTokens =
      fakeTokenPieces([spec.thinking ?? []].flat().join("")).length +
      fakeTokenPieces([spec.text ?? []].flat().join("")).length +
      (spec.toolUses?.length ?? 0) * 10;
    const usage = anthropicUsage({
      input: prompt.input,
      cacheRead: prompt.cacheRead,
      cacheWrite: prompt.cacheWrite,
      output: Math.max(1, outputTokens),
    });
    const headers = successHeaders();
    const full = { ...spec, model, usage, id: anthropicMessageId() };
    if (body.stream === true) {
      return sse(anthropicStreamEvents(full), {
        ...options.stream,
        contentType: "text/event-stream; charset=utf-8",
        headers: { ...headers, "cache-control": "no-cache" },
      });
    }
    return json(anthropicMessage(full), { headers });
  };
}

function answer(
  body: Record<string, unknown>,
  options: MessagesResponderOptions,
): AnthropicMessageSpec {
  const messages = body.messages as unknown[];
  const last = lastUserMessage(messages);
  const lastText = userText(last);
  const results = toolResultText(last);
  const thinkingOn = isRecord(body.thinking) && body.thinking.type !== "disabled";
  const thinking = thinkingOn
    ? fakeTokenPieces(`Considering: ${lastText || results || "the request"}`)
    : undefined;

  const toolUses = results === undefined ? chooseTools(body, lastText) : [];
  if (toolUses.length > 0) {
    return { ...(thinking ? { thinking } : {}), toolUses, stopReason: "tool_use" };
  }

  const text =
    options.reply?.(body) ??
    (results !== undefined ? `tool results: ${results}` : `echo: ${lastText}`);
  let words = fakeTokenPieces(text);
  let stopReason = "end_turn";
  let stopSequence: string | null = null;

  const joined = words.join("");
  for (const sequence of Array.isArray(body.stop_sequences)
    ? body.stop_sequences.map(String)
    : []) {
    const at = joined.indexOf(sequence);
    if (sequence !== "" && at !== -1) {
      words = fakeTokenPieces(joined.slice(0, at));
      stopReason = "stop_sequence";
      stopSequence = sequence;
      break;
    }
  }
  const budget = Number(body.max_tokens) - (thinking?.length ?? 0);
  if (words.length > budget) {
    words = words.slice(0, Math.max(0, budget));
    stopReason = "max_tokens";
    stopSequence = null;
  }
  return {
    ...(thinking ? { thinking } : {}),
    ...(words.length > 0 ? { text: words } : {}),
    stopReason,
    stopSequence,
  };
}

/** The client tools to call for this request (empty for a text answer). */
function chooseTools(body: Record<string, unknown>, lastText: string): AnthropicToolUseSpec[] {
  const tools = (Array.isArray(body.tools) ? body.tools : []).filter(
    (tool): tool is Record<string, unknown> =>
      isRecord(tool) && isRecord(tool.input_schema) && typeof tool.name === "string",
  );
  if (tools.length === 0) return [];
  const choice = isRecord(body.tool_choice) ? body.tool_choice : { type: "auto" };
  if (choice.type === "none") return [];
  const call = (tool: Record<string, unknown>): AnthropicToolUseSpec => ({
    name: String(tool.name),
    input: exampleInput(tool.input_schema),
  });

  if (choice.type === "tool") {
    const named = tools.find((tool) => tool.name === choice.name);
    return named ? [call(named)] : [];
  }
  const mentioned = tools.filter((tool) => lastText.includes(String(tool.name)));
  let chosen = mentioned;
  if (
    chosen.length === 0 &&
    (choice.type === "any" || /\b(use|call)\b.*\btools?\b/i.test(lastText))
  ) {
    chosen = tools.slice(0, 1);
  }
  if (choice.disable_parallel_tool_use === true) chosen = chosen.slice(0, 1);
  return chosen.map(call);
}

function successHeaders(): Record<string, string> {
  return {
    "request-id": anthropicRequestId(),
    "anthropic-organization-id": "00000000-0000-4000-8000-000000000000",
    "anthropic-ratelimit-requests-limit": "4000",
    "anthropic-ratelimit-requests-remaining": "3999",
    "anthropic-ratelimit-requests-reset": new Date(Date.now() + 60_000)
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z"),
  };
}
