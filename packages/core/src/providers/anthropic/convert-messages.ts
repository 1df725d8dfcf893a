import type { ChatMessage, ContentPart } from "../../openai/chat-request.ts";
import { cacheControlOf, convertUserContent } from "./convert-user-content.ts";
import { isRecord } from "../../util/is-record.ts";
import { toAnthropicToolId } from "./tool-call-id.ts";
import type {
  AnthropicContentBlockParam,
  AnthropicMessageParam,
  AnthropicRedactedThinkingBlockParam,
  AnthropicTextBlockParam,
  AnthropicThinkingBlockParam,
  AnthropicToolResultBlockParam,
  AnthropicToolUseBlockParam,
} from "./wire-schemas.ts";

export interface ConvertedMessages {
  /** Top-level `system` blocks, in the order the system/developer messages appeared. */
  system: AnthropicTextBlockParam[];
  /** Strictly alternating user/assistant turns, starting with a user turn. */
  messages: AnthropicMessageParam[];
}

type Role = "user" | "assistant";
interface Turn {
  role: Role;
  content: AnthropicContentBlockParam[];
}

/**
 * Some OpenAI-shaped histories start with an assistant turn (a greeting); Anthropic requires
 * the first message to be the user's, so LiteLLM-style we put a minimal user turn first.
 */
const PLACEHOLDER_USER_TEXT = ".";

/**
 * OpenAI messages to Anthropic's `system` + `messages` (docs/provider-wire-formats.md §11.1):
 * system and developer messages are hoisted in order; tool results become `tool_result` blocks
 * in a user turn; consecutive same-role turns merge (Anthropic requires alternation) with
 * `tool_result` blocks first in a user turn; assistant tool calls become `tool_use` blocks after
 * any echoed thinking blocks; empty text never becomes a block.
 */
export function convertMessages(messages: readonly ChatMessage[]): ConvertedMessages {
  const system: AnthropicTextBlockParam[] = [];
  const turns: Turn[] = [];
  const functionCalls = new FunctionCallIds();

  for (const message of messages) {
    switch (message.role) {
      case "system":
      case "developer":
        system.push(...withMessageCache(systemBlocks(message.content), message));
        break;
      case "user":
        pushTurn(turns, "user", withMessageCache(convertUserContent(message.content), message));
        break;
      case "tool":
        pushTurn(turns, "user", [toolResult(toAnthropicToolId(message.tool_call_id), message)]);
        break;
      case "function":
        pushTurn(turns, "user", [toolResult(functionCalls.resultId(message.name), message)]);
        break;
      case "assistant":
        pushTurn(turns, "assistant", assistantBlocks(message, functionCalls));
        break;
    }
  }

  for (const turn of turns) {
    if (turn.role === "user") turn.content = toolResultsFirst(turn.content);
  }
  if (turns[0]?.role === "assistant") {
    turns.unshift({ role: "user", content: [{ type: "text", text: PLACEHOLDER_USER_TEXT }] });
  }
  trimFinalAssistantText(turns);
  return { system, messages: turns.map((turn) => ({ role: turn.role, content: turn.content })) };
}

function pushTurn(turns: Turn[], role: Role, blocks: AnthropicContentBlockParam[]): void {
  if (blocks.length === 0) return;
  const last = turns[turns.length - 1];
  if (last !== undefined && last.role === role) last.content.push(...blocks);
  else turns.push({ role, content: [...blocks] });
}

function systemBlocks(content: string | ContentPart[]): AnthropicTextBlockParam[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: AnthropicTextBlockParam[] = [];
  for (const part of content) {
    // Only text is meaningful in a system prompt; Anthropic's `system` takes text blocks only.
    if (part.type === "text" && part.text !== "") {
      blocks.push({ type: "text", text: part.text, ...cacheControlOf(part) });
    }
  }
  return blocks;
}

/** LiteLLM lets `cache_control` sit on the message itself: it marks the message's last block. */
function withMessageCache<T extends AnthropicContentBlockParam>(
  blocks: T[],
  message: unknown,
): T[] {
  const cache = cacheControlOf(message);
  const last = blocks[blocks.length - 1];
  if (cache.cache_control === undefined || last === undefined) return blocks;
  return [...blocks.slice(0, -1), { ...last, ...cache }];
}

