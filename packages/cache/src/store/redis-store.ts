import { Redis } from "ioredis";
import type { RedisOptions } from "ioredis";
import { systemClock, type Clock } from "../util/clock.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";
import { silentLogger, type CacheLogger } from "../util/logger.ts";
import type { CacheStore, CacheStoreStatus } from "./cache-store.ts";
import { decodeEnvelope, encodeEnvelope } from "./redis-value-envelope.ts";

/**
 * Where Redis is (LiteLLM's cache_params: host, port, password, redis_url), or a client of the
 * caller's. `password` (and one inside `url`) is a secret: nothing here logs these options.
 */
export interface RedisStoreOptions {
  /** An existing ioredis client; `close()` leaves it open. Its own `keyPrefix` would add to ours. */
  client?: Redis;
  /** redis[s]://[[user]:password@]host:port[/db]; its parts win over the fields below. */
  url?: string;
  host?: string;
  port?: number;
  password?: string;
  username?: string;
  db?: number;
  tls?: RedisOptions["tls"];
  /** Prefix of every key; instances sharing a Redis must use the same one. Default "llmgw:cache:". */
  keyPrefix?: string;
  /** Longest wait for one command before it counts as a miss (get) or is given up (set). Default 50. */
  timeoutMs?: number;
  /** Expiry when `set` names none, in seconds; undefined: entries live until Redis evicts them. */
  defaultTtlSeconds?: number;
  /** Larger values (UTF-8 bytes) are not stored. Default 1 MiB. */
  maxValueBytes?: number;
  /**
   * Commands sent but not answered yet (timed out ones included) beyond which new commands fail
   * at once: a stalled Redis must not collect every request's value in memory. Default 1024.
   */
  maxPendingCommands?: number;
  /** Cap of the reconnect back-off, in ms, for a client this store creates. Default 1000. */
  reconnectMaxDelayMs?: number;
  /** Failures are logged at most once per this interval (with a count). Default 60,000 ms. */
  logIntervalMs?: number;
  clock?: Clock;
  logger?: CacheLogger;
}

const DEFAULT_PREFIX = "llmgw:cache:";
const DEFAULT_TIMEOUT_MS = 50;
const DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
/** Longer ttls are stored without expiry (keeps the envelope's epoch and Redis's PX in range). */
const MAX_TTL_MS = 1e14;

/** A command that failed, timed out, or was not sent: the caller sees a miss. */
const FAILED = Symbol("failed");
type Failed = typeof FAILED;

/**
 * The exact cache in Redis, shared by every gateway instance: key = keyPrefix + the key given,
 * value = an envelope holding the writer's expiry (redis-value-envelope.ts).
 *
 * Redis down or slow is a miss, never a wait or an error. What bounds the wait is a timer raced
 * against every command (`timeoutMs`): it is the one bound that holds for any client and any
 * state (still connecting, reconnecting with commands queued in a caller's client, a stalled
 * server that keeps the TCP connection open). ioredis's `commandTimeout` would bound only the
 * last case, and only for a client we create, so it is not used. For a client we create:
 *   - `enableOfflineQueue: false`: while disconnected a command fails at once instead of waiting
 *     in a queue that replays on reconnect (late writes, memory growing through an outage);
 *   - `maxRetriesPerRequest: 0`: commands in flight when the connection drops fail, not replay;
 *   - `retryStrategy` never gives up and caps its back-off (`reconnectMaxDelayMs`), so the store
 *     reconnects by itself, soon after Redis is back, and a Redis that is down at start is fine.
 * A command given up on may still run when a stalled Redis wakes (a late SET is the same answer
 * for the same key, so harmless); `maxPendingCommands` caps how many such commands are held.
 * Expiry is checked on each reader's clock: instances whose clocks disagree by seconds see a
 * short ttl end that much apart (Redis's own PX expiry still removes the key on time).
 */
