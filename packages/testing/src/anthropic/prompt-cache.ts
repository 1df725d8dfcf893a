import { fakeTokenCount } from "./fake-tokens.ts";
import { isRecord } from "../fake-server/is-record.ts";
import { contentText } from "./message-text.ts";

export interface PromptTokens {
  /** Fresh input tokens (Anthropic's `input_tokens`). */
  input: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * Counts a request's prompt tokens the fake's way (one per word of tools, system and messages)
 * and plays Anthropic's prompt cache: the prefix up to the last `cache_control` marker is
 * written on first sight and read afterwards, per fake server.
 */
export function createPromptCache() {
  const cached = new Set<string>();
  return (body: Record<string, unknown>): PromptTokens => {
    const segments: { text: string; marked: boolean }[] = [];
    for (const tool of Array.isArray(body.tools) ? body.tools : []) {
      if (isRecord(tool))
        segments.push({ text: JSON.stringify(tool), marked: isRecord(tool.cache_control) });
    }
    const system = body.system;
    if (typeof system === "string") segments.push({ text: system, marked: false });
    else if (Array.isArray(system)) {
      for (const block of system) {
        if (isRecord(block))
          segments.push({ text: String(block.text ?? ""), marked: isRecord(block.cache_control) });
      }
    }
    for (const message of Array.isArray(body.messages) ? body.messages : []) {
      if (!isRecord(message)) continue;
      const content = message.content;
      if (typeof content === "string") segments.push({ text: content, marked: false });
      else if (Array.isArray(content)) {
        for (const block of content) {
          segments.push({
            text: contentText([block]),
            marked: isRecord(block) && isRecord(block.cache_control),
          });
        }
      }
    }

    const lastMarked = segments.map((segment) => segment.marked).lastIndexOf(true);
    const count = (list: typeof segments) =>
      list.reduce((sum, segment) => sum + fakeTokenCount(segment.text), 0);
    const total = Math.max(1, count(segments));
    if (lastMarked === -1) return { input: total, cacheRead: 0, cacheWrite: 0 };
    const prefix = segments.slice(0, lastMarked + 1);
    const key = prefix.map((segment) => segment.text).join("\u0000");
    const prefixTokens = count(prefix);
    const hit = cached.has(key);
    cached.add(key);
    return {
      input: Math.max(0, total - prefixTokens),
      cacheRead: hit ? prefixTokens : 0,
      cacheWrite: hit ? 0 : prefixTokens,
    };
  };
}
