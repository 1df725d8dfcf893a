/**
 * Matches `"finish_reason":"<value>"` as a JSON key, not inside a string: there the quotes
 * would be escaped (`\"finish_reason\"`), so text a model writes cannot produce a match.
 */
const FINISH_REASON = /"finish_reason"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

/**
 * The string `finish_reason` values of an upstream chunk, in the order they appear, read
 * before the shared OpenAI transformer folds unknown values into OpenAI's five. Each choice
 * carries at most one, so the n-th value belongs to the n-th choice that has a string reason.
 */
export function rawFinishReasons(json: string): string[] {
  if (!json.includes('"finish_reason"')) return [];
  const reasons: string[] = [];
  for (const match of json.matchAll(FINISH_REASON)) {
    const value = match[1] ?? "";
    reasons.push(value.includes("\\") ? (JSON.parse(`"${value}"`) as string) : value);
  }
  return reasons;
}
