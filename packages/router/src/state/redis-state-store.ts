import type { Redis, RedisOptions } from "ioredis";
import type { RedisConnection } from "../config/redis-connection.ts";
import { connectRedis } from "../config/redis-connection.ts";
import type { Clock, RouterLogger } from "../util/logger.ts";
import { silentLogger, systemClock } from "../util/logger.ts";
import { redactSecrets } from "@org/core";
import { CooldownMirror } from "./cooldown-mirror.ts";
import { MemoryStateStore } from "./memory-state-store.ts";
import { ACQUIRE_SCRIPT, RELEASE_SCRIPT } from "./redis-scripts.ts";
import type {
  AcquireInput,
  AcquireResult,
  DeploymentView,
  ReleaseInput,
  ReleaseResult,
  RouterStateStore,
  StoreStatus,
} from "./state-store.ts";
import { minuteOf } from "./state-store.ts";

export interface RedisStateStoreOptions extends RedisConnection {
  /** Use an existing client instead (it is not closed by `close()`). */
  client?: Redis;
  /** Prefix of every key this store writes; give each router deployment (and test) its own. */
  keyPrefix?: string;
  /** routing_strategy_args.max_latency_list_size */
  maxLatencySamples?: number;
  /** routing_strategy_args.ttl, in ms */
  latencyTtlMs?: number;
  /** In-flight counters expire this long after their last increment, so a crashed instance's count fades. */
  inflightTtlMs?: number;
  /**
   * A Redis command slower than this fails, and the store serves from local state. Default 500
   * ms; with auto-pipelining a command may first wait for the batch ahead of it (about 1 s in all).
   */
  commandTimeoutMs?: number;
  /** While degraded, how often to check whether Redis answers again. */
  probeIntervalMs?: number;
  /** Upper bound of the reconnect back-off. */
  reconnectMaxDelayMs?: number;
  /**
   * For deployments picked without a round trip (see `acquire`): how often their cooldowns are
   * read again, on top of the published ones. Default 1000 ms.
   */
  cooldownRefreshMs?: number;
  /** Most deployments picked without a round trip (see `CooldownMirror`). Default 5,000. */
  cooldownMaxWatched?: number;
  /** A deployment no pick used for this long is picked through Redis again. Default 10 min. */
  cooldownIdleMs?: number;
  logger?: RouterLogger;
  clock?: Clock;
}

