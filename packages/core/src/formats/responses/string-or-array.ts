import { z } from "zod";

/**
 * `string | T[]`, reporting a bad array element at its own path (`input[2].type`) with its own
 * message. A plain `z.union` reports only "Invalid input" at the union's path, which would leave
 * clients guessing which item is wrong.
 */
export function stringOrArray<T extends z.ZodType>(element: T, what: string) {
  const array = z.array(element);
  return z
    .union([z.string(), z.array(z.unknown())], {
      error: `Invalid input: expected a string or an array of ${what}`,
    })
    .transform((value, ctx): string | z.output<T>[] => {
      if (typeof value === "string") return value;
      const result = array.safeParse(value);
      if (result.success) return result.data;
      for (const issue of result.error.issues) ctx.addIssue({ ...issue });
      return z.NEVER;
    });
}
