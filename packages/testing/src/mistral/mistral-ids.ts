import { randomBytes } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Mistral completion ids: 32 hex digits (`cmpl-` on some endpoints). */
export function mistralCompletionId(): string {
  return randomBytes(16).toString("hex");
}

/** Mistral tool-call ids are exactly 9 characters of `[a-zA-Z0-9]`. */
export function mistralToolCallId(): string {
  return [...randomBytes(9)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join("");
}

export function mistralRequestId(): string {
  return randomBytes(16).toString("hex");
}
