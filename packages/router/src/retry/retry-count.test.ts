import { describe, expect, it } from "vitest";
import { deploymentsOf } from "../__fixtures__/deployments.ts";
import { entry } from "../__fixtures__/fakes.ts";
import { resolveSettings } from "../config/resolve-settings.ts";
import { retriesFor } from "./retry-count.ts";

describe("retriesFor", () => {
  const [plain, own] = deploymentsOf([
    entry("g", "openai/a"),
    entry("g", "openai/b", { num_retries: 5 }),
  ]);

  it("defaults to num_retries (LiteLLM's default 2)", () => {
    expect(retriesFor("InternalServerError", "g", plain, undefined, resolveSettings({}))).toBe(2);
    expect(
      retriesFor("InternalServerError", "g", plain, undefined, resolveSettings({ num_retries: 4 })),
    ).toBe(4);
  });

  it("takes the request's, then the deployment's num_retries", () => {
    expect(retriesFor("InternalServerError", "g", plain, 1, resolveSettings({}))).toBe(1);
    expect(retriesFor("InternalServerError", "g", own, 1, resolveSettings({}))).toBe(5);
  });

  it("lets the retry policy for the error class win, the group's over the global one", () => {
    const settings = resolveSettings({
      retry_policy: { RateLimitErrorRetries: 7, BadRequestErrorRetries: 1 },
      model_group_retry_policy: { special: { RateLimitErrorRetries: 0 } },
    });
    expect(retriesFor("RateLimitError", "g", own, undefined, settings)).toBe(7);
    expect(retriesFor("RateLimitError", "special", own, undefined, settings)).toBe(0);
    // A context-window error is a BadRequestError in LiteLLM's hierarchy.
    expect(retriesFor("ContextWindowExceededError", "g", plain, undefined, settings)).toBe(1);
    expect(retriesFor("TimeoutError", "g", plain, undefined, settings)).toBe(2);
  });
});
