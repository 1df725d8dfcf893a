import type { ChatCompletionChunk, ToolCallDelta } from "../../openai/chat-chunk.ts";
import type { Usage } from "../../openai/chat-response.ts";
import { toAnthropicMessageId } from "./anthropic-message-id.ts";
import { isRecord } from "../../util/is-record.ts";
import { toAnthropicStopReason } from "./to-anthropic-stop-reason.ts";
import { toAnthropicUsage } from "./to-anthropic-usage.ts";

/** One Anthropic SSE event: `event: <event>` + `data: <JSON of data>` (data.type === event). */
export interface AnthropicSseEvent {
  event: string;
  data: { type: string } & Record<string, unknown>;
}

export interface OpenAIToAnthropicStreamEncoder {
  /** The Anthropic events one OpenAI chunk completes (often none, sometimes several). */
  encode(chunk: ChatCompletionChunk): AnthropicSseEvent[];
  /**
   * Ends the message: closes open blocks, then `message_delta` (stop reason, usage) and
   * `message_stop`. Call it when the OpenAI stream ends (it is a no-op if the usage chunk
   * already ended the message); docs §11.2 also uses it after an upstream error, so clients
   * always see a complete message.
   */
  finish(): AnthropicSseEvent[];
  /**
   * Anthropic's own mid-stream failure: an `error` event, after which nothing else is sent
   * (`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`).
   */
  error(error: { type: string; message: string }): AnthropicSseEvent[];
}

export interface OpenAIToAnthropicStreamEncoderOptions {
  /** The model name to report (e.g. the alias the client asked for); defaults to the chunks'. */
  model?: string;
}

interface ToolState {
  id: string;
  name: string;
  args: string;
  status: "pending" | "open" | "closed";
}

type OpenBlock =
  | { kind: "text"; index: number }
  | { kind: "thinking"; index: number }
  | { kind: "redacted_thinking"; index: number }
  | { kind: "tool"; index: number; key: number };

/**
 * OpenAI chunks to Anthropic SSE events, in the order Anthropic emits them: `message_start`,
 * then per block `content_block_start` / `content_block_delta`... / `content_block_stop`, then
 * `message_delta` and `message_stop`. Anthropic blocks cannot interleave, so:
 * - reasoning, text and tool calls each open a new block when the kind changes;
 * - a tool call streams live while it is the open block; a second call that starts while the
 *   open call's arguments are still incomplete JSON (upstreams that interleave parallel calls)
 *   is buffered and sent whole, as its own block, when the open one closes;
 * - the message ends when usage arrives after the finish reason (the OpenAI usage chunk), or
 *   at `finish()`.
 */
