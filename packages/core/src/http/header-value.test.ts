import { describe, expect, it } from "vitest";
import { headerValue, headerValues } from "./header-value.ts";

describe("headerValue", () => {
  it("leaves visible ASCII and spaces alone, so safe values (and encoded ones) are unchanged", () => {
    expect(headerValue("gpt-4o mini/v1?x=1")).toBe("gpt-4o mini/v1?x=1");
    expect(headerValue(headerValue("café\r\n"))).toBe(headerValue("café\r\n"));
  });

  it("percent-encodes controls, Latin-1 and everything beyond as UTF-8", () => {
    expect(headerValue("a\r\nx-evil: 1")).toBe("a%0D%0Ax-evil: 1");
    expect(headerValue("nul\u0000tab\tdel\u007f")).toBe("nul%00tab%09del%7F");
    expect(headerValue("café")).toBe("caf%C3%A9");
    expect(headerValue("模型😀")).toBe("%E6%A8%A1%E5%9E%8B%F0%9F%98%80");
    expect(decodeURIComponent(headerValue("模型😀"))).toBe("模型😀");
  });

  it("stands U+FFFD for a lone surrogate instead of throwing", () => {
    expect(headerValue("a\ud800b")).toBe("a%EF%BF%BDb");
  });

  it("produces values Node accepts in a header", () => {
    const values = headerValues({ a: "x\r\ny", b: "模型", c: "ok" });
    for (const value of Object.values(values)) {
      expect(() => new Headers({ v: value })).not.toThrow();
      expect(value).toMatch(/^[\x20-\x7e]*$/);
    }
  });
});
