import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CacheStore } from "../store/cache-store.ts";
import { ManualClock } from "./manual-clock.ts";

export interface CacheStoreFactoryContext {
  /** The store must check expiry against this clock; the suite moves it. */
  readonly clock: ManualClock;
  /** Pass on as the store's default ttl, in seconds. */
  readonly defaultTtlSeconds?: number;
}

/**
 * Opens a fresh, empty store (a Redis store: a key prefix of its own), connected and ready to
 * answer. The suite closes it after each test.
 */
export type MakeCacheStore = (context: CacheStoreFactoryContext) => CacheStore | Promise<CacheStore>;

const SECOND = 1000;

/**
 * What every CacheStore must do, whatever its backend: run it from the backend's own test file
 * (`describeCacheStore("memory", ({ clock }) => new MemoryStore({ clock }))`).
 */
export function describeCacheStore(name: string, makeStore: MakeCacheStore): void {
  describe(`CacheStore contract: ${name}`, () => {
    let clock: ManualClock;
    const opened: CacheStore[] = [];
    const open = async (defaultTtlSeconds?: number): Promise<CacheStore> => {
      const store = await makeStore(
        defaultTtlSeconds === undefined ? { clock } : { clock, defaultTtlSeconds },
      );
      opened.push(store);
      return store;
    };

    beforeEach(() => {
      clock = new ManualClock();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it("misses a key never set", async () => {
      const store = await open();
      expect(await store.get("never-set")).toBeUndefined();
      expect(await store.getMany(["never-set", "nor-this"])).toEqual([undefined, undefined]);
    });

    it("returns what was set, and reports itself connected", async () => {
      const store = await open();
      await store.set("k", "v");
      expect(await store.get("k")).toBe("v");
      expect(store.status().connected).toBe(true);
    });

    it("keeps keys apart, case included", async () => {
      const store = await open();
      await store.set("Key", "upper");
      await store.set("key", "lower");
      expect(await store.get("Key")).toBe("upper");
      expect(await store.get("key")).toBe("lower");
      expect(await store.get("KEY")).toBeUndefined();
    });

    it("overwrites a value, and its ttl with it", async () => {
      const store = await open();
      await store.set("k", "first", 10);
      await store.set("k", "second");
      clock.advance(20 * SECOND);
      expect(await store.get("k")).toBe("second");

      await store.set("k", "third", 10);
      clock.advance(11 * SECOND);
      expect(await store.get("k")).toBeUndefined();
    });

    it("getMany answers in the order asked, with holes for misses and repeats kept", async () => {
      const store = await open();
      await store.set("a", "A");
      await store.set("b", "B");
      expect(await store.getMany(["b", "missing", "a", "b", "also-missing"])).toEqual([
        "B",
        undefined,
        "A",
        "B",
        undefined,
      ]);
      expect(await store.getMany([])).toEqual([]);
    });

    it("deletes one key, leaves the others, and deleting an absent key is fine", async () => {
      const store = await open();
      await store.set("a", "A");
      await store.set("b", "B");
      await store.delete("a");
      await store.delete("never-set");
      expect(await store.getMany(["a", "b"])).toEqual([undefined, "B"]);
    });

    it("expires an entry on the injected clock, for get and getMany", async () => {
      const store = await open();
      await store.set("short", "S", 60);
      await store.set("long", "L", 3600);
      await store.set("forever", "F");
      clock.advance(60 * SECOND - 1);
      expect(await store.get("short")).toBe("S");
      clock.advance(1);
      expect(await store.get("short")).toBeUndefined();
      expect(await store.getMany(["short", "long", "forever"])).toEqual([undefined, "L", "F"]);
      clock.advance(3600 * SECOND);
      expect(await store.getMany(["short", "long", "forever"])).toEqual([
        undefined,
        undefined,
        "F",
      ]);
    });

    it("honours a fractional ttl to the millisecond", async () => {
      const store = await open();
      await store.set("k", "v", 1.5);
      clock.advance(1499);
      expect(await store.get("k")).toBe("v");
      clock.advance(1);
      expect(await store.get("k")).toBeUndefined();
    });

    it("applies the default ttl when set names none, and an explicit ttl over it", async () => {
      const store = await open(30);
      await store.set("default", "D");
      await store.set("explicit", "E", 120);
      clock.advance(30 * SECOND);
      expect(await store.getMany(["default", "explicit"])).toEqual([undefined, "E"]);
    });

    it("stores nothing for a ttl of zero, below zero, or not a number", async () => {
      const store = await open(30);
      await store.set("zero", "v", 0);
      await store.set("negative", "v", -5);
      await store.set("nan", "v", Number.NaN);
      expect(await store.getMany(["zero", "negative", "nan"])).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    });

    it("keeps an entry with an infinite ttl", async () => {
      const store = await open();
      await store.set("k", "v", Number.POSITIVE_INFINITY);
      clock.advance(365 * 24 * 3600 * SECOND);
      expect(await store.get("k")).toBe("v");
    });

    it("round-trips unicode and awkward values exactly", async () => {
      const store = await open();
      const values = [
        "",
        "héllo wörld – “quotes” 日本語 العربية עברית",
        "emoji 👩‍👩‍👧‍👦 🇫🇷 and combining e\u0301",
        "line\nbreaks\r\nand\ttabs and a NUL \u0000 inside",
        "1|0|looks like an envelope",
        "0|123|||pipes|",
        JSON.stringify({ choices: [{ message: { content: "{\"nested\": \"json\"}" } }] }),
      ];
      await Promise.all(values.map((value, i) => store.set(`v${i}`, value)));
      expect(await store.getMany(values.map((_, i) => `v${i}`))).toEqual(values);
      for (const [i, value] of values.entries()) expect(await store.get(`v${i}`)).toBe(value);
    });

    it("round-trips a large value (a long completion)", async () => {
      const store = await open();
      // ~900 KB of UTF-8: under a 1 MiB value limit, multi-byte characters throughout.
      const large = "A long answer, with ünïcödé and 😀. ".repeat(22_000);
      await store.set("large", large);
      const [got] = await store.getMany(["large"]);
      expect(got?.length).toBe(large.length);
      expect(got === large).toBe(true);
      expect((await store.get("large")) === large).toBe(true);
    });

    it("accepts keys with odd characters, each its own entry", async () => {
      const store = await open();
      const keys = [
        "",
        " ",
        "with space",
        "new\nline",
        "*",
        "?",
        "[a-z]",
        "a:b:c",
        "{hash}tag",
        "ключ",
        "🔑",
        "nul\u0000byte",
        "x".repeat(2000),
      ];
      await Promise.all(keys.map((key, i) => store.set(key, `value-${i}`)));
      expect(await store.getMany(keys)).toEqual(keys.map((_, i) => `value-${i}`));
      await store.delete("*");
      expect(await store.get("*")).toBeUndefined();
      expect(await store.get("?")).toBe(`value-${keys.indexOf("?")}`);
    });

    it("never throws once closed: get misses, set and delete resolve", async () => {
      const store = await open();
      await store.set("k", "v");
      await store.close();
      expect(await store.get("k")).toBeUndefined();
      await expect(store.set("k", "v")).resolves.toBeUndefined();
      await expect(store.delete("k")).resolves.toBeUndefined();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
