/**
 * `pnpm bench:scale`: issue 22's "costs that stay flat as the work grows", each as a small table:
 * keys in the database, deployments in the config, concurrent streams, the spend writer's rate.
 * Run by hand (never by the test suite). Writes tooling/bench/results/<date>-scale.md.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { killAllStarted } from "../processes.ts";
import { resultsFile } from "../results-file.ts";
import { keysScale, renderKeys } from "./keys-scale.ts";
import { renderRouting, routingScale } from "./routing-scale.ts";
import { renderSpendWriter, spendWriterScale } from "./spend-writer-scale.ts";
import { renderStreams, streamsScale } from "./streams-scale.ts";

const SECTIONS = ["keys", "routing", "streams", "spend"] as const;
type Section = (typeof SECTIONS)[number];

const numbers = (text: string) => text.split(",").map((n) => Number(n.replace(/_/g, "")));

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    only: { type: "string" },
    "database-url": {
      type: "string",
      default:
        process.env.BENCH_DATABASE_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/postgres",
    },
    keys: { type: "string", default: "10,1000000" },
    deployments: { type: "string", default: "1,100,5000" },
    streams: { type: "string", default: "10,1000" },
    chunks: { type: "string", default: "50" },
    "spend-rate": { type: "string", default: "2000" },
    "spend-seconds": { type: "string", default: "15" },
    ops: { type: "string", default: "20000" },
    profile: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`pnpm bench:scale [--only keys,routing,streams,spend] [--database-url URL]
  [--keys 10,1000000] [--deployments 1,100,5000] [--streams 10,1000] [--chunks 50]
  [--spend-rate 2000] [--spend-seconds 15] [--ops 20000] [--profile: CPU profile of the largest streams wave]`);
  process.exit(0);
}

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const repoRoot = resolve(benchDir, "..", "..");
const only = new Set<Section>(values.only ? (values.only.split(",") as Section[]) : [...SECTIONS]);
const log = (line: string) => console.error(`[scale] ${line}`);
const databaseUrl = values["database-url"]!;
const ops = Number(values.ops);

function revision(): string {
  try {
    return execFileSync("git", ["-C", repoRoot, "rev-parse", "--short", "HEAD"], {
      encoding: "utf8",
    }).trim();
  } catch {
    return "the work tree";
  }
}

const fmtLoad = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(" / ");
const lines: string[] = [
  `# Gateway scale benchmark, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
  "",
  `- machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}; node ${process.version}`,
  `- gateway measured: commit ${revision()}`,
  `- load average at start: ${fmtLoad()}`,
  "- in-process sections (keys, routing) time the packages' real code with an upstream answered in memory, one request after another; CPU is this process's (user + system) per request",
  "",
];

const workDir = mkdtempSync(join(tmpdir(), "org-bench-scale-"));
try {
  if (only.has("keys")) {
    const rows = await keysScale(databaseUrl, numbers(values.keys!), ops, log);
    lines.push(
      "## Keys: auth + budget check per request",
      "",
      `PostgreSQL (${databaseUrl.replace(/\/\/[^@]*@/, "//")}); a request = authenticate + the router's call with the budget hooks (key budget, rpm/tpm) + spend journaled; hot keys cycle through ${Math.min(1000, ...numbers(values.keys!))}–1,000 cached keys. A miss is the authenticator with no cache: one indexed lookup per call.`,
      "",
      ...renderKeys(rows),
      "",
      ...rows.map(
        (r) =>
          `- ${r.keys.toLocaleString("en-US")} keys inserted in ${r.insertSeconds.toFixed(1)} s`,
      ),
      "",
    );
  }
  if (only.has("routing")) {
    const rows = await routingScale(numbers(values.deployments!), ops);
    lines.push(
      "## Models: routing per request",
      "",
      "Groups of 5 deployments plus 20 wildcard routes (`vendor-N/*`); simple-shuffle; the request names the last group, or a model matched by the last wildcard.",
      "",
      ...renderRouting(rows),
      "",
    );
  }
  if (only.has("streams")) {
    const { rows, profile } = await streamsScale(
      { repoRoot, benchDir, workDir },
      numbers(values.streams!),
      Number(values.chunks),
      log,
      values.profile,
    );
    lines.push(
      "## Streams: CPU per streamed chunk",
      "",
      `The real gateway process (embedded mode, master key) in front of an upstream that sends one content chunk per 100 ms, ${values.chunks} chunks per stream; all streams of a row open at once. CPU: the proxy's threads (scheduler ns) over the wave ÷ content chunks delivered. The floor rows are the same waves through the bare node:http + undici proxy (\`src/floor-proxy.ts\`, relaying the upstream's bytes): what any Node proxy pays per chunk here.`,
      "",
      ...renderStreams(rows),
      "",
      ...(profile
        ? ["### CPU profile of the largest wave (per request = per content chunk)", "", profile, ""]
        : []),
    );
  }
  if (only.has("spend")) {
    const row = await spendWriterScale(
      databaseUrl,
      Number(values["spend-rate"]),
      Number(values["spend-seconds"]),
      log,
    );
    lines.push(
      "## Spend: the writer's rate into PostgreSQL",
      "",
      "Records appended to the memory journal at the rate (as the budget hooks do after each request), drained by the gateway's flusher (every 1 s, batches of 500, one transaction per batch rolling up key and team totals).",
      "",
      ...renderSpendWriter(row),
      "",
    );
  }
  lines.push(`- load average at end: ${fmtLoad()}`, "");
  const text = lines.join("\n");
  console.log(text);
  const file = resultsFile(benchDir, "scale");
  writeFileSync(file, text);
  log(`written to ${file}`);
} finally {
  killAllStarted();
  rmSync(workDir, { recursive: true, force: true });
}
process.exit(0);
