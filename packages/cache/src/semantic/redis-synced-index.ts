import { Redis, type RedisOptions } from "ioredis";
import { systemClock, type Clock } from "../util/clock.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";
import { silentLogger, type CacheLogger } from "../util/logger.ts";
import { InProcessVectorIndex } from "./in-process-index.ts";
import type { VectorEntry, VectorIndex, VectorMatch } from "./vector-index.ts";

export interface RedisSyncedVectorIndexOptions {
  /**
   * Makes a new ioredis client; called twice (commands, and the reader's blocking XREAD, which
   * holds its connection). The index owns and disconnects them on `close`.
   */
  createClient?: () => Redis;
  /** Or connection settings (a redis:// URL or ioredis options), when there is no factory. */
  connection?: string | RedisOptions;
  /** Default "llmgw:cache:"; the stream is `${keyPrefix}semantic:stream`. */
  keyPrefix?: string;
  /** Entries held locally, and the stream's approximate length. Default 100,000. */
  maxEntries?: number;
  logger?: CacheLogger;
  clock?: Clock;
  /** How long `add`/`remove` wait for Redis to take the entry before going on. Default 250 ms. */
  publishTimeoutMs?: number;
  /** XREAD BLOCK time; also how soon `close` is noticed by a blocked read. Default 5,000 ms. */
  blockMs?: number;
  /** Entries per XRANGE/XREAD page. Default 500. */
  pageSize?: number;
}

/** Clients this index makes itself: fail fast while Redis is down (the loop retries). */
const OWN_CLIENT_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: 1,
  retryStrategy: (times) => Math.min(times * 100, 2000),
};

/**
 * LiteLLM's `redis-semantic` on a Redis WITHOUT a vector module (Debian's Redis 7 has none):
 * every instance keeps its own `InProcessVectorIndex`, and the entries reach every instance
 * through one Redis Stream.
 *
 * - `add` / `remove` apply locally at once, then XADD the change (MAXLEN ~ maxEntries).
 * - A reader loop on its own connection loads the stream from the beginning (XRANGE in pages), so
 *   a new instance starts with the existing entries, then follows it (XREAD BLOCK from the last
 *   id seen). It applies every entry in stream order, this instance's own included: the stream's
 *   order then decides between two instances writing the same key, and all instances converge.
 *
 * Why a stream and not pub/sub: a subscriber that is briefly disconnected misses every pub/sub
 * message sent meanwhile, and would stay out of step for good; a stream is replayed from the last
 * id the reader saw, so a reconnecting instance catches up (and a new one loads history). Entries
 * trimmed away by MAXLEN while an instance was gone are the oldest, the ones eviction drops anyway.
 *
 * Redis down: `add` still applies locally, `nearest` answers from the local index (it never talks
 * to Redis), the reader reconnects and resumes from its last id, and nothing throws; failures are
 * logged once per interval.
 *
 * Stream entry fields: `op` ("add" | "remove"), `p` partition, `k` key, `v` the vector as base64
 * of its float32 bytes (little-endian, as every platform Node runs on), `e` expiresAt (epoch ms,
 * "Infinity" for none). `body` is not carried: the answer lives in the exact store under `k`.
 */
export class RedisSyncedVectorIndex implements VectorIndex {
  readonly #local: InProcessVectorIndex;
  readonly #commands: Redis;
  readonly #reader: Redis;
  readonly #stream: string;
  readonly #maxEntries: number;
  readonly #clock: Clock;
  readonly #warn: (message: string, fields?: Record<string, unknown>) => void;
  readonly #publishTimeoutMs: number;
  readonly #blockMs: number;
  readonly #pageSize: number;
  readonly #ready: Promise<void>;
  readonly #loop: Promise<void>;
  #markReady: () => void = () => {};
  /** Ends the reader's back-off sleep early (on close). */
  #wake: () => void = () => {};
  #lastId = "0-0";
  #caughtUp = false;
  #closed = false;
  /**
   * Rejects when the index closes. The reader's commands race it: ioredis's `disconnect()`
   * settles nothing that sits in its offline queue (a command sent just before Redis went away
   * waits there for its retry), so without it `close()` could wait for the loop forever, and a
   * gateway shutting down during a Redis outage would never finish.
   */
  readonly #closedSignal: Promise<never>;
  #signalClosed: () => void = () => {};

