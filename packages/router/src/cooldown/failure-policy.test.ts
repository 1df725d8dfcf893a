import {
  AuthenticationError,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  TimeoutError,
  UpstreamError,
} from "@org/core";
import { describe, expect, it } from "vitest";
import { deploymentsOf } from "../__fixtures__/deployments.ts";
import { entry } from "../__fixtures__/fakes.ts";
import { resolveSettings } from "../config/resolve-settings.ts";
import type { RouterSettings } from "../config/router-settings.ts";
import { classifyError } from "../retry/error-class.ts";
import { failureAccounting } from "./failure-policy.ts";

const [plain, custom] = deploymentsOf([
  entry("g", "openai/a"),
  entry("g", "openai/b", { cooldown_time: 30 }),
]);

function account(
  error: Parameters<typeof classifyError>[0],
  settings: RouterSettings = {},
  d = plain!,
  groupSize = 2,
) {
  return failureAccounting(error, classifyError(error), d, resolveSettings(settings), groupSize);
}

describe("failureAccounting", () => {
  it("cools down at once on 429, 401, 404 and timeouts", () => {
    for (const error of [
      new RateLimitError("x"),
      new AuthenticationError("x"),
      new NotFoundError("x"),
      new TimeoutError("x"),
    ]) {
      expect(account(error).mode).toBe("immediate");
    }
  });

  it("counts server errors against allowed_fails", () => {
    expect(account(new UpstreamError("x"), { allowed_fails: 1 })).toEqual({
      mode: "count",
      allowedFails: 1,
      cooldownMs: 5000,
    });
  });

  it("does not count other client errors", () => {
    expect(account(new InvalidRequestError("x")).mode).toBe("none");
  });

  it("follows allowed_fails_policy for the error class", () => {
    expect(
      account(new RateLimitError("x"), {
        allowed_fails_policy: { RateLimitErrorAllowedFails: 100 },
      }),
    ).toMatchObject({
      mode: "count",
      allowedFails: 100,
    });
  });

  it("takes the cooldown from the deployment, then a 429's retry-after, then cooldown_time", () => {
    expect(account(new RateLimitError("x", { retryAfterMs: 9000 }), {}, custom!).cooldownMs).toBe(
      30_000,
    );
    expect(account(new RateLimitError("x", { retryAfterMs: 9000 })).cooldownMs).toBe(9000);
    expect(account(new UpstreamError("x"), { cooldown_time: 12 }).cooldownMs).toBe(12_000);
  });

  it("spares a group's only deployment on retryable errors, as LiteLLM's default rules do", () => {
    for (const error of [new RateLimitError("x"), new TimeoutError("x"), new UpstreamError("x")]) {
      expect(account(error, {}, plain!, 1).mode).toBe("none");
      // allowed_fails at LiteLLM's default (3) is the same as unset.
      expect(account(error, { allowed_fails: 3 }, plain!, 1).mode).toBe("none");
    }
    // A wrong key or model cannot get better by retrying: it still cools down.
    expect(account(new AuthenticationError("x"), {}, plain!, 1).mode).toBe("immediate");
    expect(account(new NotFoundError("x"), {}, plain!, 1).mode).toBe("immediate");
  });

  it("counts a single deployment's failures once allowed_fails or a policy is configured", () => {
    expect(account(new UpstreamError("x"), { allowed_fails: 1 }, plain!, 1)).toEqual({
      mode: "count",
      allowedFails: 1,
      cooldownMs: 5000,
    });
    expect(account(new RateLimitError("x"), { allowed_fails: 1 }, plain!, 1).mode).toBe(
      "immediate",
    );
    expect(
      account(
        new RateLimitError("x"),
        { allowed_fails_policy: { RateLimitErrorAllowedFails: 2 } },
        plain!,
        1,
      ),
    ).toMatchObject({ mode: "count", allowedFails: 2 });
  });

  it("counts nothing with disable_cooldowns", () => {
    expect(account(new RateLimitError("x"), { disable_cooldowns: true }).mode).toBe("none");
  });
});
