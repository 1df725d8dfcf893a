import { readFileSync } from "node:fs";
import { bundleFrameMapper } from "./bundle-source-map.ts";
import { tsxSourceLines, type SourceLineLookup } from "./tsx-source-lines.ts";

/** The parts of V8's .cpuprofile (written by `node --cpu-prof`) that self time needs. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: {
      functionName: string;
      url: string;
      lineNumber: number;
      columnNumber: number;
      /** Set here when the position was mapped back from the compiled bundle to its source. */
      mapped?: boolean;
    };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTimeEntry {
  functionName: string;
  location: string;
  group: string;
  selfMs: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  busyMs: number;
  functions: SelfTimeEntry[];
  groups: { group: string; selfMs: number; share: number }[];
  /** Our own functions (apps/*, @org/*) by total time: their code plus everything they call. */
  ownInclusive: { functionName: string; location: string; totalMs: number; share: number }[];
}

const isOwn = (group: string) => group.startsWith("@org/") || group.startsWith("apps/");

/** Which package or layer a frame belongs to, for a coarser view than single functions. */
export function groupOf(url: string, functionName: string, repoRoot: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native / V8 builtins)";
  if (url.startsWith("node:")) return "node internals";
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pnpm) return pnpm[1]!;
  const plain = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (plain) return plain[1]!;
  const local = url.replace(/^file:\/\//, "").replace(repoRoot + "/", "");
  const pkg = /^(packages|apps)\/([^/]+)\//.exec(local);
  if (pkg) return pkg[1] === "apps" ? `apps/${pkg[2]}` : `@org/${pkg[2]}`;
  return local;
}

