/**
 * `extra_headers` with lower-case names: they are signed, and SigV4 canonicalises names to
 * lower case, so two spellings of one header must not both reach the signer.
 */
export function lowerCaseHeaders(
  headers: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}
