/**
 * One served (or failed) request as the spend ledger records it: the row of `spend_logs` plus
 * what the running totals need. Plain JSON (times in epoch ms) so it can sit in a Redis stream.
 */
export interface SpendRecord {
  readonly requestId: string;
  /** LiteLLM's call type: "acompletion", "aembedding", ... */
  readonly callType: string;
  /** Hash of the presented key (the master key's for admin calls); "" when unauthenticated. */
  readonly apiKeyHash: string;
  readonly spend: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  readonly startTime: number;
  readonly endTime: number;
  readonly completionStartTime?: number;
  /** The model the provider was called with. */
  readonly model: string;
  /** The model group the client asked for; what per-model spend is keyed by. */
  readonly modelGroup?: string;
  readonly modelId?: string;
  readonly provider?: string;
  readonly apiBase?: string;
  /** Whether `apiKeyHash` is a virtual key (its row gets the spend). */
  readonly virtualKey: boolean;
  readonly userId?: string;
  readonly endUserId?: string;
  readonly teamId?: string;
  readonly organizationId?: string;
  readonly requestTags?: readonly string[];
  readonly metadata?: Record<string, unknown>;
  readonly cacheHit: boolean;
  readonly status: "success" | "failure";
  readonly statusCode?: number;
  readonly errorType?: string;
  readonly errorMessage?: string;
}
