import { describe, expect, it } from "vitest";
import {
  defaultLogFilters,
  logsQueryString,
  pageCount,
  toIsoInstant,
  validateLogFilters,
} from "./logs-query.ts";

describe("logsQueryString", () => {
  it("sends only the filled filters, trimmed, with LiteLLM's names", () => {
    const qs = logsQueryString({
      ...defaultLogFilters(),
      model: " gpt-4o ",
      team_id: "",
      key_alias: "search",
      status_filter: "failure",
    });
    expect(qs).toBe("page=1&page_size=50&key_alias=search&model=gpt-4o&status_filter=failure");
  });

  it("encodes what a user types so it cannot add parameters of its own", () => {
    const params = new URLSearchParams(
      logsQueryString({ ...defaultLogFilters(), user_id: "a&page_size=100000&x=1" }),
    );
    expect(params.get("user_id")).toBe("a&page_size=100000&x=1");
    expect(params.get("page_size")).toBe("50");
    expect(params.getAll("page_size")).toHaveLength(1);
  });

  it("clamps the page size to the API's 100 and the page to at least 1", () => {
    const params = new URLSearchParams(logsQueryString({ page: -3, page_size: 10_000 }));
    expect(params.get("page")).toBe("1");
    expect(params.get("page_size")).toBe("100");
    expect(
      new URLSearchParams(logsQueryString({ page: Number.NaN, page_size: 0 })).get("page_size"),
    ).toBe("1");
  });

  it("turns dates into ISO instants and drops an unknown status", () => {
    const params = new URLSearchParams(
      logsQueryString({
        ...defaultLogFilters(),
        start_date: "2026-12-01T10:00:00Z",
        end_date: "not a date",
        status_filter: "nope" as "success",
      }),
    );
    expect(params.get("start_date")).toBe("2026-12-01T10:00:00.000Z");
    expect(params.has("end_date")).toBe(false);
    expect(params.has("status_filter")).toBe(false);
  });
});

describe("validateLogFilters", () => {
  it("names the bad fields before anything is sent", () => {
    expect(validateLogFilters(defaultLogFilters())).toEqual({});
    expect(validateLogFilters({ ...defaultLogFilters(), start_date: "yesterday-ish" })).toEqual({
      start_date: "Not a date",
    });
    expect(
      validateLogFilters({
        ...defaultLogFilters(),
        start_date: "2026-12-05",
        end_date: "2026-12-01",
      }),
    ).toEqual({ end_date: "Ends before it starts" });
    expect(validateLogFilters({ ...defaultLogFilters(), model: "m".repeat(513) })).toEqual({
      model: "At most 512 characters",
    });
  });

  it("reads a bare date as the start of that day and counts pages", () => {
    expect(toIsoInstant("2026-12-01")).toBe(new Date("2026-12-01T00:00").toISOString());
    expect(toIsoInstant("  ")).toBeUndefined();
    expect(pageCount(0, 50)).toBe(1);
    expect(pageCount(101, 50)).toBe(3);
  });
});
