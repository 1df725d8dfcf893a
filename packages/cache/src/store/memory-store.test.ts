import { describe, expect, it } from "vitest";
import { describeCacheStore } from "../__fixtures__/cache-store-contract.ts";
import { MemoryStore } from "./memory-store.ts";

describeCacheStore("memory", ({ clock, defaultTtlSeconds }) =>
  defaultTtlSeconds === undefined
    ? new MemoryStore({ clock })
    : new MemoryStore({ clock, defaultTtlSeconds }),
);

/** Bytes MemoryStore counts for an entry: UTF-16 code units of key and value, times two. */
const sizeOf = (key: string, value: string) => (key.length + value.length) * 2;

describe("MemoryStore bounds", () => {
  it("keeps at most maxEntries, evicting the least recently used first", async () => {
    const store = new MemoryStore({ maxEntries: 3 });
    await store.set("a", "A");
    await store.set("b", "B");
    await store.set("c", "C");
    // Reading "a" makes "b" the least recently used.
    expect(await store.get("a")).toBe("A");
    await store.set("d", "D");
    expect(store.size).toBe(3);
    expect(await store.getMany(["a", "b", "c", "d"])).toEqual(["A", undefined, "C", "D"]);
  });

  it("getMany counts as use too", async () => {
    const store = new MemoryStore({ maxEntries: 2 });
    await store.set("a", "A");
    await store.set("b", "B");
    await store.getMany(["a"]);
    await store.set("c", "C");
    expect(await store.getMany(["a", "b", "c"])).toEqual(["A", undefined, "C"]);
  });

  it("keeps at most maxBytes, evicting the least recently used first", async () => {
    const value = "x".repeat(98);
    // Room for three entries of sizeOf("k1", value) = 200 bytes, not four.
    const store = new MemoryStore({ maxBytes: 3 * sizeOf("k1", value) + 100 });
    await store.set("k1", value);
    await store.set("k2", value);
    await store.set("k3", value);
    expect(await store.get("k1")).toBe(value);
    await store.set("k4", value);
    expect(await store.getMany(["k1", "k2", "k3", "k4"])).toEqual([value, undefined, value, value]);
  });

  it("one large entry evicts as many small ones as it needs, oldest first", async () => {
    const small = "s".repeat(48);
    const store = new MemoryStore({ maxBytes: 10 * sizeOf("k0", small) });
    for (let i = 0; i < 10; i++) await store.set(`k${i}`, small);
    expect(store.size).toBe(10);
    // Takes the room of about four small entries: the four oldest go, the rest stay.
    await store.set("big", "b".repeat((4 * sizeOf("k0", small)) / 2 - 3));
    expect(await store.get("big")).toBeDefined();
    const left = await store.getMany(Array.from({ length: 10 }, (_, i) => `k${i}`));
    expect(left.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined]);
    expect(left.slice(4)).toEqual(Array(6).fill(small));
  });

  it("does not store a value larger than maxBytes on its own, and keeps the others", async () => {
    const store = new MemoryStore({ maxBytes: 1000 });
    await store.set("kept", "k");
    await store.set("huge", "h".repeat(1000));
    expect(await store.getMany(["kept", "huge"])).toEqual(["k", undefined]);
  });

  it("counts multi-byte text by its UTF-16 size, so a bound in bytes holds for any script", async () => {
    const emoji = "😀".repeat(50); // 100 UTF-16 code units
    const store = new MemoryStore({ maxBytes: 2 * sizeOf("e1", emoji) + 10 });
    await store.set("e1", emoji);
    await store.set("e2", emoji);
    await store.set("e3", emoji);
    expect(await store.getMany(["e1", "e2", "e3"])).toEqual([undefined, emoji, emoji]);
  });

  it("an entry read through readDecoded counts its value twice (the decoded copy), and evicts for it", async () => {
    const value = "x".repeat(98);
    const store = new MemoryStore({ maxBytes: 3 * sizeOf("k1", value) + 100 });
    await store.set("k1", value);
    await store.set("k2", value);
    await store.set("k3", value);
    // Decoding k3 adds 196 bytes: more than the 100 spare, so the least recently used (k1) goes.
    store.readDecoded("k3", (v) => v.length);
    expect(await store.getMany(["k1", "k2", "k3"])).toEqual([undefined, value, value]);
  });

  it("status is memory and always connected", () => {
    expect(new MemoryStore().status()).toEqual({ type: "memory", connected: true });
  });
});

describe("MemoryStore.readDecoded", () => {
  it("decodes an entry once; later reads share the result", async () => {
    const store = new MemoryStore();
    await store.set("k", '{"a":1}');
    let calls = 0;
    const decode = (value: string) => {
      calls += 1;
      return JSON.parse(value) as { a: number };
    };
    const first = store.readDecoded("k", decode);
    expect(first).toEqual({ a: 1 });
    expect(store.readDecoded("k", decode)).toBe(first);
    expect(calls).toBe(1);
    // get still answers the stored string.
    expect(await store.get("k")).toBe('{"a":1}');
  });

  it("absent: undefined, and decode is not called", () => {
    const store = new MemoryStore();
    expect(
      store.readDecoded("never-set", () => {
        throw new Error("called");
      }),
    ).toBeUndefined();
  });

  it("a new value is decoded again; so is the entry under another decode function", async () => {
    const store = new MemoryStore();
    await store.set("k", "one");
    const upper = (v: string) => v.toUpperCase();
    expect(store.readDecoded("k", upper)).toBe("ONE");
    await store.set("k", "two");
    expect(store.readDecoded("k", upper)).toBe("TWO");
    expect(store.readDecoded("k", (v) => v.length)).toBe(3);
    expect(store.readDecoded("k", upper)).toBe("TWO");
  });

  it("expiry holds as for get (fake clock)", async () => {
    const time = { now: 1_000_000 };
    const store = new MemoryStore({ clock: { now: () => time.now } });
    await store.set("k", "v", 10);
    const decode = (v: string) => ({ v });
    expect(store.readDecoded("k", decode)).toEqual({ v: "v" });
    time.now += 9_999;
    expect(store.readDecoded("k", decode)).toEqual({ v: "v" });
    time.now += 1;
    expect(store.readDecoded("k", decode)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it("a read counts as use for the LRU order", async () => {
    const store = new MemoryStore({ maxEntries: 2 });
    await store.set("a", "A");
    await store.set("b", "B");
    store.readDecoded("a", (v) => v);
    await store.set("c", "C");
    expect(await store.getMany(["a", "b", "c"])).toEqual(["A", undefined, "C"]);
  });
});
