/**
 * CSV export of the Usage tables (RFC 4180: comma separated, CRLF, fields with a comma, quote or
 * line break quoted, quotes doubled). A text cell starting with = + - @ (or a tab / carriage
 * return) is prefixed with ' so a spreadsheet does not run it as a formula: key aliases, team
 * names and model names are chosen by users.
 */

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => string | number | boolean | null | undefined;
}

export function toCsv<Row>(rows: readonly Row[], columns: readonly CsvColumn<Row>[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A file name for an export: "usage-models-2026-11-01-to-2026-11-30.csv". */
export function csvFileName(table: string, start: string, end: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, "-");
  return `usage-${safe(table)}-${safe(start)}-to-${safe(end)}.csv`;
}
