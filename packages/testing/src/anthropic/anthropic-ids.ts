import { randomBytes } from "node:crypto";

const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function base62(length: number): string {
  return [...randomBytes(length)].map((byte) => BASE62[byte % BASE62.length]).join("");
}

/** `msg_01` + 22 base62 characters, the shape of Anthropic's message ids. */
export function anthropicMessageId(): string {
  return `msg_01${base62(22)}`;
}

/** `toolu_01` + 22 base62 characters, the shape of Anthropic's tool-use ids. */
export function anthropicToolUseId(): string {
  return `toolu_01${base62(22)}`;
}

/** `req_011C` + 20 base62 characters, the shape of Anthropic's `request-id` header. */
export function anthropicRequestId(): string {
  return `req_011C${base62(20)}`;
}
