import { isRecord } from "../fake-server/is-record.ts";

/** The text of a `content` (string or blocks), tool results' text included, joined by spaces. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .flatMap((block: unknown) => {
      if (!isRecord(block)) return [];
      if (block.type === "text" && typeof block.text === "string") return [block.text];
      if (block.type === "tool_result") return [contentText(block.content)];
      return [];
    })
    .filter((text) => text !== "")
    .join(" ");
}

/** The last user message, or undefined. */
export function lastUserMessage(messages: readonly unknown[]): Record<string, unknown> | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (isRecord(message) && message.role === "user") return message;
  }
  return undefined;
}

/** Text of the user's own blocks (not tool results) in a message. */
export function userText(message: Record<string, unknown> | undefined): string {
  if (message === undefined) return "";
  const content = message.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .flatMap((block: unknown) =>
      isRecord(block) && block.type === "text" && typeof block.text === "string"
        ? [block.text]
        : [],
    )
    .join(" ");
}

/** Text of the tool results in a message; undefined when it has none. */
export function toolResultText(message: Record<string, unknown> | undefined): string | undefined {
  const content = message?.content;
  if (!Array.isArray(content)) return undefined;
  const results = content.filter(
    (block: unknown) => isRecord(block) && block.type === "tool_result",
  );
  if (results.length === 0) return undefined;
  return results.map((block) => contentText((block as { content?: unknown }).content)).join(" | ");
}
