/**
 * How a value sits in Redis: `1|<expiresAt>|<value>`, where `1` is the layout version and
 * `expiresAt` is the epoch ms after which the entry is stale (`0`: no expiry).
 *
 * Redis expires the key by itself (SET ... PX), and the store also checks `expiresAt` against its
 * injected clock: so a test moves a fake clock to expire an entry, and an instance never serves an
 * entry past the expiry its writer gave it, whatever Redis's own timer says. The value is
 * everything after the second `|`, so a value holding `|` (or looking like an envelope) is safe.
 */
const VERSION = "1|";

export function encodeEnvelope(value: string, expiresAt: number | undefined): string {
  return `${VERSION}${expiresAt === undefined ? 0 : expiresAt}|${value}`;
}

export interface DecodedEnvelope {
  readonly value: string;
  /** Epoch ms; undefined when the entry does not expire. */
  readonly expiresAt: number | undefined;
}

/** The value and its expiry, or undefined when `raw` is not an envelope of this layout. */
export function decodeEnvelope(raw: string): DecodedEnvelope | undefined {
  if (!raw.startsWith(VERSION)) return undefined;
  const end = raw.indexOf("|", VERSION.length);
  if (end === -1) return undefined;
  const digits = raw.slice(VERSION.length, end);
  if (!/^\d{1,16}$/.test(digits)) return undefined;
  const expiresAt = Number(digits);
  return { value: raw.slice(end + 1), expiresAt: expiresAt === 0 ? undefined : expiresAt };
}
