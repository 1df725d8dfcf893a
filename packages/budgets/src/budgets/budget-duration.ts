/**
 * LiteLLM's `budget_duration` strings ("30s", "30m", "1h", "1d", "7d", "1w", "1mo") and when a
 * budget with one resets.
 *
 * Reset times are LiteLLM's "standardized" ones, in UTC: seconds, minutes and hours land on
 * boundaries of the day (a "30m" budget resets at :00 and :30), "1d" at the next midnight, "7d" on
 * the next Monday, "30d" on the 1st of the next month, any other "Nd" N days after today's
 * midnight. LiteLLM has no working "w" or "mo" here (both fall back to the next midnight), so ours
 * are the natural ones: "Nw" the Monday N-1 weeks after the next one, "Nmo" the 1st of the month
 * N months ahead.
 */
export type DurationUnit = "s" | "m" | "h" | "d" | "w" | "mo";

export interface BudgetDuration {
  readonly text: string;
  readonly value: number;
  readonly unit: DurationUnit;
}

const DURATION = /^\s*(\d+)\s*(mo|hr|s|m|h|d|w)\s*$/;
const DAY_MS = 86_400_000;

/** Parses a duration, or returns an error message naming the accepted forms. */
export function parseBudgetDuration(text: string): BudgetDuration | string {
  const match = DURATION.exec(text);
  const value = match ? Number(match[1]) : NaN;
  if (!match || !Number.isSafeInteger(value) || value <= 0) {
    return `Invalid budget_duration ${JSON.stringify(text)}: use a positive number followed by s, m, h, d, w or mo (e.g. "30s", "30m", "1h", "1d", "7d", "1mo")`;
  }
  const unit = match[2] === "hr" ? "h" : (match[2] as DurationUnit);
  return { text, value, unit };
}

/** Like `parseBudgetDuration`, throwing on a bad value. */
export function budgetDuration(text: string): BudgetDuration {
  const parsed = parseBudgetDuration(text);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

/** The first reset strictly after `now` (what a new budget's `budget_reset_at` is set to). */
export function nextResetAt(duration: BudgetDuration, now: number): number {
  const { value, unit } = duration;
  const date = new Date(now);
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  switch (unit) {
    case "s":
      return alignedWithinDay(now, midnight, value * 1000);
    case "m":
      return alignedWithinDay(now, midnight, value * 60_000);
    case "h":
      return alignedWithinDay(now, midnight, value * 3_600_000);
    case "d":
      if (value === 1) return midnight + DAY_MS;
      if (value === 7) return nextMonday(date, midnight);
      if (value === 30) return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
      return midnight + value * DAY_MS;
    case "w":
      return nextMonday(date, midnight) + (value - 1) * 7 * DAY_MS;
    case "mo":
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + value, 1);
  }
}

/**
 * The end of the budget window `now` falls in, given the stored reset time. While `now` is before
 * `resetAt` that is `resetAt`; after it (the reset job has not run yet, or the gateway was down)
 * the windows roll forward from `resetAt`, so every instance computes the same end without
 * talking to the others, and the reset job stores the same value.
 */
export function windowEndAt(
  duration: BudgetDuration,
  resetAt: number | undefined,
  now: number,
): number {
  if (resetAt === undefined) return nextResetAt(duration, now);
  let end = resetAt;
  // Each step lands on the next boundary after the previous end; after a long outage of a
  // short window, jump close to `now` instead of stepping through every missed window.
  if (now - end > 1000 * approximateStepMs(duration)) end = now - approximateStepMs(duration);
  while (end <= now) end = nextResetAt(duration, end);
  return end;
}

function alignedWithinDay(now: number, midnight: number, stepMs: number): number {
  // Boundaries are counted from midnight and restart there, as LiteLLM's are.
  const next = midnight + (Math.floor((now - midnight) / stepMs) + 1) * stepMs;
  return Math.min(next, midnight + DAY_MS);
}

function nextMonday(date: Date, midnight: number): number {
  const day = date.getUTCDay(); // 0 = Sunday, 1 = Monday
  const days = (8 - day) % 7 || 7;
  return midnight + days * DAY_MS;
}

function approximateStepMs({ value, unit }: BudgetDuration): number {
  const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS, mo: 28 * DAY_MS };
  return value * unitMs[unit];
}

/**
 * The start of the window `now` falls in, given the stored reset time `resetAt` (at or before
 * `now`): the last boundary at or before `now`, rolled forward from `resetAt` as `windowEndAt`
 * rolls. Used to tell which logged spend belongs to the new window.
 */
export function windowStartAt(duration: BudgetDuration, resetAt: number, now: number): number {
  let start = resetAt;
  if (now - start > 1000 * approximateStepMs(duration)) start = now - approximateStepMs(duration);
  for (let next = nextResetAt(duration, start); next <= now; next = nextResetAt(duration, next)) {
    start = next;
  }
  return start;
}
