import { nowSeconds } from "../common/openai-ids.ts";

/**
 * `created` of an Ollama answer: Ollama's `created_at` in seconds (it has nanosecond digits,
 * which Date.parse may not take, so the fraction is cut), or now.
 */
export function createdSeconds(createdAt: string | undefined, now: number = Date.now()): number {
  if (createdAt !== undefined) {
    const parsed = Date.parse(createdAt.replace(/(\.\d{3})\d+/, "$1"));
    if (!Number.isNaN(parsed)) return Math.floor(parsed / 1000);
  }
  return nowSeconds(now);
}
