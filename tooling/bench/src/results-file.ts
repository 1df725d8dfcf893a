import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Where a run's report goes: `results/<date>-<suffix>.md`, never over an earlier run's file
 * (committed results included): -2, -3, ... instead.
 */
export function resultsFile(benchDir: string, suffix: string): string {
  const dir = join(benchDir, "results");
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const base = suffix ? `${date}-${suffix}` : date;
  let file = join(dir, `${base}.md`);
  for (let n = 2; existsSync(file); n += 1) file = join(dir, `${base}-${n}.md`);
  return file;
}
