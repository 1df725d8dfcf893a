/**
 * LiteLLM's messages interpolate Python values (`models=['a', 'b']`, `Max budget: 10.0`), and
 * clients match on them, so these render the same way.
 */
export function pythonList(values: readonly string[]): string {
  return `[${values.map((v) => `'${v}'`).join(", ")}]`;
}

export function pythonFloat(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}
