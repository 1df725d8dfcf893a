/** The plain data each Alerter method takes (the gateway maps its own records onto these). */

/**
 * Whose budget: LiteLLM's webhook `event_group` names, and @org/budgets' `BudgetScope` names
 * (`team_member`, `organization`, `end_user`, `key_model`) so its events pass straight in.
 */
export type BudgetScope =
  | "key"
  | "team"
  | "user"
  | "customer"
  | "org"
  | "team_member"
  | "organization"
  | "end_user"
  | "key_model";

export interface BudgetInput {
  readonly scope: BudgetScope;
  /** The key's hash (never the key; also for `key_model`), the team id, the user id ... */
  readonly id: string;
  /** The team of a `team_member`, the model of a `key_model` budget. */
  readonly detail?: string;
  readonly alias?: string;
  readonly spend: number;
  readonly softBudget?: number;
  readonly maxBudget?: number;
  readonly teamId?: string;
  readonly userId?: string;
}

export interface ExpiryInput {
  readonly scope: "key" | "team";
  readonly id: string;
  readonly alias?: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export interface CooldownInput {
  readonly deploymentId: string;
  readonly modelGroup: string;
  readonly provider?: string;
  readonly apiBase?: string;
  readonly cooldownSeconds?: number;
  readonly errorClass?: string;
  readonly errorStatus?: number;
}

export interface SlowResponseInput {
  readonly modelGroup: string;
  readonly deploymentId?: string;
  readonly provider?: string;
  readonly apiBase?: string;
  readonly durationMs: number;
  readonly callId?: string;
}

export interface SinkFailingInput {
  readonly sink: string;
  /** Events given up after retries, and dropped because the queue was full, since the last check. */
  readonly failed: number;
  readonly dropped: number;
}
