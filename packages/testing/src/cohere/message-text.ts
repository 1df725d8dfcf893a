import { isRecord } from "../fake-server/is-record.ts";

/**
 * The text of a Cohere message `content`: the string, or its `text` parts and `document` data
 * joined with a space (document data may be a JSON string or an object).
 */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .flatMap((part: unknown) => {
      if (!isRecord(part)) return [];
      if (part.type === "text" && typeof part.text === "string") return [part.text];
      if (part.type === "document" && isRecord(part.document)) {
        const data = part.document.data;
        return [typeof data === "string" ? data : JSON.stringify(data)];
      }
      return [];
    })
    .join(" ");
}

/** The text of the last `user` message, which the fake echoes back. */
export function lastUserText(messages: readonly Record<string, unknown>[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === "user") return contentText(message.content);
  }
  return "";
}
