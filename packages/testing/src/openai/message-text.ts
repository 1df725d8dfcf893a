import { isRecord } from "../fake-server/is-record.ts";

/** Text of an OpenAI message `content`: the string, or its text parts joined with a space. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .flatMap((part: unknown) =>
      isRecord(part) && part["type"] === "text" && typeof part["text"] === "string"
        ? [part["text"]]
        : [],
    )
    .join(" ");
}

/** The text of the last `user` message, which the fake echoes back. */
export function lastUserText(messages: readonly unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (isRecord(message) && message["role"] === "user") return contentText(message["content"]);
  }
  return "";
}
