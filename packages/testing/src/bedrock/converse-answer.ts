import { encodeBedrockEvent, encodeBedrockException } from "./event-stream-encoder.ts";

/** One block of a scripted Converse answer. */
export type FakeConverseBlock =
  | { text: string }
  | { toolUse: { toolUseId?: string; name: string; input: unknown } }
  | { reasoning: { text: string; signature?: string } };

export interface FakeConverseUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

export interface FakeConverseAnswer {
  content: FakeConverseBlock[];
  /** Defaults to `tool_use` when the content has a toolUse block, else `end_turn`. */
  stopReason?: string;
  usage?: FakeConverseUsage;
  latencyMs?: number;
}

export interface FakeStreamOptions {
  /** Split text and tool-input JSON into deltas of this many characters (default 4). */
  chunkSize?: number;
  /** Send `metadata` before `messageStop` (Bedrock normally sends it after). */
  metadataFirst?: boolean;
  /** Leave out the `metadata` event. */
  omitMetadata?: boolean;
  /**
   * Replace the rest of the stream with an exception frame after this many event frames
   * (`throttlingException`, `modelStreamErrorException`, ...).
   */
  exception?: {
    afterEvents: number;
    type: string;
    message: string;
    extra?: Record<string, unknown>;
  };
  /** Stop after this many frames, without messageStop (a cut-off stream). */
  truncateAfterEvents?: number;
}

const DEFAULT_USAGE: FakeConverseUsage = { inputTokens: 10, outputTokens: 5 };

/** The non-streamed Converse body for a scripted answer. */
export function converseResponseBody(answer: FakeConverseAnswer): Record<string, unknown> {
  const usage = usageOf(answer);
  return {
    output: {
      message: {
        role: "assistant",
        content: answer.content.map((block, index) => {
          if ("text" in block) return { text: block.text };
          if ("toolUse" in block) {
            return {
              toolUse: {
                toolUseId: block.toolUse.toolUseId ?? toolUseId(index),
                name: block.toolUse.name,
                input: block.toolUse.input,
              },
            };
          }
          const reasoningText: Record<string, string> = { text: block.reasoning.text };
          if (block.reasoning.signature !== undefined)
            reasoningText["signature"] = block.reasoning.signature;
          return { reasoningContent: { reasoningText } };
        }),
      },
    },
    stopReason: stopReasonOf(answer),
    usage,
    metrics: { latencyMs: answer.latencyMs ?? 123 },
  };
}

/**
 * The ConverseStream frames for a scripted answer, in Bedrock's order: messageStart; per block
 * contentBlockStart (tool blocks only, as Claude on Bedrock does), contentBlockDelta pieces,
 * contentBlockStop; messageStop; metadata. Every payload carries a `p` padding field, as
 * Bedrock's do, which clients must ignore.
 */
export function converseStreamFrames(
  answer: FakeConverseAnswer,
  options: FakeStreamOptions = {},
): Uint8Array[] {
  const size = options.chunkSize ?? 4;
  const events: [string, Record<string, unknown>][] = [["messageStart", { role: "assistant" }]];
  answer.content.forEach((block, contentBlockIndex) => {
    if ("text" in block) {
      for (const piece of pieces(block.text, size)) {
        events.push(["contentBlockDelta", { contentBlockIndex, delta: { text: piece } }]);
      }
    } else if ("toolUse" in block) {
      const start = {
        toolUseId: block.toolUse.toolUseId ?? toolUseId(contentBlockIndex),
        name: block.toolUse.name,
      };
      events.push(["contentBlockStart", { contentBlockIndex, start: { toolUse: start } }]);
      const input = JSON.stringify(block.toolUse.input ?? {});
      for (const piece of pieces(input === "{}" ? "" : input, size)) {
        events.push([
          "contentBlockDelta",
          { contentBlockIndex, delta: { toolUse: { input: piece } } },
        ]);
      }
    } else {
      for (const piece of pieces(block.reasoning.text, size)) {
        events.push([
          "contentBlockDelta",
          { contentBlockIndex, delta: { reasoningContent: { text: piece } } },
        ]);
      }
      if (block.reasoning.signature !== undefined) {
        events.push([
          "contentBlockDelta",
          {
            contentBlockIndex,
            delta: { reasoningContent: { signature: block.reasoning.signature } },
          },
        ]);
      }
    }
    events.push(["contentBlockStop", { contentBlockIndex }]);
  });
  const stop: [string, Record<string, unknown>] = [
    "messageStop",
    { stopReason: stopReasonOf(answer) },
  ];
  const metadata: [string, Record<string, unknown>] = [
    "metadata",
    { usage: usageOf(answer), metrics: { latencyMs: answer.latencyMs ?? 123 } },
  ];
  if (options.omitMetadata) events.push(stop);
  else if (options.metadataFirst) events.push(metadata, stop);
  else events.push(stop, metadata);

  let frames = events.map(([type, payload], index) =>
    encodeBedrockEvent(type, { ...payload, p: padding(index) }),
  );
  if (options.truncateAfterEvents !== undefined)
    frames = frames.slice(0, options.truncateAfterEvents);
  if (options.exception) {
    const { afterEvents, type, message, extra } = options.exception;
    frames = [...frames.slice(0, afterEvents), encodeBedrockException(type, message, extra)];
  }
  return frames;
}

function usageOf(answer: FakeConverseAnswer): Record<string, number> {
  const usage = answer.usage ?? DEFAULT_USAGE;
  const out: Record<string, number> = {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    totalTokens:
      usage.inputTokens +
      usage.outputTokens +
      (usage.cacheReadInputTokens ?? 0) +
      (usage.cacheWriteInputTokens ?? 0),
  };
  if (usage.cacheReadInputTokens !== undefined)
    out["cacheReadInputTokens"] = usage.cacheReadInputTokens;
  if (usage.cacheWriteInputTokens !== undefined)
    out["cacheWriteInputTokens"] = usage.cacheWriteInputTokens;
  return out;
}

function stopReasonOf(answer: FakeConverseAnswer): string {
  if (answer.stopReason !== undefined) return answer.stopReason;
  return answer.content.some((block) => "toolUse" in block) ? "tool_use" : "end_turn";
}

/** Bedrock-style tool-use ids (`tooluse_` + 22 characters). */
function toolUseId(index: number): string {
  return `tooluse_${String(index).padStart(2, "0")}fakeBedrockToolUse`;
}

/** Pieces of at most `size` UTF-16 units, never splitting a surrogate pair. */
function pieces(text: string, size: number): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(""));
  return out;
}

const PAD = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** Bedrock pads payloads with a random-length `p` field (against length side channels). */
function padding(index: number): string {
  return PAD.slice(0, 4 + ((index * 7) % (PAD.length - 4)));
}
