import type { RateDescriptor } from "./rate-descriptor.ts";
import {
  DEFAULT_SLOT_TTL_MS,
  RATE_WINDOW_MS,
  windowStart,
  type RateAcquireResult,
  type RateLimiter,
  type RateRemaining,
} from "./rate-limiter.ts";

export interface MemoryRateLimiterOptions {
  slotTtlMs?: number;
}

interface Counter {
  window: number;
  requests: number;
  tokens: number;
  /** Request id -> slot expiry; insertion order is expiry order. */
  readonly slots: Map<string, number>;
}

/** Counters for one instance, answered synchronously. Use the Redis limiter across instances. */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions = {}): RateLimiter {
  const slotTtlMs = options.slotTtlMs ?? DEFAULT_SLOT_TTL_MS;
  const counters = new Map<string, Counter>();
  let operations = 0;

  // Every so often, drop counters of past windows that hold no parallel slot.
  const sweep = (window: number) => {
    if (++operations % 10_000 !== 0) return;
    for (const [id, c] of counters) {
      if (c.window < window - RATE_WINDOW_MS && c.slots.size === 0) counters.delete(id);
    }
  };

  const counterFor = (d: RateDescriptor, window: number, now: number): Counter => {
    let c = counters.get(d.id);
    if (c === undefined) {
      c = { window, requests: 0, tokens: 0, slots: new Map() };
      counters.set(d.id, c);
    } else if (c.window < window) {
      c.window = window;
      c.requests = 0;
      c.tokens = 0;
    }
    if (c.slots.size > 0) {
      for (const [id, expiresAt] of c.slots) {
        if (expiresAt > now) break;
        c.slots.delete(id);
      }
    }
    return c;
  };

  return {
    acquire({ id, descriptors, tokens, now }): RateAcquireResult {
      const window = windowStart(now);
      sweep(window);
      for (const d of descriptors) {
        const c = counterFor(d, window, now);
        if (d.rpm != null && c.requests >= d.rpm) {
          return refusal(d, "requests", d.rpm, c.requests, window + RATE_WINDOW_MS - now);
        }
        if (d.tpm != null && c.tokens >= d.tpm) {
          return refusal(d, "tokens", d.tpm, c.tokens, window + RATE_WINDOW_MS - now);
        }
        if (d.maxParallel != null && c.slots.size >= d.maxParallel) {
          return refusal(d, "max_parallel_requests", d.maxParallel, c.slots.size, 1000);
        }
      }
      let requests: { remaining: number; limit: number } | undefined;
      let tokenRoom: { remaining: number; limit: number } | undefined;
      for (const d of descriptors) {
        const c = counters.get(d.id)!;
        c.requests += 1;
        c.tokens += tokens;
        if (d.maxParallel != null) c.slots.set(id, now + slotTtlMs);
        if (d.rpm != null && (requests === undefined || d.rpm - c.requests < requests.remaining)) {
          requests = { remaining: Math.max(0, d.rpm - c.requests), limit: d.rpm };
        }
        if (d.tpm != null && (tokenRoom === undefined || d.tpm - c.tokens < tokenRoom.remaining)) {
          tokenRoom = { remaining: Math.max(0, d.tpm - c.tokens), limit: d.tpm };
        }
      }
      const remaining: RateRemaining = {
        ...(requests ? { requests } : {}),
        ...(tokenRoom ? { tokens: tokenRoom } : {}),
      };
      return { ok: true, lease: { id, descriptors, window, tokens }, remaining };
    },

    release(lease, { tokens, rollback, onlyIfAcquired }) {
      // Every acquire here answers: a lease that is only a guess was never counted.
      if (onlyIfAcquired) return;
      for (const d of lease.descriptors) {
        const c = counters.get(d.id);
        if (c === undefined) continue;
        c.slots.delete(lease.id);
        if (c.window === lease.window) {
          if (rollback) {
            c.requests = Math.max(0, c.requests - 1);
            c.tokens = Math.max(0, c.tokens - lease.tokens);
          } else {
            c.tokens = Math.max(0, c.tokens + tokens - lease.tokens);
          }
        } else if (!rollback) {
          // Finished in a later window: LiteLLM charges tokens when the response arrives.
          c.tokens += tokens;
        }
      }
    },

    close() {
      counters.clear();
      return Promise.resolve();
    },
  };
}

function refusal(
  descriptor: RateDescriptor,
  type: "requests" | "tokens" | "max_parallel_requests",
  limit: number,
  current: number,
  retryAfterMs: number,
): RateAcquireResult {
  return { ok: false, descriptor, type, limit, current, retryAfterMs };
}
