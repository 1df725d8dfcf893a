/** Field names whose values are never written to a log, whatever their nesting. */
const SECRET_FIELD = /(api[_-]?key|authorization|password|secret|token|master[_-]?key|salt)/i;

const SECRET_VALUE: RegExp[] = [
  /\b(sk|pk|rk)-[A-Za-z0-9_-]{6,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\b(AKIA|ASIA)[0-9A-Z]{12,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
];

export function redactValue(value: string): string {
  let out = value;
  for (const pattern of SECRET_VALUE) out = out.replace(pattern, "[REDACTED]");
  return out;
}

/** Returns a copy of `fields` with secret-looking keys and values replaced. */
export function redactFields(fields: unknown, depth = 0): unknown {
  if (typeof fields === "string") return redactValue(fields);
  if (fields === null || typeof fields !== "object") return fields;
  // Deeper than any record we log on purpose: not walked, so not written (it could hide a key).
  if (depth > 6) return "[too deep]";
  if (fields instanceof Error) {
    return { name: fields.name, message: redactValue(fields.message) };
  }
  if (Array.isArray(fields)) return fields.map((item) => redactFields(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = SECRET_FIELD.test(key) ? "[REDACTED]" : redactFields(value, depth + 1);
  }
  return out;
}
