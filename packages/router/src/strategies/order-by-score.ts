import type { Deployment } from "../deployments/deployment.ts";

/**
 * Candidates sorted by ascending score, equal scores in random order (a shuffle before a stable
 * sort), so ties spread load instead of always hitting the first configured deployment.
 */
export function orderByScore(
  candidates: readonly Deployment[],
  scores: readonly number[],
  random: () => number,
): Deployment[] {
  const n = candidates.length;
  const idx = new Array<number>(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  shuffleInPlace(idx, 0, n, random);
  idx.sort((a, b) => compare(scores[a] ?? 0, scores[b] ?? 0));
  const out = new Array<Deployment>(n);
  for (let i = 0; i < n; i++) out[i] = candidates[idx[i]!]!;
  return out;
}

/** Fisher-Yates over [from, to). */
export function shuffleInPlace<T>(
  items: T[],
  from: number,
  to: number,
  random: () => number,
): void {
  for (let i = to - 1; i > from; i--) {
    const j = from + Math.floor(random() * (i - from + 1));
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
}

function compare(a: number, b: number): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
