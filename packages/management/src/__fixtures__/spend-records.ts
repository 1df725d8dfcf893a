import type { SpendRecord } from "@org/budgets";

let n = 0;

/** A settled request's spend record, as the budget hooks journal it; `patch` sets what a test needs. */
export function spendRecord(patch: Partial<SpendRecord> = {}): SpendRecord {
  const start = Date.UTC(2025, 2, 12, 10, 0, 0) + n * 1000;
  return {
    requestId: `req-${++n}-${Math.random().toString(36).slice(2, 8)}`,
    callType: "acompletion",
    apiKeyHash: "",
    spend: 0.001,
    promptTokens: 10,
    completionTokens: 5,
    totalTokens: 15,
    startTime: start,
    endTime: start + 250,
    model: "openai/gpt-4o",
    modelGroup: "gpt-4o",
    virtualKey: false,
    cacheHit: false,
    status: "success",
    statusCode: 200,
    ...patch,
  };
}
