import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ShardedMap } from "./sharded-map.ts";

describe("ShardedMap", () => {
  it("property: behaves as a Map for any sequence of sets and deletes (string and number keys)", () => {
    const op = fc.oneof(
      fc.record({
        set: fc.oneof(fc.string(), fc.integer({ min: 0, max: 2 ** 40 })),
        value: fc.nat(),
      }),
      fc.record({ del: fc.oneof(fc.string(), fc.integer({ min: 0, max: 2 ** 40 })) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const sharded = new ShardedMap<string | number, number>();
        const plain = new Map<string | number, number>();
        for (const o of ops) {
          if ("set" in o) {
            sharded.set(o.set, o.value);
            plain.set(o.set, o.value);
          } else {
            expect(sharded.delete(o.del)).toBe(plain.delete(o.del));
          }
          expect(sharded.size).toBe(plain.size);
        }
        for (const [key, value] of plain) expect(sharded.get(key)).toBe(value);
        expect(sharded.get("absent-key-\u0000")).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
