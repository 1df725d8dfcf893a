import { describe, expect, it } from "vitest";
import type { BudgetHookAttempt } from "../hooks/hook-types.ts";
import { MAX_ROUTING_ENTRIES, routingMetadata } from "./routing-metadata.ts";

const failure = (deploymentId: string, modelGroup: string, status = 500): BudgetHookAttempt => ({
  deploymentId,
  modelGroup,
  outcome: "failure",
  errorClass: status === 429 ? "RateLimitError" : "InternalServerError",
  status,
});
const success = (deploymentId: string, modelGroup: string): BudgetHookAttempt => ({
  deploymentId,
  modelGroup,
  outcome: "success",
});

describe("routingMetadata: what the router did, for the spend log", () => {
  it("a request served at the first try: 0 retries, no chain, nothing failed", () => {
    expect(
      routingMetadata({
        modelGroup: "gpt-4o",
        attempts: [success("d1", "gpt-4o")],
        fallbacksTaken: [],
      }),
    ).toEqual({ attempted_retries: 0, attempted_fallbacks: 0, original_model_group: "gpt-4o" });
    // A cache hit or a request refused before routing has no attempts at all.
    expect(routingMetadata({ modelGroup: "gpt-4o" })).toEqual({
      attempted_retries: 0,
      attempted_fallbacks: 0,
      original_model_group: "gpt-4o",
    });
  });

  it("takes the router's retry count and keeps the chain in order", () => {
    const meta = routingMetadata({
      modelGroup: "flaky",
      attempts: [
        failure("f1", "flaky"),
        failure("f2", "flaky", 429),
        failure("b1", "backup"),
        failure("b1", "backup"),
        success("g1", "gpt-4o"),
      ],
      fallbacksTaken: ["backup", "gpt-4o"],
      retries: 2,
    });
    expect(meta).toEqual({
      attempted_retries: 2,
      attempted_fallbacks: 2,
      original_model_group: "flaky",
      fallback_chain: ["backup", "gpt-4o"],
      failed_attempts: [
        {
          model_id: "f1",
          model_group: "flaky",
          error_class: "InternalServerError",
          status_code: 500,
        },
        { model_id: "f2", model_group: "flaky", error_class: "RateLimitError", status_code: 429 },
        {
          model_id: "b1",
          model_group: "backup",
          error_class: "InternalServerError",
          status_code: 500,
        },
        {
          model_id: "b1",
          model_group: "backup",
          error_class: "InternalServerError",
          status_code: 500,
        },
      ],
    });
  });

  it("a fallback group that never got a try (all cooled down) is in the chain; retries are the router's", () => {
    const meta = routingMetadata({
      modelGroup: "a",
      attempts: [failure("a1", "a"), success("c1", "c")],
      fallbacksTaken: ["b", "c"],
      retries: 0,
    });
    expect(meta.attempted_retries).toBe(0);
    expect(meta.fallback_chain).toEqual(["b", "c"]);
  });

  it("stays bounded whatever the request did: at most 10 entries, short names, no message", () => {
    const long = "x".repeat(5_000);
    const attempts: (BudgetHookAttempt & { message?: string })[] = Array.from(
      { length: 40 },
      (_, i) => ({
        ...failure(`${long}-${i}`, `g${i % 20}`),
        message: "upstream body with sk-secret-upstream-key",
      }),
    );
    const meta = routingMetadata({
      modelGroup: long,
      attempts,
      fallbacksTaken: Array.from({ length: 19 }, (_, i) => `g${i + 1}`),
      retries: 20,
    });
    expect(meta.failed_attempts).toHaveLength(MAX_ROUTING_ENTRIES);
    expect(meta.failed_attempts_omitted).toBe(30);
    expect(meta.fallback_chain).toHaveLength(MAX_ROUTING_ENTRIES);
    expect(meta.attempted_fallbacks).toBe(19);
    expect(meta.attempted_retries).toBe(20);
    const json = JSON.stringify(meta);
    expect(json.length).toBeLessThan(4_000);
    expect(json).not.toContain("sk-secret");
    expect(json).not.toContain("upstream body");
    expect(meta.original_model_group.length).toBeLessThanOrEqual(203);
  });
});
