import type { MaybePromise } from "../util/maybe-promise.ts";
import type { RateDescriptor } from "./rate-descriptor.ts";

/** Requests and tokens are counted per fixed 60-second window aligned to the clock minute. */
export const RATE_WINDOW_MS = 60_000;

export type RateLimitType = "requests" | "tokens" | "max_parallel_requests";

export interface RateAcquireInput {
  /** The request's id (call id): its parallel slot is released by it. */
  readonly id: string;
  readonly descriptors: readonly RateDescriptor[];
  /** Tokens counted before the call (the prompt); the rest is added when it finishes. */
  readonly tokens: number;
  readonly now: number;
}

/** The tightest remaining request and token allowance over the descriptors, for headers. */
export interface RateRemaining {
  readonly requests?: { readonly remaining: number; readonly limit: number };
  readonly tokens?: { readonly remaining: number; readonly limit: number };
}

export interface RateLease {
  readonly id: string;
  readonly descriptors: readonly RateDescriptor[];
  /** Start of the window the request was counted in. */
  readonly window: number;
  readonly tokens: number;
}

export type RateAcquireResult =
  | { readonly ok: true; readonly lease: RateLease; readonly remaining: RateRemaining }
  | {
      readonly ok: false;
      readonly descriptor: RateDescriptor;
      readonly type: RateLimitType;
      readonly limit: number;
      readonly current: number;
      /** When trying again can succeed (end of the window; about a second for parallel limits). */
      readonly retryAfterMs: number;
    };

export interface RateReleaseInput {
  /** Total tokens the request used (prompt + completion); what the window is finally charged. */
  readonly tokens: number;
  readonly now: number;
  /** The request never ran (a later check refused it): un-count it entirely. */
  readonly rollback?: boolean;
  /**
   * The lease is a guess: its acquire failed without an answer (the reply was lost), so it may
   * or may not have counted. Take back only what it did (a limiter whose acquire always answers,
   * the memory one, has nothing of the kind to take back).
   */
  readonly onlyIfAcquired?: boolean;
}

/**
 * rpm, tpm and max_parallel_requests for every descriptor of a request, checked and counted
 * together (all or nothing). Admission is LiteLLM's: refused once the window's count has reached
 * the limit. Parallel slots expire by themselves so a dead instance does not hold them.
 */
export interface RateLimiter {
  acquire(input: RateAcquireInput): MaybePromise<RateAcquireResult>;
  release(lease: RateLease, input: RateReleaseInput): MaybePromise<void>;
  close(): Promise<void>;
}

/** Lifetime of a parallel slot whose request never released it. */
export const DEFAULT_SLOT_TTL_MS = 10 * 60_000;

export function windowStart(now: number): number {
  return now - (now % RATE_WINDOW_MS);
}
