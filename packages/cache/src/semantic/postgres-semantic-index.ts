import { createHash } from "node:crypto";
import { systemClock, type Clock } from "../util/clock.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";
import { silentLogger, type CacheLogger } from "../util/logger.ts";
import { InProcessVectorIndex } from "./in-process-index.ts";
import {
  SEMANTIC_TABLE,
  int8,
  parseVectorLiteral,
  vectorLiteral,
  type SemanticSql,
} from "./postgres-sql.ts";
import type { VectorEntry, VectorIndex, VectorMatch } from "./vector-index.ts";
import { dot, normalize, similarityAt } from "./vector-math.ts";

export interface PostgresSemanticIndexOptions {
  /** The gateway's own database (`@org/db`'s `Database.raw`), migrated to 0004 or later. */
  sql: SemanticSql;
  logger?: CacheLogger;
  clock?: Clock;
  /** Entries held in this instance's index, and rows kept in the table. Default 100,000. */
  maxEntries?: number;
  /** Bound on each statement a request waits for (a write, the answer's read). Default 500 ms. */
  queryTimeoutMs?: number;
  /**
   * How often the table is read for rows this instance has not seen, besides the notifications
   * (a safety net while the listening connection is down). Default 5,000 ms.
   */
  pollIntervalMs?: number;
  /** How often expired and surplus rows are deleted (at most `cleanupBatch` each time). Default 60 s. */
  cleanupIntervalMs?: number;
  cleanupBatch?: number;
  /** Rows per catch-up read. Default 500. */
  pageSize?: number;
  /**
   * Let the database rank the vectors when it has pgvector (`create extension vector`
   * succeeds): default true. False keeps the in-process index even where pgvector exists.
   */
  useVectorExtension?: boolean;
}

interface EntryRow extends Record<string, unknown> {
  id: unknown;
  partition: string;
  cache_key: string;
  embedding: unknown;
  expires_at_ms: unknown;
}

/**
 * `cache_params.type: postgres-semantic` (ours; LiteLLM has no such type): the semantic cache
 * shared by every gateway instance on one database, the gateway's own (PostgreSQL, or PGlite in
 * the zero-setup mode), so several instances share it without a Redis or a Qdrant.
 *
 * Rows of `semantic_cache_entries` hold the partition, the exact key, the prompt vector
 * (float4[]), the answer and its expiry. Each instance keeps its own `InProcessVectorIndex` in
 * step with the table and looks up there (no pgvector needed: Debian's PostgreSQL has none):
 *
 * - `add` applies locally at once, then upserts the row (a replaced row takes a new id) and
 *   `pg_notify`s its id on a channel named after the schema, in the same statement, so the
 *   notification goes out when the row is committed.
 * - Each instance LISTENs: an id above the last one seen triggers a read of every row after it
 *   (in id order); an id at or below it (a transaction that committed after a later one) is read
 *   by itself. At start, on every (re)connect of the listening connection and every
 *   `pollIntervalMs`, the same read catches up with whatever was missed meanwhile.
 * - `nearest` answers from the local index, then reads the answer's row by partition and key: a
 *   row that is gone or expired (deleted on another instance, cleaned up) is a miss and leaves
 *   the local index, so a removal reaches the other instances when they next meet the entry.
 * - Cleanup deletes expired rows and the oldest beyond `maxEntries`, a bounded batch at a time.
 *
 * A database that fails or is slow is a miss (lookups) or a skipped write (adds), logged once
 * per interval; requests never fail because of it.
 */
export class PostgresSemanticIndex implements VectorIndex {
  readonly #sql: SemanticSql;
  readonly #local: InProcessVectorIndex;
  readonly #clock: Clock;
  readonly #warn: (message: string, fields?: Record<string, unknown>) => void;
  readonly #maxEntries: number;
  readonly #queryTimeoutMs: number;
  readonly #pageSize: number;
  readonly #cleanupBatch: number;
  readonly #timers: NodeJS.Timeout[] = [];
  #channel = "";
  /** Where pgvector lives, quoted (`"public"`), when the database ranks the vectors; else undefined. */
  #vectorSchema: string | undefined;
  /** Dimensions whose HNSW index exists (or was tried). */
  readonly #hnsw = new Set<number>();
  #lastId = 0;
  #catchingUp: Promise<void> | undefined;
  #catchUpAgain = false;
  #unlisten: (() => Promise<void>) | undefined;
  #closed = false;
  /**
   * The newest row id known per entry (Infinity while this instance's own write is on its way),
   * so a read that started before a newer version was committed never puts the older one back.
   */
  readonly #newest = new Map<string, number>();

