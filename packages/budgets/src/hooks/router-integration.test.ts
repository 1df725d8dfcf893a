import type { CallChatOptions, ChatCallResult } from "@org/core";
import { ProviderRegistry } from "@org/core";
import { Router, type RouterHooks } from "@org/router";
import { describe, expect, it } from "vitest";
import { keyRow } from "../__fixtures__/rows.ts";
import { createMemoryBudgetLedger } from "../budgets/memory-budget-ledger.ts";
import { buildKeyIdentity } from "../keys/build-key-identity.ts";
import { createMemoryRateLimiter } from "../limits/memory-rate-limiter.ts";
import { createMemorySpendJournal } from "../spend/memory-spend-journal.ts";
import { createBudgetHooks } from "./create-budget-hooks.ts";
import type { BudgetRequestMetadata } from "./hook-types.ts";

/** An upstream that answers every call with 100 prompt and 50 completion tokens. */
async function callChat(o: CallChatOptions): Promise<ChatCallResult> {
  await Promise.resolve();
  return {
    kind: "response",
    completion: {
      id: "c1",
      object: "chat.completion",
      created: 1,
      model: o.deployment.model,
      choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
    },
    upstreamHeaders: {},
  };
}

describe("createBudgetHooks plugged into @org/router", () => {
  it("is the router's RouterHooks, and enforces and records through a real Router", async () => {
    const journal = createMemorySpendJournal();
    const budgetHooks = createBudgetHooks({
      ledger: createMemoryBudgetLedger(),
      limiter: createMemoryRateLimiter(),
      journal,
    });
    // The type check this file exists for: no adapter between the two packages, and the
    // router's metadata typed as the hooks read it (no cast of the identity on either side).
    const hooks: RouterHooks<BudgetRequestMetadata> = budgetHooks;
    const router = new Router<BudgetRequestMetadata>({
      modelList: [
        {
          model_name: "gpt-4o",
          litellm_params: {
            model: "openai/gpt-4o",
            api_key: "sk-upstream",
            input_cost_per_token: 0.001,
            output_cost_per_token: 0.002,
          },
        },
      ],
      settings: { num_retries: 0 },
      registry: new ProviderRegistry(),
      transport: { send: async () => Promise.reject(new Error("unused")), close: async () => {} },
      callChat,
      hooks,
    });
    // Each call costs 100 * 0.001 + 50 * 0.002 = 0.2; the estimate holds 100 output tokens more.
    const identity = buildKeyIdentity({ key: keyRow("sk-router-1", { maxBudget: 0.3 }) });
    const request = () =>
      router.chatCompletion(
        {
          model: "gpt-4o",
          max_tokens: 100,
          messages: [{ role: "user", content: "x".repeat(380) }],
        },
        { metadata: { identity } },
      );

    await expect(request()).resolves.toMatchObject({ kind: "response" });
    await expect(request()).resolves.toMatchObject({ kind: "response" }); // 0.2 < 0.3
    await expect(request()).rejects.toMatchObject({ status: 400, type: "budget_exceeded" });

    const records = (await journal.read(10)).map((e) => e.record);
    expect(records.map((r) => [r.status, r.spend])).toEqual([
      ["success", 0.2],
      ["success", 0.2],
      ["failure", 0],
    ]);
    expect(records[0]).toMatchObject({ apiKeyHash: identity.keyHash, totalTokens: 150 });
    await router.close();
  });
});
