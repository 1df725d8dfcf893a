import { describe, expect, it } from "vitest";
import { readEnv } from "../env.ts";
import { gatewayLogSettings } from "./gateway-logger.ts";

const settings = (
  vars: Record<string, string>,
  more: { jsonLogs?: boolean; stderrIsTTY?: boolean } = {},
) =>
  gatewayLogSettings({
    env: readEnv(vars, "/tmp"),
    jsonLogs: more.jsonLogs,
    stderrIsTTY: more.stderrIsTTY ?? true,
  });

describe("the gateway's log level and format", () => {
  it("LITELLM_LOG takes LiteLLM's names in any case and wins over LOG_LEVEL", () => {
    expect(settings({ LITELLM_LOG: "DEBUG" }).level).toBe("debug");
    expect(settings({ LITELLM_LOG: "warning", LOG_LEVEL: "debug" }).level).toBe("warn");
    expect(settings({ LITELLM_LOG: "ERROR" }).level).toBe("error");
    expect(settings({ LOG_LEVEL: "warn" }).level).toBe("warn");
    expect(settings({}).level).toBe("info");
    // Exported but empty is unset, as in a shell.
    expect(settings({ LITELLM_LOG: "" }).level).toBe("info");
  });

  it("refuses an unknown LITELLM_LOG at start, naming the variable and the choices", () => {
    expect(() => readEnv({ LITELLM_LOG: "verbose" }, "/tmp")).toThrow(
      /LITELLM_LOG: expected DEBUG, INFO, WARNING or ERROR/,
    );
  });

  it("JSON in production and with json_logs, readable lines in a terminal otherwise", () => {
    expect(settings({}).format).toBe("pretty");
    expect(settings({}, { stderrIsTTY: false }).format).toBe("json");
    expect(settings({ NODE_ENV: "production" }).format).toBe("json");
    expect(settings({}, { jsonLogs: true }).format).toBe("json");
    // json_logs: false asks for LiteLLM's text logs, even in production.
    expect(settings({ NODE_ENV: "production" }, { jsonLogs: false }).format).toBe("pretty");
    // LOG_FORMAT is explicit and wins.
    expect(settings({ LOG_FORMAT: "pretty" }, { jsonLogs: true }).format).toBe("pretty");
    expect(settings({ LOG_FORMAT: "json" }).format).toBe("json");
  });
});
