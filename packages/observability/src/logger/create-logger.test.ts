import { describe, expect, it } from "vitest";
import { createLogger } from "./create-logger.ts";
import { parseLogLevel } from "./log-level.ts";

function capture(options: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = [];
  const log = createLogger({ ...options, write: (l) => lines.push(l) });
  return { log, lines, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("createLogger", () => {
  it("writes JSON lines at or above the level and redacts secrets", () => {
    const { log, lines } = capture({ level: "info" });
    log.debug("hidden");
    log.info("key sk-abcdef1234567890 used", { api_key: "sk-zzz", nested: { authorization: "x" } });
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]!);
    expect(parsed.level).toBe("info");
    expect(parsed.msg).toBe("key [REDACTED] used");
    expect(parsed.api_key).toBe("[REDACTED]");
    expect(parsed.nested.authorization).toBe("[REDACTED]");
    expect(typeof parsed.time).toBe("string");
    expect(lines[0]).not.toContain("sk-");
  });

  it("redacts secrets hidden deep, in errors, arrays, odd field names and child bindings", () => {
    const { log, lines } = capture({ level: "debug" });
    const secret = "sk-live-9f8e7d6c5b4a";
    let deep: Record<string, unknown> = { note: secret };
    for (let i = 0; i < 12; i++) deep = { level: deep };
    log
      .child({ component: "router", upstreamApiKey: "plain-value-no-prefix", hint: secret })
      .error("upstream said: Incorrect API key provided", {
        error: new Error(`401 Incorrect API key provided: ${secret}`),
        list: [{ header: `Bearer ${"a".repeat(20)}` }],
        deep,
        LITELLM_MASTER_KEY: "no-prefix-master",
        x_salt: "salty-value",
      });
    expect(lines).toHaveLength(1);
    for (const leaked of [
      secret,
      "plain-value-no-prefix",
      "no-prefix-master",
      "salty-value",
      "a".repeat(20),
    ]) {
      expect(lines[0]).not.toContain(leaked);
    }
    expect(JSON.parse(lines[0]!).component).toBe("router");
  });

  it("child loggers carry bindings", () => {
    const { log, json } = capture();
    log.child({ component: "router" }).warn("w");
    expect(json()[0]!.component).toBe("router");
  });

  it("a request id that looks like a key is redacted like any value", () => {
    const { log, lines } = capture();
    log.child({ request_id: "sk-client-sent-this-as-call-id" }).info("x", {
      request_id: "sk-client-sent-this-too",
    });
    expect(lines[0]).not.toContain("sk-client-sent");
  });

  it("pretty lines for a terminal: level, message, fields, redacted", () => {
    const { log, lines } = capture({ format: "pretty", level: "debug" });
    log.warn("slow upstream sk-abcdef123456", { request_id: "call-9", ms: 5, api_key: "k" });
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN  slow upstream \[REDACTED\] /);
    expect(lines[0]).toContain("ms=5");
    expect(lines[0]).toContain("api_key=[REDACTED]");
    expect(lines[0]).toContain("request_id=call-9");
    expect(lines[0]).not.toContain("{");
  });

  it("says which levels are on, so costly fields are built only when written", () => {
    const { log } = capture({ level: "warn" });
    expect(log.isLevelEnabled?.("info")).toBe(false);
    expect(log.isLevelEnabled?.("error")).toBe(true);
  });
});

describe("parseLogLevel (LITELLM_LOG)", () => {
  it("takes LiteLLM's names in any case", () => {
    expect(parseLogLevel("DEBUG")).toBe("debug");
    expect(parseLogLevel("info")).toBe("info");
    expect(parseLogLevel("WARNING")).toBe("warn");
    expect(parseLogLevel("warn")).toBe("warn");
    expect(parseLogLevel("Error")).toBe("error");
    expect(parseLogLevel("CRITICAL")).toBe("error");
    expect(parseLogLevel("verbose")).toBeUndefined();
    expect(parseLogLevel("")).toBeUndefined();
  });
});
