/**
 * The SQL the PostgreSQL-backed semantic index needs, declared here structurally so this package
 * does not depend on a driver: `@org/db`'s `Database.raw` (postgres.js or PGlite) satisfies it.
 */
export interface SemanticSql {
  /** One statement with `$1`-style parameters; resolves to its rows. */
  query<TRow extends Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<TRow[]>;
  /**
   * LISTEN on `channel`; `onListen` runs each time the listening connection is (re)established.
   * Resolves to a function that stops listening.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onListen?: () => void,
  ): Promise<() => Promise<void>>;
}

/** The table of `@org/db`'s migration 0004 (`semantic_cache_entries`). */
export const SEMANTIC_TABLE = "semantic_cache_entries";

/** A float32 vector as a PostgreSQL array literal; each float32 round-trips exactly through float4. */
export function vectorLiteral(vector: Float32Array): string {
  return `{${Array.prototype.join.call(vector, ",")}}`;
}

/** The float32 vector of a float4[] read as text (`embedding::text`), or undefined. */
export function parseVectorLiteral(text: unknown): Float32Array | undefined {
  if (typeof text !== "string" || text.length < 3 || text[0] !== "{" || !text.endsWith("}"))
    return undefined;
  const parts = text.slice(1, -1).split(",");
  const vector = new Float32Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const value = Number(parts[i]);
    if (!Number.isFinite(value)) return undefined;
    vector[i] = value;
  }
  return vector;
}

/**
 * A number from a bigint column: postgres.js reads int8 as a string, PGlite as a number or a
 * bigint. Null stays null (no expiry).
 */
export function int8(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