function shortLocation(
  url: string,
  line: number,
  column: number,
  repoRoot: string,
  sourceLine: SourceLineLookup,
  mapped = false,
): string {
  if (!url) return "";
  if (mapped) return `${url.replace(/^file:\/\//, "").replace(repoRoot + "/", "")}:${line + 1}`;
  if (url.endsWith(".ts") && !url.includes("/node_modules/")) {
    const file = url.replace(/^file:\/\//, "");
    const original = sourceLine(file, line, column);
    const shown = file.replace(repoRoot + "/", "");
    // Without the transform's source map, a position in tsx's one-line output.
    return original === undefined
      ? `${shown} (col ${column + 1} of tsx output)`
      : `${shown}:${original}`;
  }
  const path = url
    .replace(/^file:\/\//, "")
    .replace(repoRoot + "/", "")
    .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "")
    .replace(/^.*node_modules\//, "");
  return `${path}:${line + 1}`;
}

/**
 * Only samples inside the measured window count: start-up (module compilation, the embedded
 * database's migrations) would otherwise swamp the request path. The window is given relative to
 * the profile's end (the process exit), which is the one instant both clocks share.
 */
export interface ProfileWindow {
  /** From the start of the window to the process exit, ms. */
  startBeforeEndMs: number;
  lengthMs: number;
}

export function summariseProfile(
  file: string,
  repoRoot: string,
  top = 30,
  window?: ProfileWindow,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const from = window ? profile.endTime - window.startBeforeEndMs * 1000 : -Infinity;
  const to = window ? from + window.lengthMs * 1000 : Infinity;
  // Frames in the compiled server, moved to their TypeScript sources.
  const mapFrame = bundleFrameMapper();
  for (const node of profile.nodes)
    node.callFrame = { ...node.callFrame, ...mapFrame(node.callFrame) };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const sourceLine = tsxSourceLines();
  const locationOf = (frame: CpuProfile["nodes"][number]["callFrame"]) =>
    shortLocation(
      frame.url,
      frame.lineNumber,
      frame.columnNumber,
      repoRoot,
      sourceLine,
      frame.mapped,
    );
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  const selfUs = new Map<number, number>();
  // Sample i lasts until sample i+1 (as DevTools counts it); the last one until endTime.
  let timestamp = profile.startTime;
  const stamps = profile.timeDeltas.map((delta) => (timestamp += delta));
  for (let i = 0; i < profile.samples.length; i += 1) {
    const next = i + 1 < stamps.length ? stamps[i + 1]! : profile.endTime;
    if (stamps[i]! < from || stamps[i]! >= to) continue;
    const duration = Math.max(0, next - stamps[i]!);
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + duration);
  }

  const functions = new Map<string, Omit<SelfTimeEntry, "share">>();
  const groups = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    totalUs += us;
    if (frame.functionName === "(idle)") {
      idleUs += us;
      continue;
    }
    const location = locationOf(frame);
    const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}|${frame.columnNumber}`;
    const entry = functions.get(key) ?? {
      functionName: frame.functionName || "(anonymous)",
      location,
      group: groupOf(frame.url, frame.functionName, repoRoot),
      selfMs: 0,
    };
    entry.selfMs += us / 1000;
    functions.set(key, entry);
    groups.set(entry.group, (groups.get(entry.group) ?? 0) + us / 1000);
  }
  const busyMs = (totalUs - idleUs) / 1000;

  // Inclusive time of our own functions: each sample counts once per function on its stack.
  const inclusive = new Map<string, { functionName: string; location: string; totalMs: number }>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (!isOwn(groupOf(frame.url, frame.functionName, repoRoot))) continue;
      const location = locationOf(frame);
      const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}|${frame.columnNumber}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = inclusive.get(key) ?? {
        functionName: frame.functionName || "(anonymous)",
        location,
        totalMs: 0,
      };
      entry.totalMs += us / 1000;
      inclusive.set(key, entry);
    }
  }
  return {
    ownInclusive: [...inclusive.values()]
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, 25)
      .map((entry) => ({ ...entry, share: entry.totalMs / busyMs })),
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    busyMs,
    functions: [...functions.values()]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top)
      .map((entry) => ({ ...entry, share: entry.selfMs / busyMs })),
    groups: [...groups.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([group, selfMs]) => ({ group, selfMs, share: selfMs / busyMs })),
  };
}

export function renderProfile(summary: ProfileSummary, requests: number): string {
  const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
  const perReq = (ms: number) => (requests > 0 ? ((ms / requests) * 1000).toFixed(1) : "-");
  const lines = [
    `Measured window: ${summary.totalMs.toFixed(0)} ms of main-thread time, ${summary.busyMs.toFixed(0)} ms busy, ` +
      `${requests} requests: about ${(summary.busyMs / Math.max(1, requests)).toFixed(3)} ms of ` +
      `main-thread CPU per request (GC helper threads and the kernel's share of I/O come on top; ` +
      `see CPU-ms per request in the benchmark).`,
    "",
    "By package / layer (self time):",
    "",
    "| group | self ms | share of busy | µs per request |",
    "|---|---:|---:|---:|",
    ...summary.groups
      .slice(0, 15)
      .map(
        (g) => `| ${g.group} | ${g.selfMs.toFixed(0)} | ${pct(g.share)} | ${perReq(g.selfMs)} |`,
      ),
    "",
    "Top functions by self time:",
    "",
    "| # | function | where | group | self ms | share of busy |",
    "|---:|---|---|---|---:|---:|",
    ...summary.functions.map(
      (f, i) =>
        `| ${i + 1} | \`${f.functionName}\` | ${f.location || "-"} | ${f.group} | ${f.selfMs.toFixed(0)} | ${pct(f.share)} |`,
    ),
    "",
    "Our own functions by total time (their code and everything they call; nested entries overlap):",
    "",
    "| # | function | where | total ms | share of busy | µs per request |",
    "|---:|---|---|---:|---:|---:|",
    ...summary.ownInclusive.map(
      (f, i) =>
        `| ${i + 1} | \`${f.functionName}\` | ${f.location || "-"} | ${f.totalMs.toFixed(0)} | ${pct(f.share)} | ${perReq(f.totalMs)} |`,
    ),
  ];
  return lines.join("\n");
}
