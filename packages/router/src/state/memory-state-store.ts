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

export interface MemoryStateStoreOptions {
  /**
   * Past this many deployments, idle ones are forgotten. Wildcard routes make deployment ids
   * client-driven ("openai/<anything>"), so the map must not grow without bound.
   */
  maxEntries?: number;
  /** Latency samples kept per deployment (routing_strategy_args.max_latency_list_size). */
  maxLatencySamples?: number;
  /** Samples older than this are forgotten (routing_strategy_args.ttl, in ms). */
  latencyTtlMs?: number;
}

/** One deployment's state. It is also its own view: reading a view allocates nothing. */
class Entry implements DeploymentView {
  cooldownUntil = 0;
  inflight = 0;
  minute = -1;
  rpm = 0;
  tpm = 0;
  failMinute = -1;
  fails = 0;
  latency = Number.NaN;
  ttft = Number.NaN;
  sampledAt = 0;
  readonly latencies: Samples;
  readonly ttfts: Samples;

  constructor(size: number) {
    this.latencies = new Samples(size);
    this.ttfts = new Samples(size);
  }

  /** Usage counts belong to one minute; a new minute starts from zero. */
  roll(minute: number): void {
    if (this.minute !== minute) {
      this.minute = minute;
      this.rpm = 0;
      this.tpm = 0;
    }
  }
}

/** A fixed ring of recent samples with a running sum. */
class Samples {
  readonly #values: Float64Array;
  #count = 0;
  #next = 0;
  #sum = 0;
  #updatedAt = 0;

  constructor(size: number) {
    this.#values = new Float64Array(size);
  }

