import type { FinishReason } from "../../openai/chat-response.ts";

const KNOWN: ReadonlySet<string> = new Set([
  "stop",
  "length",
  "tool_calls",
  "content_filter",
  "function_call",
]);

/**
 * OpenAI-compatible servers invent finish reasons (Together `eos`, Mistral `model_length`,
 * DeepSeek `insufficient_system_resource`, OpenRouter `error`). Clients and our schemas know
 * OpenAI's five, so the rest are folded in as LiteLLM's map does (docs §11.5).
 */
export function normalizeFinishReason(reason: unknown): FinishReason | null {
  if (reason === null || reason === undefined) return null;
  if (typeof reason !== "string") return "stop";
  if (KNOWN.has(reason)) return reason as FinishReason;
  if (reason === "model_length" || reason === "max_tokens") return "length";
  return "stop";
}
