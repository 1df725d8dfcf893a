import { describe, expect, it } from "vitest";
import {
  budgetRow,
  keyRow,
  membershipRow,
  organizationRow,
  teamRow,
  userRow,
} from "../__fixtures__/rows.ts";
import { hashKey } from "./virtual-key.ts";
import { buildKeyIdentity } from "./build-key-identity.ts";

describe("buildKeyIdentity", () => {
  it("builds budget lines and limits for the whole hierarchy of a team key", () => {
    const identity = buildKeyIdentity({
      key: keyRow("sk-a", {
        teamId: "t1",
        userId: "u1",
        maxBudget: 5,
        rpmLimit: 10,
        budgetId: "kb",
      }),
      keyBudget: budgetRow("kb", { softBudget: 4 }),
      team: teamRow("t1", { maxBudget: 50, spend: 7, tpmLimit: 1000, organizationId: "o1" }),
      user: userRow("u1", { maxBudget: 1, rpmLimit: 3 }),
      membership: membershipRow("t1", "u1", { spend: 0.5, budgetId: "mb" }),
      memberBudget: budgetRow("mb", { maxBudget: 2 }),
      organization: organizationRow("o1", { spend: 9, budgetId: "ob" }),
      organizationBudget: budgetRow("ob", { maxBudget: 100, budgetDuration: "30d" }),
    });
    const h = hashKey("sk-a");
    expect(identity.budgetLines.map((l) => [l.id, l.maxBudget, l.softBudget, l.seedSpend])).toEqual(
      [
        [`k:id-sk-a`, 5, 4, 0],
        ["t:t1", 50, undefined, 7],
        ["m:t1:u1", 2, undefined, 0.5],
        ["o:o1", 100, undefined, 9],
      ],
    );
    // The user's own budget applies to personal keys only (LiteLLM); their limits always do.
    expect(identity.rateLimits.map((d) => [d.key, d.rpm, d.tpm])).toEqual([
      ["api_key", 10, undefined],
      ["team", undefined, 1000],
      ["user", 3, undefined],
    ]);
    expect(identity.organizationId).toBe("o1");
    expect(identity.budgetLines[3]!.duration?.text).toBe("30d");
  });

  it("charges a personal key to its user", () => {
    const identity = buildKeyIdentity({
      key: keyRow("sk-a", { userId: "u1" }),
      user: userRow("u1", { maxBudget: 1, spend: 0.25 }),
    });
    expect(identity.budgetLines.map((l) => [l.scope, l.maxBudget, l.seedSpend])).toEqual([
      ["user", 1, 0.25],
    ]);
  });

  it("reads per-model budgets and limits in LiteLLM's shapes", () => {
    const identity = buildKeyIdentity({
      key: keyRow("sk-a", {
        modelMaxBudget: { "gpt-4o": { budget_limit: "0.5", time_period: "1d" }, "gpt-4": 2 },
        modelSpend: { "gpt-4": 0.75 },
        metadata: { model_rpm_limit: { "gpt-4o": 5 }, model_tpm_limit: { "gpt-4": 100 } },
      }),
    });
    expect(identity.modelBudgets.get("gpt-4o")).toMatchObject({ maxBudget: 0.5, seedSpend: 0 });
    expect(identity.modelBudgets.get("gpt-4o")?.duration?.text).toBe("1d");
    expect(identity.modelBudgets.get("gpt-4")).toMatchObject({ maxBudget: 2, seedSpend: 0.75 });
    expect(identity.modelRateLimits.get("gpt-4o")).toMatchObject({ rpm: 5, key: "model_per_key" });
    expect(identity.modelRateLimits.get("gpt-4")).toMatchObject({ tpm: 100 });
  });

  it("has no lines or limits for a key without any", () => {
    const identity = buildKeyIdentity({ key: keyRow("sk-a") });
    expect(identity.budgetLines).toEqual([]);
    expect(identity.rateLimits).toEqual([]);
  });
});