function toolResult(
  toolUseId: string,
  message: Extract<ChatMessage, { role: "tool" | "function" }>,
): AnthropicToolResultBlockParam {
  const block: AnthropicToolResultBlockParam = { type: "tool_result", tool_use_id: toolUseId };
  const content = message.content;
  if (typeof content === "string") {
    if (content !== "") block.content = content;
  } else if (content !== null) {
    const blocks = convertUserContent(content);
    if (blocks.length > 0) block.content = blocks;
  }
  // Not an OpenAI field: a loose extension some clients send to flag a failed tool run.
  if ((message as { is_error?: unknown }).is_error === true) block.is_error = true;
  return { ...block, ...cacheControlOf(message) };
}

function assistantBlocks(
  message: Extract<ChatMessage, { role: "assistant" }>,
  functionCalls: FunctionCallIds,
): AnthropicContentBlockParam[] {
  // Thinking blocks must come first in an assistant turn and be echoed unchanged (with their
  // signature) when thinking is used with tools. LiteLLM carries them in `thinking_blocks`.
  const blocks: AnthropicContentBlockParam[] = echoedThinkingBlocks(message.thinking_blocks);

  const content = message.content;
  if (typeof content === "string") {
    if (content !== "") blocks.push({ type: "text", text: content });
  } else if (Array.isArray(content)) {
    for (const part of content) {
      if (part.type === "text" && part.text !== "") {
        blocks.push({ type: "text", text: part.text, ...cacheControlOf(part) });
      }
    }
  }

  for (const call of message.tool_calls ?? []) {
    const block: AnthropicToolUseBlockParam = {
      type: "tool_use",
      id: toAnthropicToolId(call.id),
      name: call.function.name,
      input: parseArguments(call.function.arguments),
    };
    blocks.push(block);
  }
  if (message.function_call) {
    blocks.push({
      type: "tool_use",
      id: functionCalls.callId(message.function_call.name),
      name: message.function_call.name,
      input: parseArguments(message.function_call.arguments),
    });
  }
  return withMessageCache(blocks, message);
}

function echoedThinkingBlocks(
  value: unknown,
): (AnthropicThinkingBlockParam | AnthropicRedactedThinkingBlockParam)[] {
  if (!Array.isArray(value)) return [];
  const blocks: (AnthropicThinkingBlockParam | AnthropicRedactedThinkingBlockParam)[] = [];
  for (const item of value as unknown[]) {
    if (!isRecord(item)) continue;
    // Without a signature Anthropic rejects the block, so unsigned reasoning is not echoed.
    if (
      item.type === "thinking" &&
      typeof item.thinking === "string" &&
      typeof item.signature === "string" &&
      item.signature !== ""
    ) {
      blocks.push({ type: "thinking", thinking: item.thinking, signature: item.signature });
    } else if (item.type === "redacted_thinking" && typeof item.data === "string") {
      blocks.push({ type: "redacted_thinking", data: item.data });
    }
  }
  return blocks;
}

/** `input` must be an object: empty or unparsable arguments become `{}`. */
export function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

/** Anthropic wants `tool_result` blocks before any other content of the user turn. */
function toolResultsFirst(blocks: AnthropicContentBlockParam[]): AnthropicContentBlockParam[] {
  const results = blocks.filter((block) => block.type === "tool_result");
  if (results.length === 0 || results.length === blocks.length) return blocks;
  return [...results, ...blocks.filter((block) => block.type !== "tool_result")];
}

/** "final assistant content cannot end with trailing whitespace" (a prefill). */
function trimFinalAssistantText(turns: Turn[]): void {
  const last = turns[turns.length - 1];
  if (last === undefined || last.role !== "assistant") return;
  const block = last.content[last.content.length - 1];
  if (block === undefined || block.type !== "text") return;
  const text = (block as AnthropicTextBlockParam).text.trimEnd();
  if (text === "") last.content.pop();
  else last.content[last.content.length - 1] = { ...block, text };
  if (last.content.length === 0) turns.pop();
}

/**
 * The deprecated `function_call` / `function` messages carry no ids; Anthropic needs them to pair
 * a result with its call, so ids are minted per name in order.
 */
class FunctionCallIds {
  #count = 0;
  readonly #pending = new Map<string, string[]>();

  callId(name: string): string {
    const id = `toolu_function_${this.#count++}`;
    const queue = this.#pending.get(name) ?? [];
    queue.push(id);
    this.#pending.set(name, queue);
    return id;
  }

  resultId(name: string): string {
    return this.#pending.get(name)?.shift() ?? toAnthropicToolId(`toolu_function_${name}`);
  }
}
