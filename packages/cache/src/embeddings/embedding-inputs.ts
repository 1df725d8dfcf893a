import type { EmbeddingRequest } from "@org/core";

type Input = EmbeddingRequest["input"];

/**
 * The request's inputs one per item: a string or a token array is one input; a list of strings
 * or of token arrays is one input per element (each cached on its own).
 */
export function splitInputs(input: Input): unknown[] {
  if (typeof input === "string") return [input];
  if (input.length > 0 && typeof input[0] === "number") return [input];
  return [...input];
}

/** The request's `input` holding only `items` (split by `splitInputs`), in its original shape. */
export function joinInputs(original: Input, items: readonly unknown[]): Input {
  if (typeof original === "string") return items[0] as string;
  if (original.length > 0 && typeof original[0] === "number") return items[0] as number[];
  return items as Input;
}

/** How the upstream's prompt tokens split over inputs: by length, exact for a single input. */
export function tokenShares(items: readonly unknown[], total: number): number[] {
  if (items.length === 1) return [total];
  const sizes = items.map((item) =>
    typeof item === "string" ? item.length : Array.isArray(item) ? item.length : 1,
  );
  const sum = sizes.reduce((a, b) => a + b, 0) || 1;
  const shares = sizes.map((size) => Math.floor((total * size) / sum));
  // The rounding remainder goes to the last input, so shares always add up to the total.
  const rest = total - shares.reduce((a, b) => a + b, 0);
  shares[shares.length - 1] = (shares[shares.length - 1] ?? 0) + rest;
  return shares;
}
