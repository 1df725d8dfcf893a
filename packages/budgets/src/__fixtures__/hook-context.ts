import type { BudgetHookContext } from "../hooks/hook-types.ts";
import type { AuthIdentity } from "../keys/identity.ts";

let n = 0;

/** A request context as the router builds it, for driving the hooks directly. */
export function hookContext(
  identity: AuthIdentity | undefined,
  patch: {
    model?: string;
    user?: string;
    maxCost?: number;
    promptTokens?: number;
    start?: number;
    kind?: "chat" | "embedding";
  } = {},
): BudgetHookContext {
  const model = patch.model ?? "gpt-4o";
  return {
    callId: `call-${++n}`,
    kind: patch.kind ?? "chat",
    requestedModel: model,
    modelGroup: model,
    request: { model, ...(patch.user === undefined ? {} : { user: patch.user }) },
    stream: false,
    metadata: identity ? { identity } : {},
    timings: { start: patch.start ?? Date.UTC(2025, 2, 12, 10, 0, 0) },
    deployment: { id: "dep-1", modelGroup: model, model: `openai/${model}`, provider: "openai" },
    estimate: { promptTokens: patch.promptTokens ?? 10, maxOutputTokens: 100, maxCost: patch.maxCost },
    cacheHit: false,
  };
}
