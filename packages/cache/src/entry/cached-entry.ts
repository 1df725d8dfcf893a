import type { ChatCompletion } from "@org/core";

/** Bumped when the stored shape changes: entries of another version read as misses. */
const ENTRY_VERSION = 1;

/** A stored chat answer. */
export interface CachedChat {
  readonly v: typeof ENTRY_VERSION;
  readonly kind: "chat";
  /** Epoch ms it was stored (for `s-maxage`). */
  readonly storedAt: number;
  /** Epoch ms it expires; null: never (until evicted). */
  readonly expiresAt: number | null;
  readonly completion: ChatCompletion;
}

/** One stored embedding input's vector. */
export interface CachedEmbedding {
  readonly v: typeof ENTRY_VERSION;
  readonly kind: "embedding";
  readonly storedAt: number;
  readonly expiresAt: number | null;
  readonly embedding: number[] | string;
  /** The model the upstream named in its answer. */
  readonly model: string;
  /** This input's share of the upstream's prompt tokens (exact for a single input). */
  readonly tokens: number;
}

export type CachedEntry = CachedChat | CachedEmbedding;

export function chatEntry(
  completion: ChatCompletion,
  now: number,
  ttlSeconds?: number,
): CachedChat {
  return {
    v: ENTRY_VERSION,
    kind: "chat",
    storedAt: now,
    expiresAt: expiry(now, ttlSeconds),
    completion,
  };
}

export function embeddingEntry(
  embedding: number[] | string,
  model: string,
  tokens: number,
  now: number,
  ttlSeconds?: number,
): CachedEmbedding {
  return {
    v: ENTRY_VERSION,
    kind: "embedding",
    storedAt: now,
    expiresAt: expiry(now, ttlSeconds),
    embedding,
    model,
    tokens,
  };
}

export function encodeEntry(entry: CachedEntry): string {
  return JSON.stringify(entry);
}

/**
 * The entry a stored value holds, when it is of this version and kind, not expired and not older
 * than `maxAgeSeconds`; otherwise undefined (a miss). Never throws: a value another program wrote
 * under our prefix is a miss, not a 500.
 */
export function decodeEntry<K extends CachedEntry["kind"]>(
  value: string | undefined,
  kind: K,
  now: number,
  maxAgeSeconds?: number,
): Extract<CachedEntry, { kind: K }> | undefined {
  if (value === undefined) return undefined;
  const entry = parseEntry(value, kind);
  return entry !== undefined && isFresh(entry, now, maxAgeSeconds) ? entry : undefined;
}

/**
 * The entry a stored value holds when it is of this version and kind, whatever its age: what
 * does not change between two reads of one value (the memory store keeps it, see
 * `entry/chat-hit.ts`). Never throws.
 */
export function parseEntry<K extends CachedEntry["kind"]>(
  value: string,
  kind: K,
): Extract<CachedEntry, { kind: K }> | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (entry === null || typeof entry !== "object") return undefined;
  const e = entry as Partial<CachedEntry>;
  if (e.v !== ENTRY_VERSION || e.kind !== kind || typeof e.storedAt !== "number") return undefined;
  // Anything but a number or null is not "never expires".
  if (e.expiresAt !== null && typeof e.expiresAt !== "number") return undefined;
  if (kind === "chat" && !isCompletion((e as Partial<CachedChat>).completion)) return undefined;
  if (kind === "embedding") {
    const { embedding: emb, model, tokens } = e as Partial<CachedEmbedding>;
    if (!Array.isArray(emb) && typeof emb !== "string") return undefined;
    // A hit answers with these: a missing model or token count would reach the client as such.
    if (typeof model !== "string" || typeof tokens !== "number") return undefined;
  }
  return entry as Extract<CachedEntry, { kind: K }>;
}

/** Not expired at `now`, and not older than `maxAgeSeconds` (the request's `s-maxage`). */
export function isFresh(entry: CachedEntry, now: number, maxAgeSeconds?: number): boolean {
  if (entry.expiresAt !== null && entry.expiresAt <= now) return false;
  // RFC 9111: the client refuses an answer whose age is *greater* than max-age (so an entry
  // exactly that old, or max-age=0 within the millisecond it was stored, still answers).
  return maxAgeSeconds === undefined || now - entry.storedAt <= maxAgeSeconds * 1000;
}

/**
 * The stored answer as a new response: a fresh id and `created` (clients and logs tell calls
 * apart by id), the content and usage as stored.
 */
export function freshCompletion(entry: CachedChat, callId: string, now: number): ChatCompletion {
  return {
    ...entry.completion,
    id: `chatcmpl-${callId}`,
    created: Math.floor(now / 1000),
  };
}

function expiry(now: number, ttlSeconds: number | undefined): number | null {
  return ttlSeconds === undefined ? null : now + ttlSeconds * 1000;
}

function isCompletion(value: unknown): value is ChatCompletion {
  return (
    value !== null &&
    typeof value === "object" &&
    Array.isArray((value as { choices?: unknown }).choices) &&
    // Every choice has a message object: a hit is re-encoded (stream, /v1/messages) from them.
    (value as { choices: unknown[] }).choices.every(
      (choice) =>
        choice !== null &&
        typeof choice === "object" &&
        (choice as { message?: unknown }).message !== null &&
        typeof (choice as { message?: unknown }).message === "object",
    ) &&
    typeof (value as { model?: unknown }).model === "string"
  );
}
