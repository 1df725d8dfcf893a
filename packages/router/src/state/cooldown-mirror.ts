import type { Redis } from "ioredis";

export interface CooldownMirrorOptions {
  /** The store's client: the refresh reads through it; the subscriber is its duplicate. */
  client: Redis;
  /** The channel the release script publishes `<until>:<id>` on when a cooldown starts. */
  channel: string;
  /** Redis key of a deployment's cooldown (its value: the end, ms epoch). */
  cooldownKeyOf(id: string): string;
  /** Sets this instance's view of a deployment's cooldown end (0: none). */
  apply(id: string, until: number): void;
  /** How often every watched deployment's cooldown is read again. */
  refreshMs: number;
  /**
   * Most deployments followed. Wildcard routes make deployment ids client-driven
   * ("openai/<anything>"), so the set, and the MGET that reads it every second, must not grow
   * without bound: past it, a deployment is simply picked through Redis as before. Default 5,000.
   */
  maxWatched?: number;
  /**
   * A deployment no pick has used for this long is no longer followed (its next pick goes
   * through Redis again, as a first one), so that ids a wildcard route saw once, or deployments
   * a reload removed, do not hold places under `maxWatched` and grow the MGET for good. Default
   * 10 minutes.
   */
  idleMs?: number;
  /**
   * Whether a deployment has nothing in flight on this instance: only then may it stop being
   * followed (a call picked locally releases locally, which `watches` decides).
   */
  isIdle?(id: string): boolean;
}

/** How many refreshes apart the idle sweep runs at most (a minute at the default 1 s). */
const SWEEP_EVERY = 60;

/**
 * This instance's copy of the cooldowns every instance starts, for deployments whose attempts
 * are picked locally (no Redis round trip per request: see `RedisStateStore.acquire`).
 *
 * Two ways in, so neither a lost message nor a reconnect leaves a cooldown unseen for long:
 * - the release script PUBLISHes each cooldown it starts; a subscriber (a duplicate connection:
 *   a subscribed connection can run nothing else) applies it as soon as it arrives, typically
 *   within a millisecond on the same network;
 * - every `refreshMs` (and whenever the subscriber (re)connects), one MGET reads the cooldown of
 *   every watched deployment and applies it, ended ones included. A cooldown is therefore seen
 *   everywhere within `refreshMs` at worst; meanwhile a request may still reach the cooled-down
 *   deployment and, if it fails, is retried on another one (LiteLLM's in-memory cooldown cache
 *   in front of Redis has the same window, up to its 10 s batch-read throttle).
 */
export class CooldownMirror {
  readonly #options: CooldownMirrorOptions;
  /** Each followed deployment, with the refresh count (`#refreshes`) when a pick last used it. */
  readonly #watched = new Map<string, number>();
  #refreshes = 0;
  #subscriber: Redis | undefined;
  /** Subscribed: cooldowns published from now on arrive. */
  #live = false;
  /** Counts the subscriber's lost connections: a confirmation from an earlier one is stale. */
  #connection = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /**
   * Orders what arrives on two connections: a refresh's MGET sent before a cooldown started can
   * be answered after that cooldown's message, and must not undo it.
   */
  #seq = 0;
  readonly #messageSeq = new Map<string, number>();

  constructor(options: CooldownMirrorOptions) {
    this.#options = options;
  }

