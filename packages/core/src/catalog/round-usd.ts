/**
 * Rounds a USD amount to 1e-12 (a millionth of a millionth of a dollar). Token counts times
 * per-token prices leave binary noise (1000 * 2.5e-6 = 0.0025000000000000005); spend is summed
 * across many requests and compared with budgets, so we drop the noise, not real precision.
 * Exact for amounts below $9,000 per request, far above any single request.
 */
export function roundUsd(amount: number): number {
  return Math.round(amount * 1e12) / 1e12;
}
