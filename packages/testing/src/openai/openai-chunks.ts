import type {
  ChatCompletionChunk,
  ChunkDelta,
  FinishReason,
  ToolCallDelta,
  Usage,
} from "@org/core";
import { OPENAI_DEFAULTS } from "./openai-defaults.ts";
import { optional } from "./optional-field.ts";
import { argumentFragments, type OpenAIToolCallSpec } from "./openai-tool-call.ts";
import { openaiUsage } from "./openai-usage.ts";

export interface OpenAIChunksSpec {
  /** Content deltas, one chunk per element; a string is a single chunk. */
  content?: string | readonly string[];
  /** `reasoning_content` deltas, sent before the content (OpenAI-compatible reasoning servers). */
  reasoning?: readonly string[];
  toolCalls?: readonly OpenAIToolCallSpec[];
  /**
   * Alternate the calls' fragments (header 0, header 1, fragment 0.0, fragment 1.0, ...) the way
   * some OpenAI-compatible servers do; OpenAI itself sends one call after another.
   */
  interleaveToolCalls?: boolean;
  /**
   * Defaults to `"tool_calls"` with tool calls, else `"stop"`. `null` leaves the finish chunk out
   * (to script a stream that never finishes properly).
   */
  finishReason?: FinishReason | null;
  /** Adds `"usage": null` to every chunk and a final `choices: []` usage chunk, as OpenAI does. */
  includeUsage?: boolean;
  /** The usage chunk's usage; defaults to 10 prompt and 20 completion tokens. */
  usage?: Usage;
  /** Ends with `[DONE]` unless false. */
  done?: boolean;
  id?: string;
  created?: number;
  model?: string;
  /** `null` leaves the field out. */
  systemFingerprint?: string | null;
  /** `null` leaves the field out. */
  serviceTier?: string | null;
}

/**
 * The `data:` payloads of a streamed chat completion in OpenAI's order (role, reasoning, content,
 * tool calls, finish, usage, `[DONE]`). Pass the result to `sse()`.
 */
export function openaiChunks(spec: OpenAIChunksSpec = {}): string[] {
  const includeUsage = spec.includeUsage ?? false;
  const head = {
    id: spec.id ?? OPENAI_DEFAULTS.id,
    object: "chat.completion.chunk" as const,
    created: spec.created ?? OPENAI_DEFAULTS.created,
    model: spec.model ?? OPENAI_DEFAULTS.model,
    ...optional("service_tier", spec.serviceTier, OPENAI_DEFAULTS.serviceTier),
    ...optional("system_fingerprint", spec.systemFingerprint, OPENAI_DEFAULTS.systemFingerprint),
  };
  const chunk = (delta: ChunkDelta, finishReason: FinishReason | null = null): string => {
    const body: ChatCompletionChunk = {
      ...head,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(includeUsage ? { usage: null } : {}),
    };
    return JSON.stringify(body);
  };

  const toolCalls = spec.toolCalls ?? [];
  const content = typeof spec.content === "string" ? [spec.content] : (spec.content ?? []);
  const events: string[] = [chunk({ role: "assistant", content: "", refusal: null })];
  for (const piece of spec.reasoning ?? []) events.push(chunk({ reasoning_content: piece }));
  for (const piece of content) events.push(chunk({ content: piece }));
  for (const delta of toolCallDeltas(toolCalls, spec.interleaveToolCalls ?? false)) {
    events.push(chunk({ tool_calls: [delta] }));
  }

  const finishReason =
    spec.finishReason === undefined
      ? toolCalls.length > 0
        ? "tool_calls"
        : "stop"
      : spec.finishReason;
  if (finishReason !== null) events.push(chunk({}, finishReason));
  if (includeUsage) {
    const usageChunk: ChatCompletionChunk = {
      ...head,
      choices: [],
      usage: spec.usage ?? openaiUsage(10, 20),
    };
    events.push(JSON.stringify(usageChunk));
  }
  if (spec.done ?? true) events.push("[DONE]");
  return events;
}

/** The first fragment of a call carries id, type and name with empty arguments; later ones only arguments. */
function toolCallDeltas(
  calls: readonly OpenAIToolCallSpec[],
  interleave: boolean,
): ToolCallDelta[] {
  const perCall = calls.map((call, index): ToolCallDelta[] => [
    { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } },
    ...argumentFragments(call.arguments).map((fragment) => ({
      index,
      function: { arguments: fragment },
    })),
  ]);
  if (!interleave) return perCall.flat();
  const rounds = Math.max(0, ...perCall.map((deltas) => deltas.length));
  const interleaved: ToolCallDelta[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const deltas of perCall) {
      const delta = deltas[round];
      if (delta) interleaved.push(delta);
    }
  }
  return interleaved;
}
