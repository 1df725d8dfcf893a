import { percentiles, type Percentiles } from "../percentiles.ts";

export interface OpCost {
  /** Operations timed. */
  readonly ops: number;
  /** This process's CPU (user + system, all threads) per operation, µs. */
  readonly cpuUsPerOp: number;
  /** Wall time per operation, p50 and p99, µs (each awaited one after the other). */
  readonly wall: Percentiles | undefined;
}

/**
 * Runs `op` `ops` times, one after the other, after `warmUp` untimed runs (the JIT settles and
 * caches fill first). Sequential on purpose: the cost of one operation is what is compared
 * across sizes, and the process's CPU clock (process.cpuUsage) is read around the whole loop, so
 * microtask and GC work the operations cause is counted too.
 */
export async function measureOps(
  ops: number,
  op: (i: number) => Promise<unknown> | unknown,
  warmUp = Math.min(1000, ops),
): Promise<OpCost> {
  for (let i = 0; i < warmUp; i++) await op(i);
  const walls = new Array<number>(ops);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < ops; i++) {
    const t0 = performance.now();
    await op(i);
    walls[i] = (performance.now() - t0) * 1000;
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    ops,
    cpuUsPerOp: (cpu.user + cpu.system) / ops,
    wall: percentiles(walls),
  };
}

export const us = (value: number | undefined): string =>
  value === undefined ? "-" : value >= 100 ? value.toFixed(0) : value.toFixed(1);
