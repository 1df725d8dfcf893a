/**
 * Spreads `{ [key]: value }` for the builders' optional fields: `undefined` takes the default,
 * `null` leaves the key out (to match servers that omit it).
 */
export function optional<K extends string>(
  key: K,
  value: string | null | undefined,
  fallback: string,
): Partial<Record<K, string>> {
  if (value === null) return {};
  return { [key]: value ?? fallback } as Partial<Record<K, string>>;
}
