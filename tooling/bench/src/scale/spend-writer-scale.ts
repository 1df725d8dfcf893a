import { randomUUID } from "node:crypto";
import {
  createDbSpendWriter,
  createMemorySpendJournal,
  createSpendFlusher,
  hashKey,
  type SpendRecord,
} from "@org/budgets";
import { createDb } from "@org/db";

export interface SpendWriterRow {
  readonly targetRate: number;
  readonly seconds: number;
  readonly appended: number;
  /** Records in the database when the run ended (before the final flush). */
  readonly writtenDuringRun: number;
  /** Records waiting in the journal, sampled once a second. */
  readonly pendingSamples: readonly number[];
  /** Seconds the final flush took to write what was left. */
  readonly drainSeconds: number;
  /** Every record appended reached `spend_logs` exactly once. */
  readonly allWritten: boolean;
  readonly cpuMsPerRecord: number;
}

/** Keys the records belong to: each batch also adds to these keys' and their team's totals. */
const KEYS = 50;

/**
 * Whether the spend writer keeps up at `rate` requests per second into PostgreSQL: records are
 * appended to the journal at that rate (as the budget hooks do after each request), the flusher
 * drains it every second in batches of 500 (the gateway's settings), and the journal's backlog is
 * sampled each second. Keeping up means the backlog stays about one second's worth, not growing.
 */
export async function spendWriterScale(
  databaseUrl: string,
  rate: number,
  seconds: number,
  log: (line: string) => void,
): Promise<SpendWriterRow> {
  const schema = `bench_scale_spend_${process.pid}`;
  const database = await createDb({ url: databaseUrl, schema, max: 4 });
  try {
    await database.migrate();
    await database.raw.query(
      `insert into teams (id, team_alias) values ('scale-team', 'scale')`,
      [],
    );
    await database.raw.query(
      `insert into virtual_keys (token_hash, team_id)
       select encode(sha256(convert_to('sk-spend-' || i, 'UTF8')), 'hex'), 'scale-team'
         from generate_series(1, $1::int) as i`,
      [KEYS],
    );
    const keyHashes = Array.from({ length: KEYS }, (_, i) => hashKey(`sk-spend-${i + 1}`));
    const journal = createMemorySpendJournal();
    const flusher = createSpendFlusher({ journal, writer: createDbSpendWriter(database.db) });
    flusher.start();
    const record = (n: number): SpendRecord => {
      const now = Date.now();
      return {
        requestId: randomUUID(),
        callType: "acompletion",
        apiKeyHash: keyHashes[n % KEYS]!,
        virtualKey: true,
        teamId: "scale-team",
        spend: 0.000012,
        promptTokens: 12,
        completionTokens: 10,
        totalTokens: 22,
        startTime: now - 3,
        endTime: now,
        model: "gpt-4o-mini",
        modelGroup: n % 2 ? "gpt-4o-mini" : "claude-haiku",
        modelId: "dep-1",
        provider: "openai",
        cacheHit: false,
        status: "success",
        statusCode: 200,
        metadata: { user_api_key_alias: `scale-${n % KEYS}` },
      };
    };
    log(`spend writer: ${rate}/s for ${seconds} s into schema ${schema}`);
    const tickMs = 10;
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    let appended = 0;
    const pendingSamples: number[] = [];
    await new Promise<void>((resolve) => {
      let nextSample = started + 1000;
      const timer = setInterval(() => {
        const elapsed = performance.now() - started;
        // Catch up to the schedule: a late tick appends what it owes, so the rate holds.
        const due = Math.min(Math.floor((elapsed / 1000) * rate), rate * seconds);
        while (appended < due) void journal.append(record(appended++));
        if (performance.now() >= nextSample) {
          nextSample += 1000;
          void journal.pending().then((n) => pendingSamples.push(n));
        }
        if (elapsed >= seconds * 1000) {
          clearInterval(timer);
          resolve();
        }
      }, tickMs);
    });
    const [{ n: writtenDuringRun }] = (await database.raw.query<{ n: number }>(
      `select count(*)::int as n from spend_logs`,
      [],
    )) as [{ n: number }];
    const drainStarted = performance.now();
    await flusher.stop();
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const [{ n: written }] = (await database.raw.query<{ n: number }>(
      `select count(*)::int as n from spend_logs`,
      [],
    )) as [{ n: number }];
    return {
      targetRate: rate,
      seconds,
      appended,
      writtenDuringRun,
      pendingSamples,
      drainSeconds,
      allWritten: written === appended,
      cpuMsPerRecord: (cpu.user + cpu.system) / 1000 / appended,
    };
  } finally {
    await database.raw.query(`drop schema if exists ${schema} cascade`, []).catch(() => {});
    await database.close();
  }
}

export function renderSpendWriter(row: SpendWriterRow): string[] {
  const maxPending = Math.max(0, ...row.pendingSamples);
  const keptUp = maxPending <= row.targetRate * 2.5 && row.drainSeconds < 3;
  return [
    "| target rate | seconds | records | in the database at the end of the run | journal backlog, sampled each second | largest backlog | final flush | every record written once | writer CPU per record (this process) | keeps up |",
    "|---:|---:|---:|---:|---|---:|---:|---|---:|---|",
    `| ${row.targetRate.toLocaleString("en-US")}/s | ${row.seconds} | ${row.appended.toLocaleString("en-US")} | ${row.writtenDuringRun.toLocaleString("en-US")} | ${row.pendingSamples.join(", ")} | ${maxPending.toLocaleString("en-US")} | ${row.drainSeconds.toFixed(2)} s | ${row.allWritten ? "yes" : "**no**"} | ${(row.cpuMsPerRecord * 1000).toFixed(1)} µs | ${keptUp ? "yes" : "**no**"} |`,
  ];
}
