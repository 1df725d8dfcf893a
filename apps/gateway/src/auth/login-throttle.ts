import { RateLimitError } from "@org/core";

/**
 * Refused logins per client address, so /v2/login cannot be used to guess a UI_PASSWORD (which,
 * unlike a generated key, may be short). After `maxFailures` refusals within `windowMs` an
 * address gets a 429 until that window ends, whatever it sends: a right guess made after the
 * limit is refused too, so guessing on does not tell the attacker anything. A success does not
 * reset the count (else a guesser holding any valid key of its own could log in between tries). In memory, per
 * process: the limit is per gateway instance. The address is the TCP peer, never a forwarded
 * header a client could spoof; behind a reverse proxy every client shares the proxy's address,
 * so a guesser can lock the dashboard's login for that window (API keys are not affected).
 */
export interface LoginThrottle {
  /** Throws a 429 when the address is locked out. */
  check(address: string): void;
  failed(address: string): void;
}

/** Addresses tracked at once; beyond it the oldest window is dropped (memory stays bounded). */
const MAX_TRACKED = 10_000;

export function createLoginThrottle(
  options: { maxFailures?: number; windowMs?: number; now?: () => number } = {},
): LoginThrottle {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  // Insertion order is window start order: the first entry is always the oldest.
  const windows = new Map<string, { start: number; failures: number }>();

  const current = (address: string) => {
    const entry = windows.get(address);
    if (entry && now() - entry.start >= windowMs) {
      windows.delete(address);
      return undefined;
    }
    return entry;
  };

  return {
    check(address) {
      const entry = current(address);
      if (entry && entry.failures >= maxFailures) {
        throw new RateLimitError("Too many failed logins from this address. Try again later.", {
          code: "too_many_login_attempts",
          retryAfterMs: entry.start + windowMs - now(),
        });
      }
    },
    failed(address) {
      const entry = current(address);
      if (entry) {
        entry.failures += 1;
        return;
      }
      if (windows.size >= MAX_TRACKED) windows.delete(windows.keys().next().value!);
      windows.set(address, { start: now(), failures: 1 });
    },
  };
}
