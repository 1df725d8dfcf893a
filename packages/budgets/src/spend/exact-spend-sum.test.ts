import { createDb, type Database } from "@org/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spendUnitsText, toSpendUnits } from "./exact-spend-sum.ts";

// The JS pre-addition must agree with the database to the last digit: each cost's text cast to
// numeric(20, 10), then summed. Checked against the database itself (PGlite, in memory).

/** Costs where rounding or the text form is tricky: halves, exponents, float noise, signs. */
const TRICKY = [
  0, 0.1, 0.2, 0.30000000000000004, 1e-7, 1.25e-7, 5e-11, 4.9999e-11, 1.5e-10, 2.5e-10, 5.5e-11,
  -5e-11, -1.5e-10, -0.000_123, 1e-300, 5e-324, 123456789.12345678, 0.000_012_345_678_95,
  9_999_999_999.999, 1e9, 0.000_000_000_05, 3.000_000_000_05, 7.77e-5,
];

describe("exact spend sums (the database's numeric(20, 10) rule, in JS)", () => {
  let database: Database;
  beforeAll(async () => {
    database = await createDb();
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  const dbSum = async (costs: readonly number[]) => {
    const [row] = await database.raw.query<{ sum: string }>(
      `select coalesce(sum(v::numeric(20, 10)), 0)::numeric(30, 10)::text as sum
         from jsonb_array_elements_text($1::text::jsonb) as v`,
      [JSON.stringify(costs.map(String))],
    );
    return row!.sum;
  };
  const jsSum = (costs: readonly number[]) =>
    spendUnitsText(costs.reduce((sum, cost) => sum + toSpendUnits(cost), 0n));

  it("rounds each tricky cost as the database does", async () => {
    for (const cost of TRICKY) {
      expect(jsSum([cost]), String(cost)).toBe(await dbSum([cost]));
    }
  });

  it("adds thousands of random costs to exactly the database's sum", async () => {
    let seed = 7;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const costs = Array.from({ length: 5_000 }, (_, i) => {
      const magnitude = 10 ** -(1 + Math.floor(random() * 12)); // 1e-1 .. 1e-12
      const cost = random() * magnitude * (i % 17 === 0 ? -1 : 1);
      return i % 5 === 0 ? cost * 3 : cost; // float noise from a multiplication
    });
    expect(jsSum(costs)).toBe(await dbSum(costs));
  });

  it("refuses what is not a finite number, rather than guessing", () => {
    expect(() => toSpendUnits(Number.NaN)).toThrow(RangeError);
    expect(() => toSpendUnits(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("writes zero and negatives as the database reads them", () => {
    expect(spendUnitsText(0n)).toBe("0.0000000000");
    expect(spendUnitsText(-1n)).toBe("-0.0000000001");
    expect(spendUnitsText(12_345_000_000_000n)).toBe("1234.5000000000");
  });
});
