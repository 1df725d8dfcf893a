import { QdrantFormatError } from "./qdrant-envelope.ts";

export type QdrantPointId = string | number;
export type QdrantPayload = Readonly<Record<string, unknown>>;

/**
 * Qdrant's filter semantics for the conditions the cache uses, and a few neighbours:
 * `must` (all), `should` (at least one), `must_not` (none); field conditions
 * `{key, match: {value} | {any} | {except}}` and `{key, range: {gt, gte, lt, lte}}`; `has_id`;
 * nested filters. A field holding an array matches when any element does; a missing field or
 * one of another type never matches a `match` or `range`. Anything else is a 400, so a client
 * relying on a condition this fake ignores fails loudly instead of passing.
 */
export function matchesFilter(filter: unknown, id: QdrantPointId, payload: QdrantPayload): boolean {
  if (filter === undefined || filter === null) return true;
  if (typeof filter !== "object" || Array.isArray(filter)) {
    throw new QdrantFormatError("Format error in JSON body: filter must be an object");
  }
  const { must, should, must_not: mustNot, ...rest } = filter as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new QdrantFormatError(`Format error in JSON body: unknown field \`${unknown[0]}\``);
  }
  const all = conditions(must, "must");
  const any = conditions(should, "should");
  const none = conditions(mustNot, "must_not");
  return (
    all.every((c) => matchesCondition(c, id, payload)) &&
    (any.length === 0 || any.some((c) => matchesCondition(c, id, payload))) &&
    !none.some((c) => matchesCondition(c, id, payload))
  );
}

function conditions(value: unknown, name: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === "object") return [value]; // Qdrant accepts a single condition too
  throw new QdrantFormatError(
    `Format error in JSON body: \`${name}\` must be a list of conditions`,
  );
}

function matchesCondition(condition: unknown, id: QdrantPointId, payload: QdrantPayload): boolean {
  if (typeof condition !== "object" || condition === null) {
    throw new QdrantFormatError("Format error in JSON body: a condition must be an object");
  }
  const c = condition as Record<string, unknown>;
  if ("must" in c || "should" in c || "must_not" in c) return matchesFilter(c, id, payload);
  if ("has_id" in c) {
    if (!Array.isArray(c["has_id"])) throw new QdrantFormatError("has_id must be a list");
    return c["has_id"].some((wanted) => String(wanted).toLowerCase() === String(id));
  }
  if (typeof c["key"] !== "string") {
    throw new QdrantFormatError(
      "Format error in JSON body: data did not match any variant of untagged enum Condition",
    );
  }
  const values = fieldValues(payload, c["key"]);
  if (c["match"] !== undefined) return matchesMatch(c["match"], values);
  if (c["range"] !== undefined) return matchesRange(c["range"], values);
  throw new QdrantFormatError(
    `Format error in JSON body: fake-qdrant supports match and range conditions, got ${JSON.stringify(c)}`,
  );
}

/** The values at a dotted key; an array field yields its elements. */
function fieldValues(payload: QdrantPayload, key: string): unknown[] {
  let value: unknown = payload;
  for (const part of key.split(".")) {
    if (typeof value !== "object" || value === null) return [];
    value = (value as Record<string, unknown>)[part];
  }
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function matchesMatch(match: unknown, values: unknown[]): boolean {
  if (typeof match !== "object" || match === null) {
    throw new QdrantFormatError("Format error in JSON body: match must be an object");
  }
  const m = match as Record<string, unknown>;
  if ("value" in m) return values.some((v) => v === m["value"]);
  if (Array.isArray(m["any"])) return values.some((v) => (m["any"] as unknown[]).includes(v));
  if (Array.isArray(m["except"])) {
    return values.length > 0 && values.every((v) => !(m["except"] as unknown[]).includes(v));
  }
  throw new QdrantFormatError(
    `Format error in JSON body: fake-qdrant supports match value/any/except, got ${JSON.stringify(m)}`,
  );
}

function matchesRange(range: unknown, values: unknown[]): boolean {
  if (typeof range !== "object" || range === null) {
    throw new QdrantFormatError("Format error in JSON body: range must be an object");
  }
  const r = range as Record<string, unknown>;
  for (const [bound, limit] of Object.entries(r)) {
    if (!["gt", "gte", "lt", "lte"].includes(bound)) {
      throw new QdrantFormatError(`Format error in JSON body: unknown range bound \`${bound}\``);
    }
    if (limit !== null && typeof limit !== "number") {
      throw new QdrantFormatError(`Format error in JSON body: range.${bound} must be a number`);
    }
  }
  return values.some((v) => {
    if (typeof v !== "number") return false;
    const { gt, gte, lt, lte } = r as Partial<Record<"gt" | "gte" | "lt" | "lte", number | null>>;
    return (
      (gt == null || v > gt) &&
      (gte == null || v >= gte) &&
      (lt == null || v < lt) &&
      (lte == null || v <= lte)
    );
  });
}
