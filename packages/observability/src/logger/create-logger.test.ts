import { describe, expect, it } from "vitest";
import { createLogger } from "./create-logger.ts";

describe("createLogger", () => {
  it("writes JSON lines at or above the level and redacts secrets", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "info", write: (l) => lines.push(l) });
    log.debug("hidden");
    log.info("key sk-abcdef1234567890 used", { api_key: "sk-zzz", nested: { authorization: "x" } });
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]!);
    expect(parsed.level).toBe("info");
    expect(parsed.msg).toBe("key [REDACTED] used");
    expect(parsed.api_key).toBe("[REDACTED]");
    expect(parsed.nested.authorization).toBe("[REDACTED]");
    expect(lines[0]).not.toContain("sk-");
  });

  it("child loggers carry bindings", () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) }).child({ component: "router" });
    log.warn("w");
    expect(JSON.parse(lines[0]!).component).toBe("router");
  });
});