interface RouterCommands {
  llmRouterAcquire(numKeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown[]>;
  llmRouterRelease(numKeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown[]>;
}

/** Per-id key names that do not depend on the minute, built once per deployment. */
interface Keys {
  cooldown: string;
  inflight: string;
  latency: string;
  ttft: string;
  rpm: string;
  tpm: string;
  fails: string;
}

/** Minute keys outlive their minute a little, so a late release still lands on its counter. */
const USAGE_TTL_SECONDS = 120;

/**
 * Router state shared by every instance through one Redis. Each acquire and each release is one
 * round trip running one Lua script (atomic, keys expire by themselves), when the attempt needs
 * what only Redis knows: a deployment's rpm/tpm limit (held across instances), or a strategy
 * that ranks on shared counts (least-busy, usage-based, latency-based).
 *
 * Otherwise (the default simple-shuffle over deployments without limits: a pick needs only
 * whether a deployment is cooling down) the attempt is picked and released locally, with no
 * round trip, once this instance follows the deployment's cooldowns (`CooldownMirror`: the
 * release script publishes each cooldown it starts, and they are read again every second); the
 * first pick of a deployment still goes to Redis, and so does every failure, since failures are
 * counted across instances and cooldowns start there.
 *
 * Every operation is mirrored into a local MemoryStateStore. When Redis fails (connection lost,
 * command timeout) the store marks itself degraded, logs it once, and serves from that local
 * state; it probes in the background and resumes sharing when Redis answers. Counts made during
 * an outage are not replayed: per-minute windows make that self-correcting within a minute.
 */
export class RedisStateStore implements RouterStateStore {
  readonly backend = "redis";
  readonly #client: Redis;
  readonly #commands: RouterCommands;
  readonly #ownsClient: boolean;
  readonly #local: MemoryStateStore;
  readonly #prefix: string;
  readonly #keys = new Map<string, Keys>();
  readonly #maxSamples: number;
  readonly #latencyTtlSeconds: number;
  readonly #inflightTtlMs: number;
  readonly #logger: RouterLogger;
  readonly #clock: Clock;
  readonly #probe: ReturnType<typeof setInterval>;
  readonly #mirror: CooldownMirror;
  /**
   * Calls in flight that a shared acquire counted in Redis, per deployment: that many releases
   * give one back there. Every other release of a deployment the mirror watches skips Redis
   * unless the call failed.
   */
  readonly #sharedHeld = new Map<string, number>();
  readonly #channel: string;
  #healthy = false;
  #degradedSince: number | undefined;
  #lastError: string | undefined = "connecting";
  #closed = false;

  constructor(options: RedisStateStoreOptions) {
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.#prefix = options.keyPrefix ?? "litellm-router:";
    this.#maxSamples = Math.max(1, Math.floor(options.maxLatencySamples ?? 10));
    this.#latencyTtlSeconds = Math.max(1, Math.ceil((options.latencyTtlMs ?? 3_600_000) / 1000));
    this.#inflightTtlMs = Math.max(1000, Math.round(options.inflightTtlMs ?? 600_000));
    this.#local = new MemoryStateStore({
      maxLatencySamples: this.#maxSamples,
      latencyTtlMs: this.#latencyTtlSeconds * 1000,
    });
    this.#degradedSince = this.#clock.now();

    if (options.client !== undefined) {
      this.#client = options.client;
      this.#ownsClient = false;
    } else {
      const maxDelay = options.reconnectMaxDelayMs ?? 2000;
      const redisOptions: RedisOptions = {
        // Fail fast instead of queueing: a request must never wait on a Redis that is not there.
        enableOfflineQueue: false,
        // Acquires and releases of the same tick share one write (one syscall, not one each).
        // A client runs one such batch at a time and a command's timer starts when its batch is
        // sent, so a command can wait for the batch ahead of it and then its own timeout: the
        // default is half the 1 s a request may wait on a stalled Redis before the store serves
        // from its local state.
        enableAutoPipelining: true,
        maxRetriesPerRequest: 0,
        commandTimeout: options.commandTimeoutMs ?? 500,
        connectTimeout: 5000,
        retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay),
      };
      this.#client = connectRedis(options, redisOptions);
      this.#ownsClient = true;
    }
    this.#client.defineCommand("llmRouterAcquire", { lua: ACQUIRE_SCRIPT });
    this.#client.defineCommand("llmRouterRelease", { lua: RELEASE_SCRIPT });
    this.#commands = this.#client as unknown as RouterCommands;
    this.#channel = `${this.#prefix}cooldowns`;
    this.#mirror = new CooldownMirror({
      client: this.#client,
      channel: this.#channel,
      cooldownKeyOf: (id) => this.#keysOf(id).cooldown,
      apply: (id, until) => this.#local.applyCooldown(id, until),
      refreshMs: options.cooldownRefreshMs ?? 1000,
      isIdle: (id) => this.#local.view(id).inflight === 0 && !this.#sharedHeld.has(id),
      ...(options.cooldownIdleMs === undefined ? {} : { idleMs: options.cooldownIdleMs }),
      ...(options.cooldownMaxWatched === undefined
        ? {}
        : { maxWatched: options.cooldownMaxWatched }),
    });

    this.#client.on("ready", () => this.#recover());
    this.#client.on("error", (error: unknown) => this.#degrade(error));
    this.#client.on("close", () => this.#degrade(new Error("connection closed")));
    if (this.#client.status === "ready") this.#recover();

    // The connection can stay up while commands time out (a stalled server): then no "ready"
    // event comes, so a degraded store pings now and then to find out.
    this.#probe = setInterval(() => {
      if (!this.#healthy && !this.#closed && this.#client.status === "ready") {
        this.#client.ping().then(
          () => this.#recover(),
          () => {},
        );
      }
    }, options.probeIntervalMs ?? 1000);
    this.#probe.unref();
  }

  view(id: string): DeploymentView {
    return this.#local.view(id);
  }

  acquire(input: AcquireInput): AcquireResult | Promise<AcquireResult> {
    if (!this.#healthy) return this.#local.acquire(input);
    if (pickableLocally(input)) {
      if (this.#mirror.followsAll(input.candidates)) return this.#local.acquire(input);
      // The first pick of a deployment goes to Redis: its reply brings the cooldown as it is
      // now, and the mirror follows it from then on. Not before that reply: a pick made
      // meanwhile (the same burst) would go local on a view with no cooldown read yet.
      return this.#acquireShared(input).then((result) => {
        for (const c of input.candidates) this.#mirror.watch(c.id);
        return result;
      });
    }
    return this.#acquireShared(input);
  }

  release(input: ReleaseInput): ReleaseResult | Promise<ReleaseResult> {
    // Always recorded locally too, so local state is warm when Redis goes away.
    const local = this.#local.release(input);
    if (!this.#healthy) return local;
    const held = input.acquired ? (this.#sharedHeld.get(input.id) ?? 0) : 0;
    if (held > 0) {
      if (held === 1) this.#sharedHeld.delete(input.id);
      else this.#sharedHeld.set(input.id, held - 1);
      return this.#releaseShared(input, local);
    }
    // Watched, not only followed: a call picked locally before the subscription dropped has
    // nothing in Redis to give back, and a decrement there would take another instance's.
    if (this.#mirror.watches(input.id)) {
      if ((input.failure?.mode ?? "none") === "none") return local;
      // Failures are counted across instances; nothing was reserved in Redis to give back.
      return this.#releaseShared({ ...input, acquired: false }, local);
    }
    return this.#releaseShared(input, local);
  }

  cooldowns(ids: readonly string[], now: number): number[] | Promise<number[]> {
    if (!this.#healthy || ids.length === 0) return this.#local.cooldowns(ids, now);
    const sent = this.#mirror.stamp();
    return this.#client.mget(ids.map((id) => this.#keysOf(id).cooldown)).then(
      (values) => {
        const ends = values.map((v) => toCooldown(v, now));
        // The source of truth was just read: the local view takes it too, unless a cooldown
        // published since the read was sent is newer.
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i]!;
          if (this.#mirror.isStale(id, sent)) {
            const until = this.#local.view(id).cooldownUntil;
            ends[i] = until > now ? until : 0;
          } else this.#local.applyCooldown(id, ends[i]!);
        }
        return ends;
      },
      (error: unknown) => {
        this.#degrade(error);
        return this.#local.cooldowns(ids, now);
      },
    );
  }

  status(): StoreStatus {
    return {
      backend: this.backend,
      healthy: this.#healthy,
      ...(this.#degradedSince === undefined ? {} : { degradedSince: this.#degradedSince }),
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    };
  }

  /** Resolves true once Redis answers (false after `timeoutMs`); for startup and tests. */
  async waitUntilReady(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#healthy && Date.now() < deadline) {
      if (this.#client.status === "ready") {
        try {
          await this.#client.ping();
          this.#recover();
        } catch {
          // keep waiting
        }
      }
      if (!this.#healthy) await new Promise((r) => setTimeout(r, 20));
    }
    return this.#healthy;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#probe);
    await this.#mirror.close();
    if (this.#ownsClient) {
      try {
        await this.#client.quit();
      } catch {
        this.#client.disconnect();
      }
    }
    await this.#local.close();
  }

  async #acquireShared(input: AcquireInput): Promise<AcquireResult> {
    const { candidates, now } = input;
    const n = candidates.length;
    const minute = minuteOf(now);
    const keysAndArgs: Array<string | number> = new Array(6 * n + 5 + 2 * n);
    for (let i = 0; i < n; i++) {
      const keys = this.#keysOf(candidates[i]!.id);
      keysAndArgs[6 * i] = keys.cooldown;
      keysAndArgs[6 * i + 1] = keys.rpm + minute;
      keysAndArgs[6 * i + 2] = keys.tpm + minute;
      keysAndArgs[6 * i + 3] = keys.inflight;
      keysAndArgs[6 * i + 4] = keys.latency;
      keysAndArgs[6 * i + 5] = keys.ttft;
    }
    let a = 6 * n;
    keysAndArgs[a++] = now;
    keysAndArgs[a++] = Math.max(0, Math.round(input.tokens));
    keysAndArgs[a++] = input.withLatency ? 1 : 0;
    keysAndArgs[a++] = this.#inflightTtlMs;
    keysAndArgs[a++] = USAGE_TTL_SECONDS;
    for (const c of candidates) {
      keysAndArgs[a++] = c.rpm ?? -1;
      keysAndArgs[a++] = c.tpm ?? -1;
    }
    let reply: unknown[];
    const sent = this.#mirror.stamp();
    try {
      reply = await this.#commands.llmRouterAcquire(6 * n, ...keysAndArgs);
    } catch (error) {
      this.#degrade(error);
      return this.#local.acquire(input);
    }
    const chosen = Number(reply[0]) - 1;
    if (chosen >= 0) {
      const id = candidates[chosen]!.id;
      this.#sharedHeld.set(id, (this.#sharedHeld.get(id) ?? 0) + 1);
    }
    let cooling = 0;
    let limited = 0;
    let retryAt = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const base = 1 + i * 6;
      const id = candidates[i]!.id;
      // A cooldown published after the script ran is newer than what the reply read.
      const cooldownUntil = this.#mirror.isStale(id, sent)
        ? this.#local.view(id).cooldownUntil
        : Number(reply[base]);
      const latency = input.withLatency ? parseMean(reply[base + 4]) : undefined;
      const ttft = input.withLatency ? parseMean(reply[base + 5]) : undefined;
      this.#local.applySnapshot(id, {
        cooldownUntil,
        minute,
        rpm: Number(reply[base + 1]),
        tpm: Number(reply[base + 2]),
        inflight: Number(reply[base + 3]),
        now,
        ...(latency === undefined || ttft === undefined ? {} : { latency, ttft }),
      });
      if (chosen < 0) {
        if (cooldownUntil > now) {
          cooling++;
          retryAt = Math.min(retryAt, cooldownUntil);
        } else {
          limited++;
          retryAt = Math.min(retryAt, (minute + 1) * 60_000);
        }
      }
    }
    return chosen >= 0
      ? { index: chosen, cooling: 0, limited: 0, retryAt: now }
      : { index: -1, cooling, limited, retryAt: Number.isFinite(retryAt) ? retryAt : now };
  }

  async #releaseShared(input: ReleaseInput, local: ReleaseResult): Promise<ReleaseResult> {
    const { now } = input;
    const minute = minuteOf(now);
    const keys = this.#keysOf(input.id);
    const failure = input.failure;
    let reply: unknown[];
    try {
      reply = await this.#commands.llmRouterRelease(
        6,
        keys.inflight,
        keys.tpm + minute,
        keys.latency,
        keys.ttft,
        keys.fails + minute,
        keys.cooldown,
        now,
        input.acquired ? 1 : 0,
        Math.max(0, Math.round(input.tokens)),
        input.latencySample === undefined ? "" : String(input.latencySample),
        input.ttftSample === undefined ? "" : String(input.ttftSample),
        this.#maxSamples,
        this.#latencyTtlSeconds,
        USAGE_TTL_SECONDS,
        failure?.mode ?? "none",
        failure?.allowedFails ?? 0,
        Math.max(1, Math.round(failure?.cooldownMs ?? 1)),
        this.#channel,
        input.id,
      );
    } catch (error) {
      this.#degrade(error);
      return local;
    }
    const cooldownUntil = Number(reply[0]);
    this.#local.applySnapshot(input.id, {
      cooldownUntil,
      inflight: Number(reply[1]),
      minute,
      tpm: Number(reply[2]),
      now,
    });
    return { cooldownUntil };
  }

  #keysOf(id: string): Keys {
    let keys = this.#keys.get(id);
    if (keys === undefined) {
      const p = this.#prefix;
      keys = {
        cooldown: `${p}cooldown:${id}`,
        inflight: `${p}inflight:${id}`,
        latency: `${p}latency:${id}`,
        ttft: `${p}ttft:${id}`,
        rpm: `${p}rpm:${id}:`,
        tpm: `${p}tpm:${id}:`,
        fails: `${p}fails:${id}:`,
      };
      this.#keys.set(id, keys);
    }
    return keys;
  }

  #degrade(error: unknown): void {
    const message = redactSecrets(error instanceof Error ? error.message : String(error));
    this.#lastError = message;
    if (!this.#healthy) return;
    this.#healthy = false;
    this.#degradedSince = this.#clock.now();
    this.#logger.warn("router state store: Redis unavailable, serving from local state", {
      error: message,
    });
  }

  #recover(): void {
    if (this.#healthy || this.#closed) return;
    const wasDegradedSince = this.#degradedSince;
    this.#healthy = true;
    this.#degradedSince = undefined;
    this.#lastError = undefined;
    this.#logger.info("router state store: Redis reachable, sharing state", {
      ...(wasDegradedSince === undefined
        ? {}
        : { degradedForMs: this.#clock.now() - wasDegradedSince }),
    });
  }
}

/**
 * Whether an attempt needs nothing that only Redis knows: no candidate has an rpm/tpm limit
 * (those are held across instances by the acquire script) and the strategy does not rank on
 * shared counts. Then only cooldowns matter, and the mirror keeps them.
 */
function pickableLocally(input: AcquireInput): boolean {
  if (input.sharedCounts !== false || input.withLatency) return false;
  for (const c of input.candidates) {
    if (c.rpm !== undefined || c.tpm !== undefined) return false;
  }
  return true;
}

function toCooldown(value: string | null, now: number): number {
  if (value === null) return 0;
  const until = Number(value);
  return Number.isFinite(until) && until > now ? until : 0;
}

function parseMean(value: unknown): number {
  if (value === "" || value === null || value === undefined) return Number.NaN;
  const n = Number(value);
  return Number.isFinite(n) ? n : Number.NaN;
}

export function createRedisStateStore(options: RedisStateStoreOptions): RedisStateStore {
  return new RedisStateStore(options);
}