export function createOpenAIToAnthropicStreamEncoder(
  options: OpenAIToAnthropicStreamEncoderOptions = {},
): OpenAIToAnthropicStreamEncoder {
  let started = false;
  let ended = false;
  let messageId = "msg_gateway";
  let model = options.model ?? "";
  let nextIndex = 0;
  let open: OpenBlock | undefined;
  let finishReason: string | null = null;
  let providerFinishReason: unknown;
  let usage: Usage | undefined;
  const tools = new Map<number, ToolState>();

  const event = (type: string, fields: Record<string, unknown> = {}): AnthropicSseEvent => ({
    event: type,
    data: { type, ...fields },
  });

  const start = (chunk?: ChatCompletionChunk): AnthropicSseEvent[] => {
    if (started) return [];
    started = true;
    if (chunk !== undefined) {
      messageId = toAnthropicMessageId(chunk.id);
      if (options.model === undefined) model = chunk.model;
    }
    return [
      event("message_start", {
        message: {
          id: messageId,
          type: "message",
          role: "assistant",
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: toAnthropicUsage(chunk?.usage ?? undefined),
        },
      }),
    ];
  };

  const openBlock = (block: Record<string, unknown>, state: OpenBlock): AnthropicSseEvent => {
    open = state;
    return event("content_block_start", { index: state.index, content_block: block });
  };
  const blockDelta = (index: number, delta: Record<string, unknown>) =>
    event("content_block_delta", { index, delta });

  const closeOpen = (): AnthropicSseEvent[] => {
    if (open === undefined) return [];
    const index = open.index;
    if (open.kind === "tool") {
      const tool = tools.get(open.key);
      if (tool) tool.status = "closed";
    }
    open = undefined;
    return [event("content_block_stop", { index })];
  };

  const openTool = (key: number, tool: ToolState): AnthropicSseEvent[] => {
    tool.status = "open";
    const index = nextIndex++;
    const out = [
      openBlock(
        { type: "tool_use", id: tool.id, name: tool.name, input: {} },
        { kind: "tool", index, key },
      ),
    ];
    if (tool.args !== "")
      out.push(blockDelta(index, { type: "input_json_delta", partial_json: tool.args }));
    return out;
  };

  /** Buffered tool calls go out whole, in index order, once no block is open. */
  const flushPending = (): AnthropicSseEvent[] => {
    const out: AnthropicSseEvent[] = [];
    const pending = [...tools.entries()]
      .filter(([, tool]) => tool.status === "pending")
      .sort(([a], [b]) => a - b);
    for (const [key, tool] of pending) out.push(...openTool(key, tool), ...closeOpen());
    return out;
  };

  /** Makes sure a text or thinking block is open, closing whatever else was. */
  const ensureBlock = (kind: "text" | "thinking"): AnthropicSseEvent[] => {
    if (open?.kind === kind) return [];
    const out = [...closeOpen(), ...flushPending()];
    const index = nextIndex++;
    const block =
      kind === "text"
        ? { type: "text", text: "" }
        : { type: "thinking", thinking: "", signature: "" };
    out.push(openBlock(block, { kind, index }));
    return out;
  };

  const onToolDelta = (delta: ToolCallDelta): AnthropicSseEvent[] => {
    const key = delta.index;
    const fragment = delta.function?.arguments ?? "";
    let tool = tools.get(key);
    if (tool === undefined) {
      tool = {
        id: delta.id ?? `toolu_${messageId.replace(/^msg_/, "")}_${key}`,
        name: delta.function?.name ?? "",
        args: "",
        status: "pending",
      };
      tools.set(key, tool);
    } else if (tool.status === "pending") {
      // A header may come after a first fragment from loose upstreams; it is not yet sent.
      if (delta.id) tool.id = delta.id;
      if (delta.function?.name && tool.name === "") tool.name = delta.function.name;
    }

    if (open?.kind === "tool" && open.key === key) {
      tool.args += fragment;
      return fragment === ""
        ? []
        : [blockDelta(open.index, { type: "input_json_delta", partial_json: fragment })];
    }
    if (tool.status !== "pending") return []; // a closed call cannot grow; upstream misbehaved
    tool.args += fragment;

    if (open?.kind === "tool") {
      const current = tools.get(open.key);
      // The open call is finished once its arguments are a complete JSON object: only then
      // can the next call stream live. Otherwise the calls are interleaved: buffer this one.
      if (current === undefined || !isCompleteObject(current.args)) return [];
      return [...closeOpen(), ...flushPendingExcept(key), ...openTool(key, tool)];
    }
    return [...closeOpen(), ...flushPendingExcept(key), ...openTool(key, tool)];
  };

  const flushPendingExcept = (key: number): AnthropicSseEvent[] => {
    const tool = tools.get(key);
    if (tool === undefined) return flushPending();
    tool.status = "open"; // hide it from the flush; openTool sets it again
    const out = flushPending();
    tool.status = "pending";
    return out;
  };

  const onThinkingBlocks = (blocks: unknown[]): AnthropicSseEvent[] => {
    const out: AnthropicSseEvent[] = [];
    for (const block of blocks) {
      if (!isRecord(block)) continue;
      if (block.type === "thinking") {
        const signature = typeof block.signature === "string" ? block.signature : "";
        if (open?.kind !== "thinking") {
          // A whole block at once (no reasoning_content streamed before it).
          const thinking = typeof block.thinking === "string" ? block.thinking : "";
          out.push(...ensureBlock("thinking"));
          if (thinking !== "" && open !== undefined) {
            out.push(blockDelta(open.index, { type: "thinking_delta", thinking }));
          }
        }
        if (signature !== "" && open !== undefined) {
          out.push(blockDelta(open.index, { type: "signature_delta", signature }));
        }
        out.push(...closeOpen());
      } else if (block.type === "redacted_thinking" && typeof block.data === "string") {
        out.push(...closeOpen(), ...flushPending());
        const index = nextIndex++;
        out.push(
          openBlock(
            { type: "redacted_thinking", data: block.data },
            { kind: "redacted_thinking", index },
          ),
        );
        out.push(...closeOpen());
      }
    }
    return out;
  };

  const end = (): AnthropicSseEvent[] => {
    if (ended) return [];
    ended = true;
    return [
      ...closeOpen(),
      ...flushPending(),
      event("message_delta", {
        delta: {
          stop_reason: toAnthropicStopReason(finishReason, providerFinishReason),
          stop_sequence: null,
        },
        usage: toAnthropicUsage(usage),
      }),
      event("message_stop"),
    ];
  };

  return {
    encode(chunk: ChatCompletionChunk): AnthropicSseEvent[] {
      if (ended) return [];
      const out = start(chunk);
      for (const choice of chunk.choices) {
        if (choice.index !== 0) continue; // Anthropic has no `n`
        const delta = choice.delta;
        if (typeof delta.reasoning_content === "string" && delta.reasoning_content !== "") {
          out.push(...ensureBlock("thinking"));
          if (open !== undefined) {
            out.push(
              blockDelta(open.index, { type: "thinking_delta", thinking: delta.reasoning_content }),
            );
          }
        }
        if (Array.isArray(delta.thinking_blocks))
          out.push(...onThinkingBlocks(delta.thinking_blocks));
        if (typeof delta.content === "string" && delta.content !== "") {
          out.push(...ensureBlock("text"));
          if (open !== undefined)
            out.push(blockDelta(open.index, { type: "text_delta", text: delta.content }));
        }
        for (const call of delta.tool_calls ?? []) out.push(...onToolDelta(call));
        if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
          finishReason = choice.finish_reason;
          providerFinishReason = choice.provider_finish_reason;
        }
      }
      if (chunk.usage !== null && chunk.usage !== undefined) {
        usage = chunk.usage;
        // OpenAI's usage chunk comes after the finish chunk and is the last one.
        if (finishReason !== null) out.push(...end());
      }
      return out;
    },

    finish(): AnthropicSseEvent[] {
      if (ended) return [];
      return [...start(), ...end()];
    },

    error(error: { type: string; message: string }): AnthropicSseEvent[] {
      if (ended) return [];
      ended = true;
      return [...start(), event("error", { error: { type: error.type, message: error.message } })];
    },
  };
}

function isCompleteObject(text: string): boolean {
  if (text.trim() === "") return false;
  try {
    return isRecord(JSON.parse(text));
  } catch {
    return false;
  }
}
