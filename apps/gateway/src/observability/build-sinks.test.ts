import { createLogger } from "@org/observability";
import { describe, expect, it } from "vitest";
import { buildSinks } from "./build-sinks.ts";
import { callbackSelection } from "./callback-selection.ts";

describe("callbackSelection", () => {
  it("reads LiteLLM's three lists: callbacks both outcomes, the others one each", () => {
    const settings = {
      callbacks: ["otel"],
      success_callback: ["langfuse"],
      failure_callback: ["generic_api", "langfuse"],
    };
    expect(callbackSelection(settings, "otel")).toEqual({ success: true, failure: true });
    expect(callbackSelection(settings, "langfuse")).toEqual({ success: true, failure: true });
    expect(callbackSelection(settings, "generic_api")).toEqual({ success: false, failure: true });
    expect(callbackSelection(settings, "datadog")).toBeUndefined();
    expect(callbackSelection(undefined, "otel")).toBeUndefined();
  });
});

describe("buildSinks", () => {
  it("leaves a callback without its credentials off, saying which variable is missing", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", format: "json", write: (l) => lines.push(l) });
    const built = buildSinks({
      settings: { callbacks: ["langfuse", "generic_api"] },
      env: { LANGFUSE_PUBLIC_KEY: "pk-only" },
      logger,
    });
    expect(built.queues).toHaveLength(0);
    expect(built.tracer).toBeUndefined();
    const text = lines.join("\n");
    expect(text).toMatch(/LANGFUSE_SECRET_KEY/);
    expect(text).toMatch(/GENERIC_LOGGER_ENDPOINT/);
  });

  it("refuses a generic_api endpoint that is not a URL (startup stops with the reason)", () => {
    expect(() =>
      buildSinks({
        settings: { callbacks: ["generic_api"] },
        env: { GENERIC_LOGGER_ENDPOINT: "not a url" },
        logger: createLogger({ level: "error", format: "json", write: () => {} }),
      }),
    ).toThrow(/URL/i);
  });
});
