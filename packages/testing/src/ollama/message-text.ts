import { isRecord } from "../fake-server/is-record.ts";

/** The text of the last `user` message, which the fake echoes back. */
export function lastUserMessage(
  messages: readonly Record<string, unknown>[],
): Record<string, unknown> | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (isRecord(message) && message.role === "user") return message;
  }
  return undefined;
}

export function textOf(message: Record<string, unknown> | undefined): string {
  return typeof message?.content === "string" ? message.content : "";
}
