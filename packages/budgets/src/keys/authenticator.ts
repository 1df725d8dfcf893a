import { createHash, timingSafeEqual } from "node:crypto";
import { AuthenticationError, ServiceUnavailableError } from "@org/core";
import { LRUCache } from "lru-cache";
import { systemClock, type Clock } from "../util/clock.ts";
import { silentLogger, type BudgetsLogger } from "../util/logger.ts";
import type { MaybePromise } from "../util/maybe-promise.ts";
import { buildKeyIdentity } from "./build-key-identity.ts";
import type { AuthIdentity, MasterIdentity, VirtualKeyIdentity } from "./identity.ts";
import { KeyAuthError } from "./key-auth-error.ts";
import type { Invalidation, KeyInvalidationBus } from "./key-invalidation-bus.ts";
import type { KeySource } from "./loaded-key.ts";
import { abbreviateKey, isKeyHash } from "./virtual-key.ts";

export interface AuthenticatorOptions {
  /** The master key; requests presenting it get `{ kind: "master" }`. */
  masterKey?: string;
  /** Where keys are read on a cache miss (`createDbKeySource(db)`). */
  source: KeySource;
  /** Changes published by the management service (and other instances) evict cached entries. */
  bus?: KeyInvalidationBus;
  clock?: Clock;
  /** How long a resolved key (or an unknown one) is served from memory. Default 30 s. */
  ttlMs?: number;
  /** Entries kept; least recently used go first. Default 10,000. */
  maxEntries?: number;
  logger?: BudgetsLogger;
}

/** Resolves the presented key into an identity; the gateway's auth middleware calls it. */
export interface Authenticator {
  /**
   * `requestId` names the request in the log line when the key store fails (the lookup is
   * shared by every request for that key at that moment: the line names the one that started it).
   */
  authenticate(token: string | undefined, requestId?: string): MaybePromise<AuthIdentity>;
  /**
   * Resolves a virtual key by its SHA-256 hex hash, with the same cache and the same checks
   * (deleted, blocked, expired, team blocked) as `authenticate`. For callers that hold only the
   * hash, such as the dashboard's signed session (which must never carry the key itself).
   */
  authenticateKeyHash(keyHash: string): MaybePromise<VirtualKeyIdentity>;
  /** Drops cached entries (what the bus delivers; callable directly). */
  invalidate(message: Invalidation): void;
  /** Stops listening to the bus. */
  close(): void;
}

type Resolved =
  | { readonly kind: "identity"; readonly identity: VirtualKeyIdentity }
  | { readonly kind: "deleted"; readonly reason: string }
  | { readonly kind: "unknown" };

interface Digest {
  readonly bytes: Buffer;
  readonly hex: string;
}

interface Entry {
  readonly resolved: Resolved;
  readonly expiresAt: number;
}

