import { describe, expect, it, vi } from "vitest";
import { keyRow, teamRow } from "../__fixtures__/rows.ts";
import { createFakeClock } from "../testing/fake-clock.ts";
import { createAuthenticator } from "./authenticator.ts";
import { createMemoryKeyInvalidationBus } from "./key-invalidation-bus.ts";
import type { KeyLookup, KeySource } from "./loaded-key.ts";
import { hashKey } from "./virtual-key.ts";

const KEY = "sk-live-key-0001";

function source(lookups: Record<string, KeyLookup>) {
  const calls: string[] = [];
  const src: KeySource = {
    lookup: vi.fn(async (hash: string): Promise<KeyLookup> => {
      calls.push(hash);
      return lookups[hash] ?? { found: "none" };
    }),
  };
  return { src, calls };
}

const live = (patch = {}): KeyLookup => ({ found: "key", loaded: { key: keyRow(KEY, patch) } });

describe("createAuthenticator", () => {
  it("answers the master key without a lookup", async () => {
    const { src, calls } = source({});
    const auth = createAuthenticator({ masterKey: "sk-master", source: src });
    const identity = await auth.authenticate("sk-master");
    expect(identity).toEqual({ kind: "master", keyHash: hashKey("sk-master") });
    expect(calls).toEqual([]);
  });

  it("refuses a missing key and a key that is not sk-", async () => {
    const auth = createAuthenticator({ masterKey: "sk-master", source: source({}).src });
    expect(() => auth.authenticate(undefined)).toThrow(/No API key provided/);
    expect(() => auth.authenticate("hello")).toThrow(/expected to start with 'sk-'/);
  });

  it("resolves a virtual key once, then serves it from memory until the TTL", async () => {
    const clock = createFakeClock();
    const { src, calls } = source({ [hashKey(KEY)]: live({ models: ["gpt-4o"] }) });
    const auth = createAuthenticator({ source: src, clock, ttlMs: 30_000 });
    const first = await auth.authenticate(KEY);
    expect(first).toMatchObject({ kind: "virtual_key", keyHash: hashKey(KEY), models: ["gpt-4o"] });
    // A hit is answered synchronously: no promise, no database.
    const second = auth.authenticate(KEY);
    expect(second).toBe(first);
    expect(calls).toHaveLength(1);
    clock.advance(30_001);
    await auth.authenticate(KEY);
    expect(calls).toHaveLength(2);
  });

  it("shares one lookup between concurrent misses", async () => {
    const { src, calls } = source({ [hashKey(KEY)]: live() });
    const auth = createAuthenticator({ source: src });
    await Promise.all(Array.from({ length: 20 }, () => auth.authenticate(KEY)));
    expect(calls).toHaveLength(1);
  });

  it("caches unknown keys too, and says which key was not found", async () => {
    const { src, calls } = source({});
    const auth = createAuthenticator({ source: src });
    for (let i = 0; i < 3; i++) {
      await expect(
        Promise.resolve().then(() => auth.authenticate("sk-unknown-9999")),
      ).rejects.toMatchObject({
        status: 401,
        type: "token_not_found_in_db",
        message: expect.stringContaining("sk-...9999"),
      });
    }
    expect(calls).toHaveLength(1);
  });

  it.each([
    ["blocked", { blocked: true }, /Key is blocked\. Update via `\/key\/unblock`/, "auth_error"],
    [
      "expired",
      { expiresAt: new Date(Date.UTC(2025, 0, 1)) },
      /Authentication Error - Expired Key\. Key Expiry time 2025-01-01T00:00:00.000Z/,
      "expired_key",
    ],
  ])("refuses a %s key with a message saying so", async (_name, patch, message, type) => {
    const auth = createAuthenticator({
      source: source({ [hashKey(KEY)]: live(patch) }).src,
      clock: createFakeClock(),
    });
    await expect(Promise.resolve().then(() => auth.authenticate(KEY))).rejects.toMatchObject({
      status: 401,
      type,
      message: expect.stringMatching(message),
    });
  });

  it("refuses a key once it expires while cached", async () => {
    const clock = createFakeClock();
    const expiresAt = new Date(clock.now() + 5_000);
    const auth = createAuthenticator({
      source: source({ [hashKey(KEY)]: live({ expiresAt }) }).src,
      clock,
    });
    await auth.authenticate(KEY);
    clock.advance(5_000);
    expect(() => auth.authenticate(KEY)).toThrow(/Expired Key/);
  });

  it("names deleted and regenerated keys", async () => {
    const deleted = (reason: string): KeyLookup => ({
      found: "deleted",
      deleted: {
        tokenHash: hashKey(KEY),
        keyId: "k1",
        keyAlias: null,
        teamId: null,
        userId: null,
        reason,
        deletedAt: new Date(),
        deletedBy: null,
      },
    });
    const a = createAuthenticator({ source: source({ [hashKey(KEY)]: deleted("deleted") }).src });
    await expect(Promise.resolve().then(() => a.authenticate(KEY))).rejects.toThrow(/was deleted/);
    const b = createAuthenticator({
      source: source({ [hashKey(KEY)]: deleted("regenerated") }).src,
    });
    await expect(Promise.resolve().then(() => b.authenticate(KEY))).rejects.toThrow(
      /was regenerated/,
    );
  });

  it("refuses keys of a blocked team", async () => {
    const lookup: KeyLookup = {
      found: "key",
      loaded: { key: keyRow(KEY, { teamId: "t1" }), team: teamRow("t1", { blocked: true }) },
    };
    const auth = createAuthenticator({ source: source({ [hashKey(KEY)]: lookup }).src });
    await expect(Promise.resolve().then(() => auth.authenticate(KEY))).rejects.toThrow(
      /Team=t1 is blocked/,
    );
  });

  it("drops a key at once when the bus says it changed", async () => {
    const bus = createMemoryKeyInvalidationBus();
    const lookups: Record<string, KeyLookup> = { [hashKey(KEY)]: live() };
    const { src, calls } = source(lookups);
    const auth = createAuthenticator({ source: src, bus });
    await auth.authenticate(KEY);
    lookups[hashKey(KEY)] = live({ blocked: true });
    await bus.publish({ kind: "key", keyHash: hashKey(KEY) });
    await expect(Promise.resolve().then(() => auth.authenticate(KEY))).rejects.toThrow(/blocked/);
    expect(calls).toHaveLength(2);
    await bus.publish({ kind: "all" });
    await expect(Promise.resolve().then(() => auth.authenticate(KEY))).rejects.toThrow(/blocked/);
    expect(calls).toHaveLength(3);
  });

  it("does not cache a lookup that raced an invalidation", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let answer: KeyLookup = live();
    const src: KeySource = {
      lookup: async () => {
        const current = answer;
        await gate;
        return current;
      },
    };
    const auth = createAuthenticator({ source: src });
    const pending = auth.authenticate(KEY);
    auth.invalidate({ kind: "all" });
    answer = live({ blocked: true });
    release();
    await pending;
    await expect(Promise.resolve().then(() => auth.authenticate(KEY))).rejects.toThrow(/blocked/);
  });

  it("keeps serving a cached key when the database is down, and 503s without one", async () => {
    const clock = createFakeClock();
    let down = false;
    const src: KeySource = {
      lookup: async (hash) => {
        if (down) throw new Error("connection refused");
        return hash === hashKey(KEY) ? live() : { found: "none" };
      },
    };
    const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
    const logAt = (level: string) => (message: string, fields?: Record<string, unknown>) =>
      void lines.push({ level, message, ...(fields ? { fields } : {}) });
    const auth = createAuthenticator({
      source: src,
      clock,
      ttlMs: 1000,
      logger: { warn: logAt("warn"), error: logAt("error") },
    });
    await auth.authenticate(KEY);
    down = true;
    clock.advance(2000);
    await expect(auth.authenticate(KEY, "req-1")).resolves.toMatchObject({ kind: "virtual_key" });
    await expect(
      Promise.resolve().then(() => auth.authenticate("sk-other-0000", "req-2")),
    ).rejects.toMatchObject({
      status: 503,
    });
    // Each line names the request whose lookup failed; never the key.
    expect(lines).toEqual([
      {
        level: "warn",
        message: "key lookup failed; serving the cached identity",
        fields: { request_id: "req-1", error: "Error: connection refused" },
      },
      {
        level: "error",
        message: "key lookup failed",
        fields: { request_id: "req-2", error: "Error: connection refused" },
      },
    ]);
  });
});
