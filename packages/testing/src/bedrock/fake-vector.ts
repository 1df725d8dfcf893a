/**
 * A deterministic unit vector for a text (same text, same vector), so embedding tests can
 * compare results without a model.
 */
export function fakeVector(text: string, dimensions: number): number[] {
  let seed = 2166136261;
  for (const char of text) seed = Math.imul(seed ^ (char.codePointAt(0) ?? 0), 16777619);
  const values: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    seed = Math.imul(seed ^ (seed >>> 15), 2246822507) ^ i;
    values.push(((seed >>> 0) / 0xffffffff) * 2 - 1);
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((value) => Math.round((value / norm) * 1e6) / 1e6);
}