  constructor(options: RedisSyncedVectorIndexOptions) {
    const createClient = options.createClient ?? ownClientFactory(options.connection);
    this.#clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    this.#warn = logOncePerInterval(logger, this.#clock);
    this.#maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 100_000));
    this.#local = new InProcessVectorIndex({
      maxEntries: this.#maxEntries,
      logger,
      clock: this.#clock,
    });
    this.#stream = `${options.keyPrefix ?? "llmgw:cache:"}semantic:stream`;
    this.#publishTimeoutMs = options.publishTimeoutMs ?? 250;
    this.#blockMs = options.blockMs ?? 5000;
    this.#pageSize = options.pageSize ?? 500;
    this.#commands = createClient();
    this.#reader = createClient();
    // Without a listener ioredis prints every connection error; log them once per interval.
    for (const client of [this.#commands, this.#reader]) {
      client.on("error", (error: Error) =>
        this.#warn("semantic cache: Redis connection error", { error: error.message }),
      );
    }
    this.#ready = new Promise((resolve) => (this.#markReady = resolve));
    this.#closedSignal = new Promise<never>((_resolve, reject) => {
      this.#signalClosed = () => reject(new Error("semantic index closed"));
    });
    this.#closedSignal.catch(() => {});
    this.#loop = this.#readLoop();
  }

  /**
   * Resolves once the stream's existing entries are loaded, or the first attempt failed (Redis
   * down: the reader keeps trying in the background). Never rejects.
   */
  ready(): Promise<void> {
    return this.#ready;
  }

  async add(entry: VectorEntry): Promise<void> {
    this.#local.addSync(entry);
    await this.#publish(
      "op",
      "add",
      "p",
      entry.partition,
      "k",
      entry.key,
      "v",
      encodeVector(entry.vector),
      "e",
      String(entry.expiresAt),
    );
  }

  async nearest(
    partition: string,
    vector: Float32Array,
    minSimilarity: number,
    now: number,
  ): Promise<VectorMatch | undefined> {
    return this.#local.nearestSync(partition, vector, minSimilarity, now);
  }

  async remove(partition: string, key: string): Promise<void> {
    this.#local.removeSync(partition, key);
    await this.#publish("op", "remove", "p", partition, "k", key);
  }

  size(): number {
    return this.#local.size();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#signalClosed();
    this.#wake();
    // The closed signal ends the loop's pending command (disconnect() may never settle it).
    this.#reader.disconnect();
    this.#commands.disconnect();
    await this.#loop;
    await this.#local.close();
  }

  async #publish(...fields: string[]): Promise<void> {
    if (this.#closed) return;
    const sent = this.#commands
      .xadd(this.#stream, "MAXLEN", "~", String(this.#maxEntries), "*", ...fields)
      .then(
        () => undefined,
        (error: unknown) =>
          this.#warn("semantic cache: could not publish an entry to Redis", {
            error: errorMessage(error),
          }),
      );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#publishTimeoutMs);
      timer.unref();
    });
    await Promise.race([sent, timeout]);
    clearTimeout(timer);
  }

  async #readLoop(): Promise<void> {
    let backoffMs = 100;
    while (!this.#closed) {
      try {
        if (this.#caughtUp) await this.#follow();
        else await this.#loadPage();
        backoffMs = 100;
      } catch (error) {
        if (this.#closed) break;
        this.#warn("semantic cache: reading the Redis stream failed; retrying", {
          error: errorMessage(error),
          lastId: this.#lastId,
        });
        // Answer from what is loaded rather than wait for Redis to come back.
        this.#markReady();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoffMs);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        backoffMs = Math.min(backoffMs * 2, 2000);
      }
    }
    this.#markReady();
  }

  /** One XRANGE page after the last id; the load is done when a page comes back short. */
  async #loadPage(): Promise<void> {
    const start = this.#lastId === "0-0" ? "-" : `(${this.#lastId}`;
    const page = await Promise.race([
      this.#reader.xrange(this.#stream, start, "+", "COUNT", this.#pageSize),
      this.#closedSignal,
    ]);
    for (const [id, fields] of page) this.#apply(id, fields);
    if (page.length < this.#pageSize) {
      this.#caughtUp = true;
      this.#markReady();
    }
  }

  async #follow(): Promise<void> {
    const result = await Promise.race([
      this.#reader.xread(
        "COUNT",
        this.#pageSize,
        "BLOCK",
        this.#blockMs,
        "STREAMS",
        this.#stream,
        this.#lastId,
      ),
      this.#closedSignal,
    ]);
    for (const [, items] of result ?? []) {
      for (const [id, fields] of items) this.#apply(id, fields);
    }
  }

  #apply(id: string, fields: string[]): void {
    this.#lastId = id;
    const map = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
    const partition = map.get("p");
    const key = map.get("k");
    if (partition === undefined || key === undefined) return this.#malformed(id);
    const op = map.get("op");
    if (op === "remove") return this.#local.removeSync(partition, key);
    if (op !== "add") return this.#malformed(id);
    const vector = decodeVector(map.get("v"));
    const expiresAt = Number(map.get("e"));
    if (vector === undefined || Number.isNaN(expiresAt) || map.get("e") === "") {
      return this.#malformed(id);
    }
    // History may hold entries that have since expired: they are not worth a slot.
    if (expiresAt <= this.#clock.now()) return;
    this.#local.addSync({ partition, key, vector, expiresAt });
  }

  #malformed(id: string): void {
    this.#warn("semantic cache: skipped a malformed entry in the Redis stream", {
      stream: this.#stream,
      id,
    });
  }
}

function ownClientFactory(connection: string | RedisOptions | undefined): () => Redis {
  if (connection === undefined) {
    throw new Error("RedisSyncedVectorIndex needs createClient or connection settings");
  }
  return typeof connection === "string"
    ? () => new Redis(connection, OWN_CLIENT_OPTIONS)
    : () => new Redis({ ...OWN_CLIENT_OPTIONS, ...connection });
}

export function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64");
}

/** The float32 vector of a base64 field, or undefined when it is not one. */
export function decodeVector(encoded: string | undefined): Float32Array | undefined {
  if (encoded === undefined || encoded === "") return undefined;
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.byteLength === 0 || bytes.byteLength % 4 !== 0) return undefined;
  // A copy: Buffer's pooled memory need not be 4-byte aligned.
  const vector = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(vector.buffer).set(bytes);
  return vector;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
