import { performance } from "node:perf_hooks";

/**
 * The longest gap between two `setImmediate` beats: the longest the event loop was held (the
 * graph-build test and bench/semantic-index.bench.ts).
 */
export function loopWatch() {
  let longest = 0;
  let last = performance.now();
  let running = true;
  const beat = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(beat);
  };
  setImmediate(beat);
  return {
    /** The longest gap so far, and a new watch from here. */
    lap(): number {
      const gap = Math.max(longest, performance.now() - last);
      longest = 0;
      return gap;
    },
    stop(): void {
      running = false;
    },
  };
}