export class RedisStore implements CacheStore {
  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #defaultTtl: number | undefined;
  readonly #maxValueBytes: number;
  readonly #maxPending: number;
  readonly #clock: Clock;
  readonly #logFailure: (message: string, fields?: Record<string, unknown>) => void;
  readonly #logOversize: (message: string, fields?: Record<string, unknown>) => void;
  readonly #logCorrupt: (message: string, fields?: Record<string, unknown>) => void;
  readonly #onError = (error: unknown) =>
    this.#logFailure("redis cache connection failed; requests are served uncached", {
      error: messageOf(error),
    });
  #pending = 0;
  #closed = false;

  constructor(options: RedisStoreOptions = {}) {
    this.#prefix = options.keyPrefix ?? DEFAULT_PREFIX;
    this.#timeoutMs = Math.max(1, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.#defaultTtl = options.defaultTtlSeconds;
    this.#maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.#maxPending = Math.max(1, options.maxPendingCommands ?? 1024);
    this.#clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    const interval = options.logIntervalMs ?? 60_000;
    // One limiter per kind, so an outage's lines do not hide an oversized value's, and back.
    this.#logFailure = logOncePerInterval(logger, this.#clock, interval);
    this.#logOversize = logOncePerInterval(logger, this.#clock, interval);
    this.#logCorrupt = logOncePerInterval(logger, this.#clock, interval);

    if (options.client !== undefined) {
      this.#client = options.client;
      this.#ownsClient = false;
    } else {
      this.#client = createClient(options);
      this.#ownsClient = true;
    }
    // Without a listener ioredis prints every failed reconnect to stderr; ours logs once per interval.
    this.#client.on("error", this.#onError);
  }

  async get(key: string): Promise<string | undefined> {
    const raw = await this.#run("get", () => this.#client.get(this.#prefix + key));
    return raw === FAILED ? undefined : this.#unwrap(raw);
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (keys.length === 0) return [];
    const raws = await this.#run("mget", () =>
      this.#client.mget(keys.map((key) => this.#prefix + key)),
    );
    if (raws === FAILED) return keys.map(() => undefined);
    return raws.map((raw) => this.#unwrap(raw));
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    const ttl = ttlSeconds ?? this.#defaultTtl;
    // ttl <= 0 (and NaN, a parse gone wrong) means "do not store", as in MemoryStore.
    if (ttl !== undefined && !(ttl > 0)) return;
    const bytes = utf8Bytes(value, this.#maxValueBytes);
    if (bytes > this.#maxValueBytes) {
      this.#logOversize("cache value larger than maxValueBytes not stored", {
        bytes,
        maxValueBytes: this.#maxValueBytes,
      });
      return;
    }
    const ttlMs = ttl === undefined ? undefined : Math.ceil(ttl * 1000);
    const redisKey = this.#prefix + key;
    if (ttlMs === undefined || ttlMs > MAX_TTL_MS) {
      const envelope = encodeEnvelope(value, undefined);
      await this.#run("set", () => this.#client.set(redisKey, envelope));
      return;
    }
    // Redis expires the key itself (PX); the envelope's epoch lets readers check it on their clock.
    const envelope = encodeEnvelope(value, Math.ceil(this.#clock.now()) + ttlMs);
    await this.#run("set", () => this.#client.set(redisKey, envelope, "PX", ttlMs));
  }

  async delete(key: string): Promise<void> {
    await this.#run("del", () => this.#client.del(this.#prefix + key));
  }

  /**
   * Resolves true once Redis answers a PING, false after `timeoutMs`. For startup (so the first
   * requests are not misses while the connection opens) and tests; never throws.
   */
  async waitUntilReady(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#closed) return false;
      if (this.#client.status === "ready") {
        const pong = await this.#run("ping", () => this.#client.ping());
        if (pong === "PONG") return true;
      }
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  status(): CacheStoreStatus {
    return { type: "redis", connected: !this.#closed && this.#client.status === "ready" };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.off("error", this.#onError);
    if (!this.#ownsClient) return;
    // QUIT lets sets already sent finish; bounded like any command, then the socket goes.
    if (this.#client.status === "ready") {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.#client.quit().catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, this.#timeoutMs))),
      ]);
      clearTimeout(timer);
    }
    if (this.#client.status !== "end") this.#client.disconnect();
  }

  /** Runs one command, bounded by `timeoutMs`; FAILED (logged once per interval) on any failure. */
  async #run<T>(op: string, command: () => Promise<T>): Promise<T | Failed> {
    if (this.#closed) return FAILED;
    if (this.#pending >= this.#maxPending) {
      this.#logFailure("redis cache too slow: too many unanswered commands, serving uncached", {
        op,
        pending: this.#pending,
      });
      return FAILED;
    }
    let sent: Promise<T>;
    try {
      sent = command();
    } catch (error) {
      this.#logFailure("redis cache command failed; serving uncached", {
        op,
        error: messageOf(error),
      });
      return FAILED;
    }
    this.#pending += 1;
    const settled = sent.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    void settled.then(() => {
      this.#pending -= 1;
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.#timeoutMs);
      timer.unref();
    });
    const outcome = await Promise.race([settled, timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      this.#logFailure("redis cache command timed out; serving uncached", {
        op,
        timeoutMs: this.#timeoutMs,
      });
      return FAILED;
    }
    if (!outcome.ok) {
      this.#logFailure("redis cache command failed; serving uncached", {
        op,
        error: messageOf(outcome.error),
      });
      return FAILED;
    }
    return outcome.value;
  }

  #unwrap(raw: string | null): string | undefined {
    if (raw === null) return undefined;
    const entry = decodeEnvelope(raw);
    if (entry === undefined) {
      // Another writer under our prefix, or an older layout: a miss, overwritten by the next set.
      this.#logCorrupt("redis cache value is not in the expected layout; treated as a miss");
      return undefined;
    }
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.#clock.now()) return undefined;
    return entry.value;
  }
}

function createClient(options: RedisStoreOptions): Redis {
  const maxDelay = Math.max(1, options.reconnectMaxDelayMs ?? 1000);
  const behaviour: RedisOptions = {
    enableOfflineQueue: false,
    // Commands issued in the same tick go out in one write: one syscall for many requests'
    // lookups instead of one each (on loopback a write costs tens of µs of this process's CPU).
    enableAutoPipelining: true,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(50 * times, maxDelay),
    connectTimeout: 5000,
    // Finds a peer that vanished without closing the socket, so the client reconnects.
    keepAlive: 10_000,
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.db === undefined ? {} : { db: options.db }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  };
  if (options.url !== undefined && options.url !== "") return new Redis(options.url, behaviour);
  return new Redis({
    ...behaviour,
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 6379,
  });
}

/** UTF-8 length, without scanning a string that is clearly under or over `limit`. */
function utf8Bytes(value: string, limit: number): number {
  // A UTF-16 code unit is 1 to 3 UTF-8 bytes.
  if (value.length * 3 <= limit || value.length > limit) return value.length;
  return Buffer.byteLength(value, "utf8");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