  private constructor(options: PostgresSemanticIndexOptions) {
    this.#sql = options.sql;
    this.#clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    this.#warn = logOncePerInterval(logger, this.#clock);
    this.#maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 100_000));
    this.#local = new InProcessVectorIndex({
      maxEntries: this.#maxEntries,
      logger,
      clock: this.#clock,
    });
    this.#queryTimeoutMs = options.queryTimeoutMs ?? 500;
    this.#pageSize = options.pageSize ?? 500;
    this.#cleanupBatch = options.cleanupBatch ?? 1000;
  }

  /**
   * Loads the table's live rows, starts listening and the timers. A database that is down at
   * start is logged and caught up with later; this never rejects for an outage.
   */
  static async open(options: PostgresSemanticIndexOptions): Promise<PostgresSemanticIndex> {
    const index = new PostgresSemanticIndex(options);
    await index.#start(
      options.pollIntervalMs ?? 5000,
      options.cleanupIntervalMs ?? 60_000,
      options.useVectorExtension ?? true,
      options.logger ?? silentLogger,
    );
    return index;
  }

  async add(entry: VectorEntry): Promise<void> {
    if (this.#closed) return;
    // With pgvector the rows are the index; otherwise this instance serves it at once.
    if (this.#vectorSchema === undefined) this.#local.addSync(entry);
    const vector = normalize(entry.vector);
    if (!(dot(vector, vector) > 0.5)) {
      this.#warn("semantic cache: refused a vector that is empty, zero or not finite", {
        dimensions: vector.length,
      });
      return;
    }
    const entryKey = entryKeyOf(entry.partition, entry.key);
    const before = this.#newest.get(entryKey);
    this.#remember(entryKey, Infinity);
    const rows = await this.#run("store an entry", () =>
      this.#sql.query(
        `with saved as (
           insert into ${SEMANTIC_TABLE} (partition, cache_key, dimensions, embedding, body, expires_at_ms)
           values ($1, $2, $3, $4::real[], $5, $6)
           on conflict (partition, cache_key) do update
             set id = default, dimensions = excluded.dimensions, embedding = excluded.embedding,
                 body = excluded.body, expires_at_ms = excluded.expires_at_ms, created_at = now()
           returning id
         )
         select id, pg_notify($7, id::text) from saved`,
        [
          entry.partition,
          entry.key,
          vector.length,
          vectorLiteral(vector),
          entry.body ?? "",
          Number.isFinite(entry.expiresAt) ? Math.floor(entry.expiresAt) : null,
          this.#channel,
        ],
      ),
    );
    if (this.#vectorSchema !== undefined) void this.#ensureHnsw(vector.length);
    const id = int8(rows?.[0]?.["id"]);
    if (id !== null) this.#remember(entryKey, id);
    else if (before === undefined) this.#newest.delete(entryKey);
    else this.#remember(entryKey, before);
  }

  async nearest(
    partition: string,
    vector: Float32Array,
    minSimilarity: number,
    now: number,
  ): Promise<VectorMatch | undefined> {
    if (this.#vectorSchema !== undefined)
      return this.#nearestInDatabase(this.#vectorSchema, partition, vector, minSimilarity, now);
    const match = this.#local.nearestSync(partition, vector, minSimilarity, now);
    if (match === undefined) return undefined;
    const rows = await this.#run("read a cached answer", () =>
      this.#sql.query<{ body: string; expires_at_ms: unknown }>(
        `select body, expires_at_ms from ${SEMANTIC_TABLE} where partition = $1 and cache_key = $2`,
        [partition, match.key],
      ),
    );
    if (rows === undefined) return undefined; // the database failed: a miss, the entry stays
    const row = rows[0];
    const expiresAt = int8(row?.expires_at_ms);
    if (row === undefined || (expiresAt !== null && expiresAt <= now)) {
      this.#local.removeSync(partition, match.key);
      return undefined;
    }
    // An entry added without its answer ("") leaves it to the exact store under its key.
    return {
      key: match.key,
      similarity: match.similarity,
      ...(row.body !== "" ? { body: row.body } : {}),
    };
  }

  async remove(partition: string, key: string): Promise<void> {
    this.#local.removeSync(partition, key);
    this.#newest.delete(entryKeyOf(partition, key));
    await this.#run("remove an entry", () =>
      this.#sql.query(`delete from ${SEMANTIC_TABLE} where partition = $1 and cache_key = $2`, [
        partition,
        key,
      ]),
    );
  }

  size(): number {
    return this.#local.size();
  }

  /** The channel this index LISTENs and NOTIFYs on (one per schema). */
  get channel(): string {
    return this.#channel;
  }

  /** Reads rows added since the last one seen; resolves when this instance is in step. */
  catchUp(): Promise<void> {
    if (this.#catchingUp !== undefined) {
      this.#catchUpAgain = true;
      return this.#catchingUp;
    }
    this.#catchingUp = (async () => {
      try {
        do {
          this.#catchUpAgain = false;
          while (!this.#closed && (await this.#readPage()) === this.#pageSize);
        } while (this.#catchUpAgain && !this.#closed);
      } catch (error) {
        this.#warn("semantic cache: reading new entries from the database failed", {
          error: errorMessage(error),
          lastId: this.#lastId,
        });
      } finally {
        this.#catchingUp = undefined;
      }
    })();
    return this.#catchingUp;
  }

  /** Deletes expired rows and the oldest beyond `maxEntries`, at most `cleanupBatch` of each. */
  async cleanup(): Promise<void> {
    await this.#run(
      "clean up expired entries",
      async () => {
        await this.#sql.query(
          `delete from ${SEMANTIC_TABLE} where id in (
             select id from ${SEMANTIC_TABLE} where expires_at_ms <= $1 limit $2)`,
          [this.#clock.now(), this.#cleanupBatch],
        );
        await this.#sql.query(
          `delete from ${SEMANTIC_TABLE} where id in (
             select id from ${SEMANTIC_TABLE} order by id desc offset $1 limit $2)`,
          [this.#maxEntries, this.#cleanupBatch],
        );
      },
      // Deleting a batch may take longer than a request's bound; nobody waits for it.
      60_000,
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    await this.#unlisten?.().catch(() => {});
    await this.#catchingUp;
    await this.#local.close();
  }

  async #start(
    pollIntervalMs: number,
    cleanupIntervalMs: number,
    useVectorExtension: boolean,
    logger: CacheLogger,
  ): Promise<void> {
    // Start is not a request: a loaded database gets longer than a lookup would.
    const schema = await this.#run(
      "read the schema",
      () => this.#sql.query<{ schema: string | null }>(`select current_schema() as schema`),
      10_000,
    );
    // NOTIFY is database-wide: a channel per schema keeps two gateways (or tests) on separate
    // schemas of one database from reading each other's ids.
    const name = schema?.[0]?.schema ?? "public";
    this.#channel = `llmgw_semantic_${createHash("sha256").update(name).digest("hex").slice(0, 16)}`;
    if (useVectorExtension) this.#vectorSchema = await this.#vectorExtension(logger);
    const every = (ms: number, run: () => Promise<void>) => {
      const timer = setInterval(() => void run(), ms);
      timer.unref();
      this.#timers.push(timer);
    };
    await this.cleanup();
    every(cleanupIntervalMs, () => this.cleanup());
    // With pgvector the database answers every lookup: no index to keep in step.
    if (this.#vectorSchema !== undefined) return;
    await this.catchUp();
    try {
      this.#unlisten = await this.#sql.listen(
        this.#channel,
        (payload) => this.#notified(payload),
        () => void this.catchUp(),
      );
    } catch (error) {
      this.#warn("semantic cache: could not LISTEN for new entries; polling only", {
        error: errorMessage(error),
      });
    }
    every(pollIntervalMs, () => this.catchUp());
  }

  /** Whether the database ranks the vectors (pgvector) rather than this instance's index. */
  get usesVectorExtension(): boolean {
    return this.#vectorSchema !== undefined;
  }

  /**
   * pgvector ranks the partition's live rows by cosine distance (`<=>`); the best row's
   * similarity is then computed here from its stored vector, exactly as the in-process index
   * does (an identical vector is exactly 1, so a threshold of 1 still means identical).
   */
  async #nearestInDatabase(
    schema: string,
    partition: string,
    query: Float32Array,
    minSimilarity: number,
    now: number,
  ): Promise<VectorMatch | undefined> {
    const q = normalize(query);
    if (q.length === 0 || !(dot(q, q) > 0.5)) return undefined;
    // Dimensions go into the text (a type modifier cannot be a parameter); an integer only.
    const dims = q.length;
    const cast = `${schema}.vector(${dims})`;
    const rows = await this.#run("find the nearest entry", () =>
      this.#sql.query<EntryRow & { body: string }>(
        `select cache_key, body, expires_at_ms, embedding::text as embedding
           from ${SEMANTIC_TABLE}
          where partition = $1 and dimensions = ${dims}
            and (expires_at_ms is null or expires_at_ms > $2)
          order by embedding::${cast} operator(${schema}.<=>) $3::real[]::${cast}
          limit 1`,
        [partition, now, vectorLiteral(q)],
      ),
    );
    const row = rows?.[0];
    if (row === undefined) return undefined;
    const stored = parseVectorLiteral(row.embedding);
    if (stored === undefined || stored.length !== dims) return undefined;
    const similarity = similarityAt(normalize(stored), 0, q);
    if (!(similarity >= minSimilarity)) return undefined;
    return {
      key: row.cache_key,
      similarity,
      ...(row.body !== "" ? { body: row.body } : {}),
    };
  }

  /**
   * An HNSW index per dimension (a `vector` column needs fixed dimensions; the table's float4[]
   * does not, so the index is on the cast, partial on the dimension). Created once per
   * dimension, concurrently with nothing a request waits for.
   */
  async #ensureHnsw(dims: number): Promise<void> {
    const schema = this.#vectorSchema;
    if (schema === undefined || this.#hnsw.has(dims)) return;
    this.#hnsw.add(dims);
    await this.#run(
      "create the HNSW index",
      () =>
        this.#sql.query(
          `create index if not exists ${SEMANTIC_TABLE}_hnsw_${dims} on ${SEMANTIC_TABLE}
             using hnsw ((embedding::${schema}.vector(${dims})) ${schema}.vector_cosine_ops)
             where dimensions = ${dims}`,
        ),
      60_000,
    );
  }

  /** Enables pgvector when the database has it; resolves to the schema it is in, quoted. */
  async #vectorExtension(logger: CacheLogger): Promise<string | undefined> {
    try {
      await this.#sql.query(`create extension if not exists vector`);
      const rows = await this.#sql.query<{ schema: string }>(
        `select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
          where e.extname = 'vector'`,
      );
      const schema = rows[0]?.schema;
      return schema === undefined ? undefined : `"${schema.replaceAll('"', '""')}"`;
    } catch (error) {
      logger.warn(
        "semantic cache: the database has no pgvector; each instance matches vectors in its own index, kept in step by LISTEN/NOTIFY",
        { reason: errorMessage(error) },
      );
      return undefined;
    }
  }

  #notified(payload: string): void {
    if (this.#closed) return;
    const id = Number(payload);
    if (!Number.isSafeInteger(id)) return;
    if (id > this.#lastId) {
      void this.catchUp();
      return;
    }
    // Committed after a row with a higher id was already read: fetch it by itself.
    void this.#run("read a new entry", async () => {
      const rows = await this.#sql.query<EntryRow>(
        `select id, partition, cache_key, embedding::text as embedding, expires_at_ms
           from ${SEMANTIC_TABLE} where id = $1`,
        [id],
      );
      for (const row of rows) this.#apply(row);
    });
  }

  /** One page of rows after the last id seen; resolves to how many it read. */
  async #readPage(): Promise<number> {
    const rows = await this.#sql.query<EntryRow>(
      `select id, partition, cache_key, embedding::text as embedding, expires_at_ms
         from ${SEMANTIC_TABLE} where id > $1 order by id limit $2`,
      [this.#lastId, this.#pageSize],
    );
    for (const row of rows) {
      const id = int8(row.id) ?? 0;
      if (id > this.#lastId) this.#lastId = id;
      this.#apply(row);
    }
    return rows.length;
  }

  #apply(row: EntryRow): void {
    if (this.#closed) return;
    const id = int8(row.id) ?? 0;
    const entryKey = entryKeyOf(row.partition, row.cache_key);
    if (id < (this.#newest.get(entryKey) ?? 0)) return;
    this.#remember(entryKey, id);
    const expiresAt = int8(row.expires_at_ms);
    // Rows that have since expired are not worth a slot.
    if (expiresAt !== null && expiresAt <= this.#clock.now()) return;
    const vector = parseVectorLiteral(row.embedding);
    if (vector === undefined) {
      this.#warn("semantic cache: skipped a malformed row", { id: String(row.id) });
      return;
    }
    this.#local.addSync({
      partition: row.partition,
      key: row.cache_key,
      vector,
      expiresAt: expiresAt ?? Infinity,
    });
  }

  #remember(entryKey: string, id: number): void {
    // Bounded: past twice the index's size the oldest ids go (at worst an older version read
    // in a race is applied, and the next read of the entry puts the newer one back).
    if (this.#newest.size >= 2 * this.#maxEntries && !this.#newest.has(entryKey)) {
      const oldest = this.#newest.keys().next();
      if (oldest.done !== true) this.#newest.delete(oldest.value);
    }
    this.#newest.set(entryKey, id);
  }

  /**
   * Runs a database call bounded by the query timeout; a failure or timeout is logged (once per
   * interval) and resolves to undefined, never a rejection.
   */
  async #run<T>(what: string, call: () => Promise<T>, timeoutMs = this.#queryTimeoutMs) {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
      timer.unref();
    });
    try {
      const result = await Promise.race([call(), timedOut]);
      if (result === "timeout") {
        this.#warn(`semantic cache: the database did not ${what} in time`, { timeoutMs });
        return undefined;
      }
      return result as T;
    } catch (error) {
      this.#warn(`semantic cache: the database could not ${what}`, { error: errorMessage(error) });
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Unambiguous for any partition and key. */
function entryKeyOf(partition: string, key: string): string {
  return `${partition.length}:${partition}${key}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
