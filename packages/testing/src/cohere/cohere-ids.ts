import { randomUUID } from "node:crypto";

/** Cohere generation ids are UUIDs. */
export function cohereGenerationId(): string {
  return randomUUID();
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** Cohere tool-call ids look like `get_weather_p1t92w7gfgq7`: the tool name and 12 characters. */
export function cohereToolCallId(name: string): string {
  let suffix = "";
  for (let i = 0; i < 12; i++) suffix += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return `${name}_${suffix}`;
}
