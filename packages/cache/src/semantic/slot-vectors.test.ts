import { describe, expect, it } from "vitest";
import { random, randomUnit } from "../__fixtures__/random-vectors.ts";
import { SlotVectors } from "./slot-vectors.ts";
import { similarityAt } from "./vector-math.ts";

const DIMS = 3;

describe("SlotVectors", () => {
  it("keeps every slot's vector through growth past several blocks, swap-removes and shrinking", () => {
    const next = random(23);
    const vectors = new SlotVectors(DIMS, 16);
    const model: Float32Array[] = [];
    const check = (step: number) => {
      expect(vectors.capacity, `step ${step}`).toBeGreaterThanOrEqual(model.length);
      for (let slot = 0; slot < model.length; slot++) {
        expect(vectors.at(slot), `step ${step} slot ${slot}`).toEqual(model[slot]);
      }
    };
    // Up to ~5,000 slots (five blocks), down to a few, up again.
    const phases = [
      { steps: 6_000, add: 0.9 },
      { steps: 6_000, add: 0.1 },
      { steps: 3_000, add: 0.8 },
    ];
    let step = 0;
    for (const phase of phases) {
      for (let i = 0; i < phase.steps; i++, step++) {
        if (model.length === 0 || next() + 0.5 < phase.add) {
          if (model.length === vectors.capacity) vectors.grow(100_000);
          const vector = randomUnit(next, DIMS);
          vectors.set(model.length, vector);
          model.push(vector);
        } else {
          const slot = Math.floor((next() + 0.5) * model.length);
          const last = model.length - 1;
          if (slot !== last) vectors.move(last, slot);
          model[slot] = model[last]!;
          model.pop();
          vectors.shrink(model.length);
        }
        if (step % 500 === 0) check(step);
      }
      check(step);
    }
    const q = randomUnit(next, DIMS);
    for (let slot = 0; slot < model.length; slot++) {
      expect(vectors.similarity(slot, q)).toBe(similarityAt(model[slot]!, 0, q));
    }
  });

  it("grows past its first block without copying what it holds", () => {
    const vectors = new SlotVectors(DIMS, 16);
    let capacity = vectors.capacity;
    while (capacity < 1_024) {
      vectors.grow(100_000);
      capacity = vectors.capacity;
    }
    expect(capacity).toBe(1_024);
    vectors.set(0, Float32Array.of(1, 0, 0));
    const first = vectors.at(0).buffer;
    for (let i = 0; i < 10; i++) vectors.grow(100_000);
    expect(vectors.capacity).toBe(11 * 1_024);
    // The same memory: nothing was copied into a larger array.
    expect(vectors.at(0).buffer).toBe(first);
    vectors.set(11 * 1_024 - 1, Float32Array.of(0, 1, 0));
    expect(vectors.at(11 * 1_024 - 1)).toEqual(Float32Array.of(0, 1, 0));
    // One spare block is kept past what the entries need.
    expect(vectors.shrink(1_025)).toBe(true);
    expect(vectors.capacity).toBe(3 * 1_024);
    expect(vectors.shrink(1_025)).toBe(false);
    expect(vectors.at(0)).toEqual(Float32Array.of(1, 0, 0));
  });

  it("caps a small first block's doubling at the given bound", () => {
    const vectors = new SlotVectors(DIMS, 5);
    vectors.grow(7);
    expect(vectors.capacity).toBe(7);
  });
});
