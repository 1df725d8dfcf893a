import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import { silentLogger, type BudgetsLogger } from "../util/logger.ts";
import { REDIS_SCRIPT_PARTS } from "../util/redis-script-parts.ts";
import type { JournalEntry, SpendJournal } from "./spend-journal.ts";
import type { SpendRecord } from "./spend-record.ts";

export interface RedisSpendJournalOptions {
  redis: Redis;
  /** The stream's key. Default "llmgw:budgets:spend". */
  stream?: string;
  /** Consumer group shared by every instance's flusher. */
  group?: string;
  /** This flusher's name; keep it stable across restarts to resume its own pending entries at once. */
  consumer?: string;
  /**
   * Entries another consumer took and has not acknowledged for this long are taken over. Default
   * 10 s: a live flusher holds entries only while one batch transaction runs, and taking over a
   * batch it is still writing costs nothing but a duplicate write (the writer skips request ids
   * already logged). A gateway restarted after kill -9 is a new consumer (`host-pid`), so this
   * is how long its predecessor's last batch waits before reaching the database.
   */
  claimIdleMs?: number;
  /**
   * How long this instance keeps a copy of each record it appended, until it sees it
   * acknowledged, to append it again if Redis loses its data (see `read`). Default 60 s, at most
   * `replayMax` (50,000) records.
   */
  replayWindowMs?: number;
  replayMax?: number;
  logger?: BudgetsLogger;
}

/**
 * What another module needs to append to this journal from inside its own script (the budget
 * hooks' settle, redis-combined-admission.ts): the stream's key, the record as the journal
 * stores it, and the callback that keeps the appended copy for replay after a loss (see `read`).
 */
export interface SpendJournalCalls {
  readonly stream: string;
  raw(record: SpendRecord): string;
  appended(id: string, raw: string, at: number): void;
}

type StreamReply = [stream: string, entries: [id: string, fields: string[]][]][] | null;

/**
 * Spend in a Redis stream: `append` is one XADD, durable as soon as Redis has it. Flushers of all
 * instances read through one consumer group, so each entry is written by one of them; an entry
 * is deleted only after its batch is committed. After a crash the entries the dead flusher held
 * are taken over (XAUTOCLAIM) once idle for `claimIdleMs`, and a restarted instance with the same
 * consumer name resumes its own at once.
 */
