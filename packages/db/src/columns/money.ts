import { numeric } from "drizzle-orm/pg-core";

/**
 * Every money column (spend, budgets) is `numeric(20, 10)` read as a JS number.
 *
 * Why numeric and not double precision (which LiteLLM uses): spend is the running sum of
 * millions of tiny per-request costs (fractions of a cent), and budgets are enforced by
 * comparing that sum against a limit. Postgres adds numerics exactly, so `spend = spend + $1`
 * and `sum(spend)` never drift the way float accumulation does. Scale 10 resolves
 * 1e-10 USD (far below any per-token price); precision 20 leaves ten integer digits.
 * `mode: "number"` keeps the TypeScript side ergonomic; only the single value crossing the
 * wire is a double, never the accumulated total.
 */
export const money = (name: string) => numeric(name, { precision: 20, scale: 10, mode: "number" });
