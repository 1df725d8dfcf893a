import type { EmbeddingRequest } from "@org/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { joinInputs, splitInputs } from "./embedding-inputs.ts";

type Input = EmbeddingRequest["input"];

const inputs: fc.Arbitrary<Input> = fc.oneof(
  fc.string(),
  fc.array(fc.string(), { minLength: 1, maxLength: 6 }),
  fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
  fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
);

describe("splitInputs / joinInputs", () => {
  it("a string or one token array is one input; a list is one input per element", () => {
    expect(splitInputs("a")).toEqual(["a"]);
    expect(splitInputs([1, 2])).toEqual([[1, 2]]);
    expect(splitInputs(["a", "b"])).toEqual(["a", "b"]);
    expect(splitInputs([[1], [2, 3]])).toEqual([[1], [2, 3]]);
  });

  it("property: joining every item gives the original input back, in its shape", () => {
    fc.assert(
      fc.property(inputs, (input) => {
        expect(joinInputs(input, splitInputs(input))).toEqual(input);
      }),
      { numRuns: 300 },
    );
  });

  it("property: joining a subset of a list keeps those items, in order, as a list", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.string(), { minLength: 2, maxLength: 6 }),
          fc.array(fc.array(fc.nat(), { minLength: 1 }), { minLength: 2, maxLength: 6 }),
        ),
        fc.infiniteStream(fc.boolean()),
        (input, keep) => {
          const items = splitInputs(input as Input);
          const subset = items.filter(() => keep.next().value);
          if (subset.length === 0) return;
          expect(joinInputs(input as Input, subset)).toEqual(subset);
        },
      ),
      { numRuns: 300 },
    );
  });
});
