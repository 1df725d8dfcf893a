import type { ChatMessage, ContentPart, ToolCall } from "../../openai/chat-request.ts";
import { CACHE_POINT, convertUserContent } from "./convert-user-content.ts";
import { legacyFunctionCallId, sanitizeToolUseId } from "./tool-call-id.ts";
import type { ConverseContentBlock, ConverseMessage, ConverseSystemBlock } from "./wire-schemas.ts";

export interface ConvertedMessages {
  system: ConverseSystemBlock[];
  messages: ConverseMessage[];
  /** Names of the tools the history already called, for the toolConfig Converse then needs. */
  historyToolNames: string[];
  /** True when the history holds toolUse or toolResult blocks. */
  hasToolBlocks: boolean;
}

/** Stands in for missing user turns: Converse rejects blank text. */
export const PLACEHOLDER_USER_TEXT = ".";
/** Stands in for an empty tool result, for the same reason. */
export const EMPTY_TOOL_RESULT_TEXT = "(no output)";

/**
 * OpenAI messages to Converse `system` + `messages`:
 * - every system/developer message, wherever it sits, goes to `system` in order;
 * - tool results become `toolResult` blocks of a user message; consecutive messages of the same
 *   Converse role merge (Converse requires alternation), and inside a user message the tool
 *   results come first, as Claude requires;
 * - assistant `tool_calls` become `toolUse` blocks with the parsed arguments (`{}` when empty or
 *   not a JSON object); LiteLLM-style `thinking_blocks` go back as `reasoningContent` first;
 * - a conversation that does not start with a user turn gets a placeholder one
 *   ("A conversation must start with a user message.").
 */
export function convertMessages(messages: readonly ChatMessage[]): ConvertedMessages {
  const system: ConverseSystemBlock[] = [];
  const out: ConverseMessage[] = [];
  const historyToolNames = new Set<string>();
  let hasToolBlocks = false;

  const append = (role: "user" | "assistant", blocks: ConverseContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    if (last !== undefined && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };

  messages.forEach((message, index) => {
    const path = `messages[${index}].content`;
    switch (message.role) {
      case "system":
      case "developer":
        system.push(...systemBlocks(message.content));
        if (hasCacheControl(message)) system.push({ cachePoint: { type: "default" } });
        return;
      case "user": {
        const blocks = convertUserContent(message.content, path);
        if (hasCacheControl(message) && blocks.length > 0) blocks.push(CACHE_POINT);
        append("user", blocks);
        return;
      }
      case "assistant": {
        const blocks = assistantBlocks(message, historyToolNames);
        if (blocks.some((block) => "toolUse" in block)) hasToolBlocks = true;
        if (hasCacheControl(message) && blocks.length > 0) blocks.push(CACHE_POINT);
        append("assistant", blocks);
        return;
      }
      case "tool":
        hasToolBlocks = true;
        append("user", [toolResult(sanitizeToolUseId(message.tool_call_id), message.content)]);
        return;
      case "function":
        hasToolBlocks = true;
        append("user", [toolResult(legacyFunctionCallId(message.name), message.content ?? "")]);
        return;
    }
  });

  for (const message of out) {
    if (message.role === "user") message.content = toolResultsFirst(message.content);
  }
  if (out[0]?.role !== "user") {
    out.unshift({ role: "user", content: [{ text: PLACEHOLDER_USER_TEXT }] });
  }
  return { system, messages: out, historyToolNames: [...historyToolNames], hasToolBlocks };
}

function systemBlocks(content: string | readonly ContentPart[]): ConverseSystemBlock[] {
  if (typeof content === "string") return content.trim() === "" ? [] : [{ text: content }];
  const blocks: ConverseSystemBlock[] = [];
  for (const part of content) {
    if (part.type !== "text" || part.text.trim() === "") continue;
    blocks.push({ text: part.text });
    if (part["cache_control"] !== undefined && part["cache_control"] !== null) {
      blocks.push({ cachePoint: { type: "default" } });
    }
  }
  return blocks;
}

type AssistantMessage = Extract<ChatMessage, { role: "assistant" }>;

function assistantBlocks(
  message: AssistantMessage,
  historyToolNames: Set<string>,
): ConverseContentBlock[] {
  const blocks: ConverseContentBlock[] = [...thinkingBlocks(message["thinking_blocks"])];
  const content = message.content;
  if (typeof content === "string") {
    if (content.trim() !== "") blocks.push({ text: content });
  } else if (Array.isArray(content)) {
    for (const part of content) {
      if (part.type === "text" && part.text.trim() !== "") blocks.push({ text: part.text });
    }
  }
  for (const call of message.tool_calls ?? []) {
    historyToolNames.add(call.function.name);
    blocks.push(toolUse(sanitizeToolUseId(call.id), call));
  }
  if (message.function_call) {
    historyToolNames.add(message.function_call.name);
    blocks.push({
      toolUse: {
        toolUseId: legacyFunctionCallId(message.function_call.name),
        name: message.function_call.name,
        input: parseArguments(message.function_call.arguments),
      },
    });
  }
  return blocks;
}

function toolUse(toolUseId: string, call: ToolCall): ConverseContentBlock {
  return {
    toolUse: {
      toolUseId,
      name: call.function.name,
      input: parseArguments(call.function.arguments),
    },
  };
}

/** Converse wants `input` as a JSON object; empty or broken arguments become `{}`. */
function parseArguments(args: string): Record<string, unknown> {
  if (args.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function toolResult(
  toolUseId: string,
  content: string | readonly ContentPart[],
): ConverseContentBlock {
  const text =
    typeof content === "string"
      ? content
      : content
          .filter((part): part is Extract<ContentPart, { type: "text" }> => part.type === "text")
          .map((part) => part.text)
          .join("\n");
  return {
    toolResult: {
      toolUseId,
      content: [{ text: text.trim() === "" ? EMPTY_TOOL_RESULT_TEXT : text }],
    },
  };
}

/**
 * LiteLLM's `thinking_blocks` on an assistant message (`{type:"thinking", thinking, signature}`
 * or `{type:"redacted_thinking", data}`): Claude needs them back, signature intact, when the
 * turn that produced them also called tools.
 */
function thinkingBlocks(value: unknown): ConverseContentBlock[] {
  if (!Array.isArray(value)) return [];
  const blocks: ConverseContentBlock[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== "object" || item === null) continue;
    const block = item as Record<string, unknown>;
    if (block["type"] === "thinking" && typeof block["thinking"] === "string") {
      const signature = block["signature"];
      blocks.push({
        reasoningContent: {
          reasoningText:
            typeof signature === "string"
              ? { text: block["thinking"], signature }
              : { text: block["thinking"] },
        },
      });
    } else if (block["type"] === "redacted_thinking" && typeof block["data"] === "string") {
      blocks.push({ reasoningContent: { redactedContent: block["data"] } });
    }
  }
  return blocks;
}

function toolResultsFirst(blocks: ConverseContentBlock[]): ConverseContentBlock[] {
  const results = blocks.filter((block) => "toolResult" in block);
  if (results.length === 0) return blocks;
  return [...results, ...blocks.filter((block) => !("toolResult" in block))];
}

function hasCacheControl(message: ChatMessage): boolean {
  const value = (message as Record<string, unknown>)["cache_control"];
  return value !== undefined && value !== null;
}
