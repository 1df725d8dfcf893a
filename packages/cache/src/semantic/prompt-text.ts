/**
 * The text the semantic cache embeds for a chat request: every message as `role: text`, one per
 * line, tool calls as JSON. The whole conversation, not only the last user turn: the same
 * question after a different conversation is a different question.
 */
export function promptText(messages: unknown): string {
  if (!Array.isArray(messages)) return "";
  const lines: string[] = [];
  for (const message of messages) {
    if (message === null || typeof message !== "object") continue;
    const m = message as { role?: unknown; content?: unknown; tool_calls?: unknown };
    const role = typeof m.role === "string" ? m.role : "user";
    const text = contentText(m.content);
    const calls =
      m.tool_calls === undefined || m.tool_calls === null ? "" : JSON.stringify(m.tool_calls);
    if (text !== "" || calls !== "") lines.push(`${role}: ${text}${calls}`);
  }
  return lines.join("\n");
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const parts: string[] = [];
  for (const part of content) {
    if (part === null || typeof part !== "object") continue;
    const p = part as { type?: unknown; text?: unknown };
    if (typeof p.text === "string") parts.push(p.text);
    // An image or file changes the question: its JSON (URL or data) stands in for it.
    else parts.push(JSON.stringify(part));
  }
  return parts.join("\n");
}
