import { hostname } from "node:os";
import type { Redis } from "ioredis";
import { silentLogger, type BudgetsLogger } from "../util/logger.ts";
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
  logger?: BudgetsLogger;
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
  let ready: Promise<void> | undefined;

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

  const setAside = async (dead: [id: string, raw: string, reason: string][]) => {
    const multi = redis.multi();
    for (const [id, raw, reason] of dead) {
      multi.xadd(`${stream}:dead`, "*", "id", id, "r", raw, "reason", reason);
    }
    const ids = dead.map(([id]) => id);
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

  return {
    durable: true,
    async append(record) {
      await redis.xadd(stream, "*", "r", JSON.stringify(record));
    },

    async read(max) {
      try {
        return await readGroup(max);
      } catch (error) {
        if (!String((error as Error)?.message).includes("NOGROUP")) throw error;
        // Redis lost the group (restarted without persistence, FLUSHALL, the key deleted):
        // entries appended since then sit in a new stream no one reads. Create the group again
        // from the stream's start, which holds exactly those entries, and read on. What the
        // stream held before the loss and no flusher had read yet went with Redis's data.
        logger.error(
          "spend stream's consumer group was gone (Redis lost its data?); recreated it",
          {
            stream,
            group,
            error: String((error as Error)?.message),
          },
        );
        ready = undefined;
        return readGroup(max);
      }
    },

    async ack(ids) {
      if (ids.length === 0) return;
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
}