  /** Starts following a deployment's cooldown (the first call connects the subscriber). */
  watch(id: string): void {
    if (this.#closed) return;
    if (this.#watched.has(id)) {
      this.#watched.set(id, this.#refreshes);
      return;
    }
    if (this.#watched.size >= (this.#options.maxWatched ?? 5_000)) return;
    this.#watched.set(id, this.#refreshes);
    if (this.#subscriber === undefined) this.#start();
  }

  /**
   * Whether a deployment is watched: its picks may have been made locally, with nothing reserved
   * in Redis, whether or not the subscription is up now.
   */
  watches(id: string): boolean {
    return this.#watched.has(id);
  }

  followsAll(deployments: readonly { readonly id: string }[]): boolean {
    if (!this.#live) return false;
    for (const d of deployments) if (!this.#watched.has(d.id)) return false;
    // Marked used only when the pick goes local: a shared pick watches them itself.
    for (const d of deployments) this.#watched.set(d.id, this.#refreshes);
    return true;
  }

  /** Stops following the deployments no pick used for `idleMs` and with nothing in flight. */
  sweep(): void {
    const idleRefreshes = this.#idleRefreshes();
    for (const [id, used] of this.#watched) {
      if (this.#refreshes - used < idleRefreshes) continue;
      if (this.#options.isIdle !== undefined && !this.#options.isIdle(id)) continue;
      this.#watched.delete(id);
      this.#messageSeq.delete(id);
    }
  }

  /**
   * Stamps a read of cooldowns about to be sent (the periodic MGET, a shared acquire's reply,
   * `cooldowns()`): its answer for a deployment is older than a cooldown message that arrived
   * after the stamp (`isStale`), and must not undo it.
   */
  stamp(): number {
    return ++this.#seq;
  }

  isStale(id: string, sent: number): boolean {
    return (this.#messageSeq.get(id) ?? 0) > sent;
  }

  /** Reads every watched deployment's cooldown now (also run on a timer). */
  async refresh(): Promise<void> {
    if (++this.#refreshes % Math.min(SWEEP_EVERY, this.#idleRefreshes()) === 0) this.sweep();
    const ids = [...this.#watched.keys()];
    if (ids.length === 0 || this.#closed) return;
    const sent = this.stamp();
    let values: (string | null)[];
    try {
      values = await this.#options.client.mget(ids.map((id) => this.#options.cooldownKeyOf(id)));
    } catch {
      // The store's own commands notice an unreachable Redis and degrade; the next tick retries.
      return;
    }
    if (this.#closed) return;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (this.isStale(id, sent)) continue;
      this.#options.apply(id, cooldownEnd(values[i]));
    }
  }

  #idleRefreshes(): number {
    return Math.max(1, Math.ceil((this.#options.idleMs ?? 600_000) / this.#options.refreshMs));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#live = false;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (subscriber !== undefined) {
      try {
        await subscriber.quit();
      } catch {
        subscriber.disconnect();
      }
    }
  }

  #start(): void {
    const { client, channel, refreshMs } = this.#options;
    // Each "ready" subscribes (again: ioredis also resubscribes by itself after a reconnect).
    const subscriber = client.duplicate({
      enableOfflineQueue: true,
      enableAutoPipelining: false,
      lazyConnect: false,
    });
    this.#subscriber = subscriber;
    subscriber.on("error", () => {
      // Reported by the store's own client; the refresh covers what is missed meanwhile.
    });
    // A dropped connection may have missed messages: no local picks until it is back, and then
    // only once Redis has confirmed the subscription and one read of every watched cooldown made
    // after it has answered. Not on "ready" itself: ioredis emits it before it sends the
    // SUBSCRIBE again, and a SUBSCRIBE can be refused (an ACL user without channel rights), and
    // then nothing would ever arrive.
    subscriber.on("close", () => {
      this.#live = false;
      this.#connection++;
    });
    subscriber.on("ready", () => {
      if (this.#closed) return;
      const connection = this.#connection;
      subscriber.subscribe(channel).then(
        async () => {
          await this.refresh();
          if (!this.#closed && connection === this.#connection) this.#live = true;
        },
        () => {
          // Refused, or the connection dropped first: picks keep going through Redis.
        },
      );
    });
    subscriber.on("message", (_channel: string, message: string) => {
      const colon = message.indexOf(":");
      if (colon <= 0) return;
      const until = Number(message.slice(0, colon));
      const id = message.slice(colon + 1);
      if (!Number.isFinite(until) || !this.#watched.has(id)) return;
      this.#messageSeq.set(id, ++this.#seq);
      this.#options.apply(id, until);
    });
    this.#timer = setInterval(() => void this.refresh(), refreshMs);
    this.#timer.unref();
  }
}

function cooldownEnd(value: string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const until = Number(value);
  return Number.isFinite(until) && until > 0 ? until : 0;
}
