import { randomBytes } from "node:crypto";

/** A `responseId` shaped like Gemini's (22-24 url-safe base64 characters). */
export function geminiResponseId(): string {
  return randomBytes(17).toString("base64url");
}

/** A stand-in `thoughtSignature`: opaque base64, as the real ones are. */
export function fakeThoughtSignature(seed: string): string {
  return Buffer.from(`sig:${seed}:${randomBytes(6).toString("hex")}`).toString("base64");
}
