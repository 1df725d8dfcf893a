/**
 * JSON with object keys sorted at every depth, so `{"a":1,"b":2}` and `{"b":2,"a":1}` hash the
 * same. Arrays keep their order (message order is meaning). `undefined` members are dropped and
 * numbers print as JSON.stringify prints them, so a value and its JSON round trip agree.
 *
 * Every request's cache key goes through this, so it avoids work the output does not need: keys
 * already in order are not sorted, primitives are printed without a JSON.stringify call where
 * their text is known, and each key's quoted form is kept (request bodies repeat the same few
 * names: `messages`, `role`, `content`, ...). The output is the same as before these (a test pins
 * known keys), so stored entries keep matching.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      // JSON.stringify prints a finite number as String() does; NaN and the infinities as null.
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default: {
      const out = JSON.stringify(value);
      return out === undefined ? "null" : out;
    }
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      const item: unknown = value[i];
      out += item === undefined || typeof item === "function" ? "null" : canonicalJson(item);
    }
    return out + "]";
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  }
  let out = "{";
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || typeof member === "function") continue;
    if (!first) out += ",";
    first = false;
    out += quoted(key) + ":" + canonicalJson(member);
  }
  return out + "}";
}

/** Quoted key names seen so far; bounded, since a body's keys are the client's to choose. */
const QUOTED = new Map<string, string>();
const MAX_QUOTED = 4096;

function quoted(key: string): string {
  let out = QUOTED.get(key);
  if (out === undefined) {
    out = JSON.stringify(key);
    if (QUOTED.size < MAX_QUOTED && key.length <= 64) QUOTED.set(key, out);
  }
  return out;
}
