import { performance } from "node:perf_hooks";

/** The longest gap between two beats, and the process CPU time spent in that gap. */
export interface LoopGap {
  wallMs: number;
  /**
   * CPU time of the whole process during that gap (this thread's work, plus GC helper threads):
   * far below `wallMs` means the thread was waiting for a core, not computing.
   */
  cpuMs: number;
  /** The most CPU time in any one gap (the longest block the loop's own work could make). */
  mostCpuMs: number;
}

/**
 * The longest gap between two `setImmediate` beats: the longest the event loop was held (the
 * graph-build test and bench/semantic-index.bench.ts). Each beat also reads the process's CPU
 * time, so a gap can be told apart as work or as waiting for a core on a loaded machine.
 */
export function loopWatch() {
  let longest: LoopGap = { wallMs: 0, cpuMs: 0, mostCpuMs: 0 };
  let last = performance.now();
  let lastCpu = cpuMsNow();
  let running = true;
  const beat = () => {
    const now = performance.now();
    const cpu = cpuMsNow();
    const wallMs = now - last;
    const cpuMs = cpu - lastCpu;
    const mostCpuMs = Math.max(longest.mostCpuMs, cpuMs);
    longest = wallMs > longest.wallMs ? { wallMs, cpuMs, mostCpuMs } : { ...longest, mostCpuMs };
    last = now;
    lastCpu = cpu;
    if (running) setImmediate(beat);
  };
  setImmediate(beat);
  return {
    /** The longest gap so far (wall time), and a new watch from here. */
    lap(): number {
      return this.lapGap().wallMs;
    },
    /** `lap`, with the CPU time of that gap and the most CPU of any gap. */
    lapGap(): LoopGap {
      const open = performance.now() - last;
      const openCpu = cpuMsNow() - lastCpu;
      const gap =
        open > longest.wallMs
          ? { wallMs: open, cpuMs: openCpu, mostCpuMs: Math.max(longest.mostCpuMs, openCpu) }
          : { ...longest, mostCpuMs: Math.max(longest.mostCpuMs, openCpu) };
      longest = { wallMs: 0, cpuMs: 0, mostCpuMs: 0 };
      return gap;
    },
    stop(): void {
      running = false;
    },
  };
}

function cpuMsNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
