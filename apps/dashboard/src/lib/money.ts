/**
 * Money and number formatting for the dashboard. Spend is stored in dollars with up to 10
 * decimals (numeric(20,10)); a request often costs a fraction of a cent, so small amounts keep
 * enough significant digits to not read as $0.00.
 */

const usd = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** "$1,234.56"; under a cent: 2 significant digits ("$0.0012"); not a finite number: "—". */
export function formatMoney(value: number | string | null | undefined): string {
  const n = toNumber(value);
  if (n === null) return "—";
  if (n === 0) return "$0.00";
  const abs = Math.abs(n);
  if (abs < 0.01) {
    const digits = Math.min(10, Math.max(3, 1 - Math.floor(Math.log10(abs))));
    return `${n < 0 ? "-" : ""}$${abs.toFixed(digits).replace(/0+$/, "")}`;
  }
  return usd.format(n);
}

/** "$1.20 / $10.00" (spend against budget), or "$1.20 / no limit". */
export function formatBudget(
  spend: number | null | undefined,
  budget: number | null | undefined,
): string {
  const max = toNumber(budget);
  return `${formatMoney(spend ?? 0)} / ${max === null ? "no limit" : formatMoney(max)}`;
}

/** Share of the budget used, 0-100 (capped), or null without a budget. */
export function budgetUsedPercent(
  spend: number | null | undefined,
  budget: number | null | undefined,
): number | null {
  const max = toNumber(budget);
  if (max === null || max <= 0) return null;
  return Math.min(100, Math.max(0, ((toNumber(spend) ?? 0) / max) * 100));
}

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** "12,345"; "—" when missing. */
export function formatCount(value: number | null | undefined): string {
  const n = toNumber(value);
  return n === null ? "—" : integer.format(n);
}

/** "3.4%" from a ratio in 0..1; "—" when the ratio is undefined (no requests). */
export function formatPercent(ratio: number | null | undefined): string {
  const n = toNumber(ratio);
  if (n === null) return "—";
  return `${(n * 100).toFixed(n > 0 && n < 0.001 ? 2 : 1)}%`;
}

/** "850 ms", "2.4 s"; "—" when missing. */
export function formatDuration(ms: number | null | undefined): string {
  const n = toNumber(ms);
  if (n === null) return "—";
  if (n < 1000) return `${Math.round(n)} ms`;
  return `${(n / 1000).toFixed(n < 10_000 ? 2 : 1)} s`;
}

/** A number from a JSON number or numeric string (PostgreSQL numerics can arrive as strings). */
export function toNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}