/**
 * Key authentication without a database round trip per request: a key's identity is read once,
 * kept in an LRU for `ttlMs` (unknown keys too, so a flood of bad keys cannot reach the database)
 * and dropped at once when the management service publishes a change. Concurrent misses for one
 * key share a single lookup. When the database cannot be reached, an expired entry keeps being
 * served rather than failing every caller; without one the request gets a 503.
 *
 * Expiry, blocking and team blocking are checked on every request against the clock, so a key
 * that expires while cached stops working on time.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const clock = options.clock ?? systemClock;
  const ttlMs = options.ttlMs ?? 30_000;
  const logger = options.logger ?? silentLogger;
  const cache = new LRUCache<string, Entry>({ max: options.maxEntries ?? 10_000 });
  const loading = new Map<string, Promise<Resolved>>();
  // Presented key -> its SHA-256, so a client sending the same key again is not hashed again
  // (a pure function: nothing to invalidate). Holds raw keys in memory only, like the request
  // headers they come from; never logged or exposed.
  const digests = new LRUCache<string, Digest>({ max: options.maxEntries ?? 10_000 });
  const digestOf = (token: string): Digest => {
    let digest = digests.get(token);
    if (digest === undefined) {
      const bytes = sha256(token);
      digest = { bytes, hex: bytes.toString("hex") };
      digests.set(token, digest);
    }
    return digest;
  };
  // Bumped on every invalidation of everything, so a lookup that started before it is not cached.
  let generation = 0;

  const masterDigest = options.masterKey ? sha256(options.masterKey) : undefined;
  const master: MasterIdentity | undefined = masterDigest
    ? { kind: "master", keyHash: masterDigest.toString("hex") }
    : undefined;

  const invalidate = (message: Invalidation) => {
    if (message.kind === "key") {
      cache.delete(message.keyHash);
      loading.delete(message.keyHash);
    } else if (message.kind === "all") {
      generation++;
      cache.clear();
      loading.clear();
    }
  };
  const unsubscribe = options.bus?.subscribe(invalidate);

  const load = (
    keyHash: string,
    stale: Entry | undefined,
    requestId: string | undefined,
  ): Promise<Resolved> => {
    const requestField = requestId === undefined ? {} : { request_id: requestId };
    const startedIn = generation;
    const pending = options.source.lookup(keyHash).then(
      (lookup): Resolved => {
        const resolved: Resolved =
          lookup.found === "key"
            ? { kind: "identity", identity: buildKeyIdentity(lookup.loaded) }
            : lookup.found === "deleted"
              ? { kind: "deleted", reason: lookup.deleted.reason }
              : { kind: "unknown" };
        if (loading.get(keyHash) === pending && startedIn === generation) {
          cache.set(keyHash, { resolved, expiresAt: clock.now() + ttlMs });
        }
        if (loading.get(keyHash) === pending) loading.delete(keyHash);
        return resolved;
      },
      (error: unknown): Resolved => {
        if (loading.get(keyHash) === pending) loading.delete(keyHash);
        if (stale) {
          logger.warn("key lookup failed; serving the cached identity", {
            ...requestField,
            error: String(error),
          });
          // Keep serving it for another TTL instead of retrying the database on every request.
          cache.set(keyHash, { resolved: stale.resolved, expiresAt: clock.now() + ttlMs });
          return stale.resolved;
        }
        logger.error("key lookup failed", { ...requestField, error: String(error) });
        throw new ServiceUnavailableError(
          "Could not verify the API key: the key store is unavailable. Try again shortly.",
        );
      },
    );
    loading.set(keyHash, pending);
    return pending;
  };

  return {
    authenticate(token, requestId) {
      if (!token) {
        throw new AuthenticationError(
          "No API key provided. Pass it as 'Authorization: Bearer <key>', 'x-api-key' or 'api-key'.",
          { code: "missing_api_key" },
        );
      }
      const digest = digestOf(token);
      if (masterDigest && master && timingSafeEqual(digest.bytes, masterDigest)) return master;
      if (!token.startsWith("sk-")) {
        throw new KeyAuthError(
          "auth_error",
          `Authentication Error, LiteLLM Virtual Key expected. Received=${abbreviateKey(token)}, expected to start with 'sk-'.`,
        );
      }
      const keyHash = digest.hex;
      const now = clock.now();
      const entry = cache.get(keyHash);
      if (entry && entry.expiresAt > now) return check(entry.resolved, token, keyHash, now);
      const pending = loading.get(keyHash) ?? load(keyHash, entry, requestId);
      return pending.then((resolved) => check(resolved, token, keyHash, clock.now()));
    },
    authenticateKeyHash(keyHash) {
      if (!isKeyHash(keyHash)) {
        throw new KeyAuthError("auth_error", "Authentication Error, not a key hash.");
      }
      // Messages name the key by its hash's last characters: there is no key to abbreviate.
      const shown = keyHash;
      const now = clock.now();
      const entry = cache.get(keyHash);
      if (entry && entry.expiresAt > now) return check(entry.resolved, shown, keyHash, now);
      const pending = loading.get(keyHash) ?? load(keyHash, entry, undefined);
      return pending.then((resolved) => check(resolved, shown, keyHash, clock.now()));
    },
    invalidate,
    close() {
      unsubscribe?.();
    },
  };
}

function check(
  resolved: Resolved,
  token: string,
  keyHash: string,
  now: number,
): VirtualKeyIdentity {
  if (resolved.kind === "unknown") {
    throw new KeyAuthError(
      "token_not_found_in_db",
      `Authentication Error, Invalid proxy server token passed. Received API Key = ${abbreviateKey(token)}, Key Hash (Token) =${keyHash}. Unable to find token in cache or \`LiteLLM_VerificationTokenTable\``,
      { param: "key" },
    );
  }
  if (resolved.kind === "deleted") {
    const how =
      resolved.reason === "regenerated"
        ? "was regenerated; use the new key /key/regenerate returned"
        : "was deleted";
    throw new KeyAuthError(
      "auth_error",
      `Authentication Error, the key ${abbreviateKey(token)} ${how}. Key Hash (Token) =${keyHash}.`,
      { param: "key" },
    );
  }
  const identity = resolved.identity;
  if (identity.blocked) {
    throw new KeyAuthError(
      "auth_error",
      "Authentication Error, Key is blocked. Update via `/key/unblock` if you're an admin.",
      { keyHash },
    );
  }
  if (identity.expiresAt !== undefined && identity.expiresAt <= now) {
    throw new KeyAuthError(
      "expired_key",
      `Authentication Error - Expired Key. Key Expiry time ${new Date(identity.expiresAt).toISOString()} and current time ${new Date(now).toISOString()}`,
      { param: abbreviateKey(token), keyHash },
    );
  }
  if (identity.teamBlocked) {
    throw new KeyAuthError(
      "auth_error",
      `Authentication Error, Team=${identity.teamId} is blocked. Update via \`/team/unblock\` if you're an admin.`,
      { keyHash },
    );
  }
  return identity;
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
