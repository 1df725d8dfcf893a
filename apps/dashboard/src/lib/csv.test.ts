import { describe, expect, it } from "vitest";
import { csvCell, csvFileName, toCsv } from "./csv.ts";

describe("toCsv", () => {
  it("writes a header and one CRLF line per row", () => {
    const csv = toCsv(
      [
        { name: "gpt-4o", spend: 1.5 },
        { name: "claude", spend: 0 },
      ],
      [
        { header: "model", value: (r) => r.name },
        { header: "spend_usd", value: (r) => r.spend },
      ],
    );
    expect(csv).toBe("model,spend_usd\r\ngpt-4o,1.5\r\nclaude,0\r\n");
  });

  it("quotes commas, quotes and line breaks (RFC 4180)", () => {
    expect(csvCell('team "a", b')).toBe('"team ""a"", b"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(true)).toBe("true");
  });

  it("defuses spreadsheet formulas in user-chosen names (aliases, team names)", () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell("+1+1")).toBe("'+1+1");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    // Numbers stay numbers, negative ones included.
    expect(csvCell(-2)).toBe("-2");
  });

  it("names the file after the table and the range, with nothing a path could use", () => {
    expect(csvFileName("api_keys", "2026-11-01", "2026-11-30")).toBe(
      "usage-api_keys-2026-11-01-to-2026-11-30.csv",
    );
    expect(csvFileName("../x", "a/b", "c")).toBe("usage--x-a-b-to-c.csv");
  });
});
