/**
 * Exact sums of spend, as PostgreSQL computes them over `numeric(20, 10)`, done in JS so that a
 * batch's running totals can be pre-added per key / team / user and model before they reach the
 * database (issue 22: the rollup statements parsed and summed every row of a 2,500-row batch
 * once per table; pre-added, they read one item per owner and model).
 *
 * The rule is the database's: each cost is its JS text (`String(cost)`, what the writer sends)
 * rounded to 10 decimal places, half away from zero (PostgreSQL's numeric rounding), and those
 * rounded values are added exactly. Units here are 1e-10 as a bigint, so nothing is lost.
 */
const SCALE = 10;
const NUMBER_TEXT = /^(-)?(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/** A finite JS number's text rounded to 10 decimals, in units of 1e-10. */
export function toSpendUnits(cost: number): bigint {
  const match = NUMBER_TEXT.exec(String(cost));
  if (match === null) throw new RangeError(`not a finite cost: ${String(cost)}`);
  const [, minus, whole, fraction = "", exponent = "0"] = match;
  // digits * 10^(shift - fraction length) is the value; we want it * 10^SCALE, rounded.
  const digits = BigInt(`${whole}${fraction}`);
  const shift = Number(exponent) - fraction.length + SCALE;
  let units: bigint;
  if (shift >= 0) {
    units = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    units = digits / divisor;
    // Half away from zero: the magnitude rounds up when the dropped part is at least half.
    if ((digits % divisor) * 2n >= divisor) units += 1n;
  }
  return minus && units !== 0n ? -units : units;
}

/** Units of 1e-10 as decimal text PostgreSQL reads exactly ("-0.0000001250"). */
export function spendUnitsText(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(SCALE + 1, "0");
  const text = `${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`;
  return negative ? `-${text}` : text;
}
