import { windowEndAt, type BudgetDuration } from "./budget-duration.ts";

/** Whose budget a line is; decides the wording of the refusal (LiteLLM's, per scope). */
export type BudgetScope =
  "key" | "team" | "user" | "team_member" | "organization" | "end_user" | "key_model";

/**
 * One budget a request is charged against: a key's, its team's, the team member's, the
 * organization's, the end user's, or the key's budget for one model. Built once per identity
 * (and cached with it), never per request.
 */
export interface BudgetLine {
  /** Unique across scopes, e.g. `t:<team id>`; names the ledger entry. */
  readonly id: string;
  readonly scope: BudgetScope;
  /** The entity's id (key hash, team id, ...) for messages and events. */
  readonly entityId: string;
  /** For `team_member`: the team; for `key_model`: the model. */
  readonly detail?: string;
  /** Requests are refused once spend reaches it; undefined: tracked for the soft budget only. */
  readonly maxBudget: number | undefined;
  /** Crossing it emits a soft-budget event; never refuses. */
  readonly softBudget: number | undefined;
  /** Spend the database held for the window ending at `resetAt` (or in total, without one). */
  readonly seedSpend: number;
  readonly duration: BudgetDuration | undefined;
  readonly resetAt: number | undefined;
}

/** Whether a line needs the ledger at all (a budget to enforce or a soft budget to watch). */
export function isTracked(line: BudgetLine): boolean {
  return line.maxBudget !== undefined || line.softBudget !== undefined;
}

/** The end of the line's current window (ms), or 0 when its budget never resets. */
export function lineWindow(line: BudgetLine, now: number): number {
  if (line.duration === undefined) return 0;
  return windowEndAt(line.duration, line.resetAt, now);
}

/**
 * Spend a ledger starts a line's window from when it has none: the database's figure if it
 * belongs to this window, else 0 (the window rolled since the row was read).
 */
export function lineSeed(line: BudgetLine, window: number): number {
  if (line.duration === undefined) return line.seedSpend;
  return line.resetAt !== undefined && window === line.resetAt ? line.seedSpend : 0;
}
