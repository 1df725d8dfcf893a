import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc's CPU counters (USER_HZ, 100 on Linux x86). */
export const CLOCK_TICKS: number = (() => {
  try {
    const value = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
})();

const ticksToMs = (ticks: number) => (ticks * 1000) / CLOCK_TICKS;

/** The fields of /proc/<pid>/stat after the `(comm)` field, which may itself hold spaces. */
function statFields(pid: number | "self"): string[] {
  const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
  return raw.slice(raw.lastIndexOf(")") + 2).split(" ");
}

/** utime + stime of one process (all its threads), in ms; resolution one clock tick (10 ms). */
export function processCpuMs(pid: number): number {
  const fields = statFields(pid);
  // Field 14 is utime and 15 stime; fields[0] here is field 3 (state).
  return ticksToMs(Number(fields[11]) + Number(fields[12]));
}

/** This process's own CPU plus that of the children it has reaped (wrk, the generators). */
export function selfAndReapedChildrenCpuMs(): number {
  const fields = statFields("self");
  return ticksToMs(
    Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]),
  );
}

function statusMiB(pid: number, field: "VmHWM" | "VmRSS"): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size since start (VmHWM) in MiB, or undefined when the process is gone. */
export const peakRssMiB = (pid: number) => statusMiB(pid, "VmHWM");
/** Current resident set size (VmRSS) in MiB. */
export const rssMiB = (pid: number) => statusMiB(pid, "VmRSS");

/** Busy CPU time of the whole machine (all cores) in ms, from the first line of /proc/stat. */
export function machineBusyCpuMs(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return ticksToMs(user! + nice! + system! + irq! + softirq! + (steal ?? 0));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
