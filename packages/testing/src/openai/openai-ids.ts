import { randomBytes } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomAlphanumeric(length: number): string {
  return [...randomBytes(length)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join("");
}

/** `chatcmpl-` plus 29 alphanumerics, the shape OpenAI uses. */
export function chatCompletionId(): string {
  return `chatcmpl-${randomAlphanumeric(29)}`;
}

/** `req_` plus 32 hex digits, the shape of OpenAI's `x-request-id`. */
export function openaiRequestId(): string {
  return `req_${randomBytes(16).toString("hex")}`;
}
