/**
 * JSON with object keys sorted at every depth, so `{"a":1,"b":2}` and `{"b":2,"a":1}` hash the
 * same. Arrays keep their order (message order is meaning). `undefined` members are dropped and
 * numbers print as JSON.stringify prints them, so a value and its JSON round trip agree.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const out = JSON.stringify(value);
    return out === undefined ? "null" : out;
  }
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      const item = value[i];
      out += item === undefined || typeof item === "function" ? "null" : canonicalJson(item);
    }
    return out + "]";
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || typeof member === "function") continue;
    if (!first) out += ",";
    first = false;
    out += JSON.stringify(key) + ":" + canonicalJson(member);
  }
  return out + "}";
}