export function createRedisSpendJournal(options: RedisSpendJournalOptions): SpendJournal {
  const { redis } = options;
  const stream = options.stream ?? "llmgw:budgets:spend";
  const group = options.group ?? "spend-writers";
  const consumer = options.consumer ?? `${hostname()}-${process.pid}`;
  const claimIdleMs = options.claimIdleMs ?? 10_000;
  const logger = options.logger ?? silentLogger;
  const replayWindowMs = options.replayWindowMs ?? 60_000;
  const replayMax = options.replayMax ?? 50_000;
  let ready: Promise<void> | undefined;

  /**
   * Redis losing its data (a restart without persistence, FLUSHALL) takes the stream, its group
   * and every record not yet written with it. Each instance notices on its own: `<stream>:epoch`
   * holds a random value set when the group is created, and an instance that finds it gone or
   * changed (another instance recovered first) recreates the group and appends again the records
   * it appended itself and has not seen acknowledged. Some of those may have been written
   * already (by another instance's flusher): the writer skips request ids already logged, so
   * nothing is charged twice.
   */
  const epochKey = `${stream}:epoch`;
  let epoch: string | undefined;
  /** Stream id -> the record as appended, oldest first. */
  const recent = new Map<string, { at: number; raw: string }>();

  /**
   * Records whose stream id a new stream (after a loss) gave to another append before this
   * instance noticed the loss: ids are time-based and a new stream starts again at 0, so the
   * same millisecond yields the same id. Their entry is gone with the old stream: always replayed.
   */
  let displaced: { at: number; raw: string }[] = [];

  const remember = (id: string, at: number, raw: string) => {
    const previous = recent.get(id);
    if (previous !== undefined && previous.raw !== raw && displaced.length < replayMax) {
      displaced.push(previous);
    }
    recent.set(id, { at, raw });
    for (const [key, entry] of recent) {
      if (recent.size <= replayMax && entry.at >= at - replayWindowMs) break;
      recent.delete(key);
    }
  };

  const claimEpoch = async (): Promise<string | undefined> => {
    await redis.set(epochKey, randomUUID(), "NX");
    return (await redis.get(epochKey)) ?? undefined;
  };

  const recover = async (why: string) => {
    ready = undefined;
    await ensureGroup();
    // Entries appended since the loss are in the new stream already: replay the others. Each
    // is looked up by id and content, not by comparing ids with the new stream's first: ids are
    // time-based and a new stream starts again at 0, so an entry appended just after the loss
    // can take the very id a lost one had in the same millisecond.
    const lost = await missingFromStream([...recent]);
    const replay = [...displaced, ...lost.map(([, entry]) => entry)];
    displaced = [];
    for (const [id] of lost) recent.delete(id);
    logger.error(
      "spend stream lost (Redis lost its data?): consumer group recreated, this instance's unacknowledged records appended again",
      { stream, group, why, reappended: replay.length },
    );
    epoch = await claimEpoch();
    if (replay.length === 0) return;
    const multi = redis.multi();
    for (const entry of replay) multi.xadd(stream, "*", "r", entry.raw);
    const results = (await multi.exec()) ?? [];
    results.forEach(([error, id], i) => {
      if (!error && typeof id === "string") recent.set(id, replay[i]!);
    });
  };

  /** The remembered entries the stream no longer holds as they were appended. */
  const missingFromStream = async (entries: [string, { at: number; raw: string }][]) => {
    const missing: typeof entries = [];
    for (let i = 0; i < entries.length; i += 1_000) {
      const chunk = entries.slice(i, i + 1_000);
      const pipeline = redis.pipeline();
      for (const [id] of chunk) pipeline.xrange(stream, id, id);
      const results = (await pipeline.exec()) ?? [];
      chunk.forEach((entry, j) => {
        const [error, found] = results[j] ?? [];
        const fields = (found as [string, string[]][] | undefined)?.[0]?.[1];
        const raw = fields?.[fields.indexOf("r") + 1];
        if (error || raw !== entry[1].raw) missing.push(entry);
      });
    }
    return missing;
  };

  /** Once per read: has the stream been lost since this instance last looked? */
  const checkEpoch = async () => {
    if (epoch === undefined) {
      await ensureGroup();
      epoch = await claimEpoch();
      return;
    }
    const current = await redis.get(epochKey);
    if (current !== epoch) {
      await recover(current === null ? "epoch key gone" : "another instance recreated the stream");
    }
  };

  const ensureGroup = () =>
    (ready ??= redis.xgroup("CREATE", stream, group, "0", "MKSTREAM").then(
      () => undefined,
      (error: Error) => {
        if (!String(error.message).includes("BUSYGROUP")) {
          ready = undefined;
          throw error;
        }
      },
    ));

  /**
   * The entries' records. An entry that holds no readable record (not JSON: written by something
   * else, or damaged) can never be written: it is moved to `<stream>:dead` with the reason, and
   * acknowledged, so that it neither blocks the batch nor stays pending forever.
   */
  const parse = async (entries: [string, string[]][]): Promise<JournalEntry[]> => {
    const out: JournalEntry[] = [];
    const dead: [id: string, raw: string, reason: string][] = [];
    for (const [id, fields] of entries) {
      const raw = fields[fields.indexOf("r") + 1];
      if (raw === undefined || fields.indexOf("r") < 0) {
        dead.push([id, JSON.stringify(fields), "no record field"]);
        continue;
      }
      try {
        const record = JSON.parse(raw) as SpendRecord;
        if (typeof record !== "object" || record === null) throw new Error("not an object");
        out.push({ id, record });
      } catch (error) {
        dead.push([id, raw, `unreadable record: ${String(error)}`]);
      }
    }
    if (dead.length > 0) await setAside(dead);
    return out;
  };

  /** Entries moved aside so far (see `read`). */
  let movedAside = 0;
  const setAside = async (dead: [id: string, raw: string, reason: string][]) => {
    movedAside += dead.length;
    const multi = redis.multi();
    for (const [id, raw, reason] of dead) {
      multi.xadd(`${stream}:dead`, "*", "id", id, "r", raw, "reason", reason);
    }
    const ids = dead.map(([id]) => id);
    for (const id of ids) recent.delete(id);
    await multi
      .xack(stream, group, ...ids)
      .xdel(stream, ...ids)
      .exec();
    for (const [id, , reason] of dead) {
      logger.error("unreadable spend journal entry moved aside", {
        stream,
        id,
        deadStream: `${stream}:dead`,
        reason,
      });
    }
  };

  const readGroup = async (max: number): Promise<JournalEntry[]> => {
    await ensureGroup();
    // 1. Our own entries delivered earlier but not acknowledged (a failed write, a restart).
    const own = (await redis.xreadgroup(
      "GROUP",
      group,
      consumer,
      "COUNT",
      max,
      "STREAMS",
      stream,
      "0",
    )) as StreamReply;
    const mine = await parse(own?.[0]?.[1] ?? []);
    if (mine.length > 0) return mine;
    // 2. Entries a dead consumer held.
    const claimed = (await redis.xautoclaim(
      stream,
      group,
      consumer,
      claimIdleMs,
      "0-0",
      "COUNT",
      max,
    )) as [string, [string, string[]][], string[]?];
    const theirs = await parse((claimed[1] ?? []).filter((e) => Array.isArray(e?.[1])));
    if (theirs.length > 0) return theirs;
    // 3. New entries.
    const fresh = (await redis.xreadgroup(
      "GROUP",
      group,
      consumer,
      "COUNT",
      max,
      "STREAMS",
      stream,
      ">",
    )) as StreamReply;
    return await parse(fresh?.[0]?.[1] ?? []);
  };

  const journal: SpendJournal = {
    durable: true,
    async append(record) {
      const raw = JSON.stringify(record);
      const at = Date.now();
      const id = await redis.xadd(stream, "*", "r", raw);
      if (id) remember(id, at, raw);
    },

    async read(max) {
      await checkEpoch();
      // A read whose entries were all unreadable (moved aside) answers nothing, which the
      // flusher takes for an empty journal: read again while that happens, so the records
      // behind them are not left for the next tick (or, at shutdown, the next start).
      for (;;) {
        const movedBefore = movedAside;
        let entries: JournalEntry[];
        try {
          entries = await readGroup(max);
        } catch (error) {
          // The group alone is gone (the stream key deleted) with the epoch still there.
          if (!String((error as Error)?.message).includes("NOGROUP")) throw error;
          await recover(String((error as Error)?.message));
          entries = await readGroup(max);
        }
        if (entries.length > 0 || movedAside === movedBefore) return entries;
      }
    },

    async ack(ids) {
      if (ids.length === 0) return;
      for (const id of ids) recent.delete(id);
      await redis
        .multi()
        .xack(stream, group, ...ids)
        .xdel(stream, ...ids)
        .exec();
    },

    async pending() {
      return redis.xlen(stream);
    },

    async close() {},
  };
  const calls: SpendJournalCalls = {
    stream,
    raw: (record) => JSON.stringify(record),
    appended: (id, raw, at) => remember(id, at, raw),
  };
  // Lets the budget hooks append the record in the script that settles the request.
  return Object.assign(journal, { [REDIS_SCRIPT_PARTS]: { redis, journal: calls } });
}
