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
  /**
   * Counts a login attempt from `address` as refused before its credentials are checked, or
   * throws a 429 when the address is locked out. Counting first means a burst of parallel guesses
   * cannot all pass the check before the first refusal is recorded. Call `release()` on the
   * returned ticket when the attempt turned out not to be a refused guess (it logged in, its body
   * was malformed, or the check itself failed on our side).
   */
  begin(address: string): { release(): void };
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
    begin(rawAddress) {
      const address = throttledPrefix(rawAddress);
      let entry = current(address);
      if (entry && entry.failures >= maxFailures) {
        throw new RateLimitError("Too many failed logins from this address. Try again later.", {
          code: "too_many_login_attempts",
          retryAfterMs: entry.start + windowMs - now(),
        });
      }
      if (entry === undefined) {
        if (windows.size >= MAX_TRACKED) windows.delete(windows.keys().next().value!);
        entry = { start: now(), failures: 0 };
        windows.set(address, entry);
      }
      entry.failures += 1;
      const counted = entry;
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          // Only while the same window lasts: a new window starts from its own attempts.
          if (windows.get(address) === counted && counted.failures > 0) counted.failures -= 1;
        },
      };
    },
  };
}

/**
 * The unit an address is limited by: an IPv4 address itself, an IPv6 address's /64 (one
 * client usually holds a whole /64, so per-address limits would give it 2^64 tries).
 */
export function throttledPrefix(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(":")) return address;
  const [head = "", tail] = address.toLowerCase().split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (g === "" ? "0" : g.replace(/^0+(?=.)/, "")))
    .join(":")}::/64`;
}