  push(value: number, now: number, ttlMs: number): number {
    if (now - this.#updatedAt > ttlMs) this.clear();
    this.#updatedAt = now;
    if (this.#count === this.#values.length) this.#sum -= this.#values[this.#next] ?? 0;
    else this.#count++;
    this.#values[this.#next] = value;
    this.#sum += value;
    this.#next = (this.#next + 1) % this.#values.length;
    return this.#sum / this.#count;
  }

  clear(): void {
    this.#count = 0;
    this.#next = 0;
    this.#sum = 0;
  }
}

const EMPTY_VIEW: DeploymentView = Object.freeze({
  cooldownUntil: 0,
  inflight: 0,
  minute: -1,
  rpm: 0,
  tpm: 0,
  latency: Number.NaN,
  ttft: Number.NaN,
  sampledAt: 0,
});

/**
 * Router state for one instance. Synchronous throughout: no promise is created on the request
 * path. Also the Redis store's local copy, which keeps serving when Redis is unreachable.
 */
export class MemoryStateStore implements RouterStateStore {
  readonly backend = "memory";
  readonly #entries = new Map<string, Entry>();
  readonly #size: number;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  #now = 0;

  constructor(options: MemoryStateStoreOptions = {}) {
    this.#size = Math.max(1, Math.floor(options.maxLatencySamples ?? 10));
    this.#ttlMs = options.latencyTtlMs ?? 3_600_000;
    this.#maxEntries = Math.max(16, options.maxEntries ?? 10_000);
  }

  view(id: string): DeploymentView {
    return this.#entries.get(id) ?? EMPTY_VIEW;
  }

  acquire(input: AcquireInput): AcquireResult {
    const { candidates, now, tokens } = input;
    this.#now = now;
    const minute = minuteOf(now);
    let cooling = 0;
    let limited = 0;
    let retryAt = Number.POSITIVE_INFINITY;
    for (let i = 0; i < candidates.length; i++) {
      const candidate = candidates[i];
      if (candidate === undefined) continue;
      const entry = this.#entry(candidate.id);
      entry.roll(minute);
      if (entry.cooldownUntil > now) {
        cooling++;
        if (entry.cooldownUntil < retryAt) retryAt = entry.cooldownUntil;
        continue;
      }
      if (!hasRoom(entry.rpm, entry.tpm, candidate.rpm, candidate.tpm, tokens)) {
        limited++;
        const nextMinute = (minute + 1) * 60_000;
        if (nextMinute < retryAt) retryAt = nextMinute;
        continue;
      }
      entry.rpm++;
      entry.inflight++;
      return { index: i, cooling, limited, retryAt: now };
    }
    return { index: -1, cooling, limited, retryAt: Number.isFinite(retryAt) ? retryAt : now };
  }

  release(input: ReleaseInput): ReleaseResult {
    const { now } = input;
    this.#now = now;
    const entry = this.#entry(input.id);
    if (input.acquired && entry.inflight > 0) entry.inflight--;
    if (input.tokens > 0) {
      entry.roll(minuteOf(now));
      entry.tpm += input.tokens;
    }
    if (input.latencySample !== undefined) {
      entry.latency = entry.latencies.push(input.latencySample, now, this.#ttlMs);
      entry.sampledAt = now;
    }
    if (input.ttftSample !== undefined) {
      entry.ttft = entry.ttfts.push(input.ttftSample, now, this.#ttlMs);
      entry.sampledAt = now;
    }
    const failure = input.failure;
    if (failure !== undefined && failure.mode !== "none") {
      let cool = failure.mode === "immediate";
      if (failure.mode === "count") {
        const minute = minuteOf(now);
        if (entry.failMinute !== minute) {
          entry.failMinute = minute;
          entry.fails = 0;
        }
        entry.fails++;
        // LiteLLM: a cooldown once the failures this minute exceed allowed_fails; the count
        // restarts with the cooldown, so a recovered deployment gets its full allowance again.
        if (entry.fails > failure.allowedFails) {
          cool = true;
          entry.fails = 0;
        }
      }
      if (cool) entry.cooldownUntil = Math.max(entry.cooldownUntil, now + failure.cooldownMs);
    }
    return { cooldownUntil: entry.cooldownUntil > now ? entry.cooldownUntil : 0 };
  }

  cooldowns(ids: readonly string[], now: number): number[] {
    return ids.map((id) => {
      const until = this.#entries.get(id)?.cooldownUntil ?? 0;
      return until > now ? until : 0;
    });
  }

  /** Sets a deployment's cooldown end (0: none), as another instance or Redis reports it. */
  applyCooldown(id: string, until: number): void {
    this.#entry(id).cooldownUntil = until;
  }

  /**
   * Overwrites this instance's copy with what the shared store reported (Redis store only).
   * Latency means are taken as reported; local samples keep accumulating for outages.
   */

  applySnapshot(
    id: string,
    snapshot: {
      cooldownUntil: number;
      minute?: number;
      rpm?: number;
      tpm?: number;
      inflight: number;
      latency?: number;
      ttft?: number;
      now: number;
    },
  ): void {
    const entry = this.#entry(id);
    entry.cooldownUntil = snapshot.cooldownUntil;
    entry.inflight = snapshot.inflight;
    if (snapshot.minute !== undefined) {
      entry.minute = snapshot.minute;
      if (snapshot.rpm !== undefined) entry.rpm = snapshot.rpm;
      if (snapshot.tpm !== undefined) entry.tpm = snapshot.tpm;
    }
    if (snapshot.latency !== undefined && snapshot.ttft !== undefined) {
      entry.latency = snapshot.latency;
      entry.ttft = snapshot.ttft;
      // Redis expires the sample lists itself; what it returns is current by definition.
      entry.sampledAt = snapshot.now;
    }
  }

  status(): StoreStatus {
    return { backend: this.backend, healthy: true };
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }

  #entry(id: string): Entry {
    let entry = this.#entries.get(id);
    if (entry === undefined) {
      if (this.#entries.size >= this.#maxEntries) this.#sweep();
      entry = new Entry(this.#size);
      this.#entries.set(id, entry);
    }
    return entry;
  }

  /** Forgets deployments with nothing worth keeping: idle, not cooling down, no fresh samples. */
  #sweep(): void {
    const now = this.#now;
    const minute = minuteOf(now);
    for (const [id, e] of this.#entries) {
      if (
        e.inflight === 0 &&
        e.cooldownUntil <= now &&
        e.minute < minute &&
        e.failMinute < minute &&
        now - e.sampledAt > this.#ttlMs
      ) {
        this.#entries.delete(id);
      }
    }
  }
}

/** A deployment at its limit is skipped: rpm + 1 over the limit, or tpm at/over it with these tokens. */
export function hasRoom(
  rpm: number,
  tpm: number,
  rpmLimit: number | undefined,
  tpmLimit: number | undefined,
  tokens: number,
): boolean {
  if (rpmLimit !== undefined && rpm + 1 > rpmLimit) return false;
  if (tpmLimit !== undefined && (tpm >= tpmLimit || tpm + tokens > tpmLimit)) return false;
  return true;
}

export function createMemoryStateStore(options?: MemoryStateStoreOptions): MemoryStateStore {
  return new MemoryStateStore(options);
}
