import { jsonb } from "drizzle-orm/pg-core";

/**
 * A non-null jsonb object column, `{}` by default. The TypeScript shape is a claim the
 * owning package makes about what it writes; the database does not check it.
 */
export const jsonObject = <T extends Record<string, unknown> = Record<string, unknown>>(
  name: string,
) =>
  jsonb(name)
    .$type<T>()
    .notNull()
    .default({} as T);

/**
 * A non-null list of strings (model names, routes, tags), `[]` by default.
 *
 * jsonb rather than text[] (LiteLLM's `String[]`): one JSON path for every list and object
 * column, identical behaviour on PGlite and Postgres, and containment checks
 * (`models ? 'gpt-4o'`, `@>`) that a GIN index can serve if a list ever needs one.
 * By LiteLLM's convention an empty `models` list means "no restriction".
 */
export const stringList = (name: string) => jsonb(name).$type<string[]>().notNull().default([]);
