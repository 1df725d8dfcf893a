/**
 * Config values come from YAML (and sometimes from env substitution), so a number may arrive as
 * a string. Anything that is not a finite number is `undefined`.
 */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** Seconds (LiteLLM's unit) to milliseconds. */
export function secondsToMs(value: unknown): number | undefined {
  const seconds = toNumber(value);
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}
