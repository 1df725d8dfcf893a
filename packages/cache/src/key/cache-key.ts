import { hash } from "node:crypto";
import { canonicalJson } from "./canonical-json.ts";
import { IGNORED_FIELDS } from "./ignored-fields.ts";

/** Bumped when the key's inputs change meaning, so old entries simply stop matching. */
const KEY_VERSION = 1;

/** Who may share an entry; see README "Scope". */
export interface KeyScope {
  /** `team:<id>`, `key:<hash>`, ... or `ns:<namespace>` when the operator shares one on purpose. */
  readonly tenant: string;
  /** The request's own namespace (within the tenant); also the store key's prefix. */
  readonly namespace?: string;
}

/**
 * The request body as it counts for the key: every field but the ignored ones (and `cache`
 * inside a literal `extra_body`). Not copied deeper than one level: canonicalJson only reads it.
 */
export function answerFields(
  body: Readonly<Record<string, unknown>>,
  omit?: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in body) {
    if (IGNORED_FIELDS.has(name) || omit?.has(name)) continue;
    const value = body[name];
    if (name === "extra_body" && value !== null && typeof value === "object") {
      const { cache: _cache, ...rest } = value as Record<string, unknown>;
      if (Object.keys(rest).length > 0) out[name] = rest;
      continue;
    }
    out[name] = value;
  }
  return out;
}

/** SHA-256 (hex) of the canonical JSON of what identifies an answer. */
export function hashKey(
  kind: "chat" | "embedding" | "semantic-partition",
  modelGroup: string,
  scope: KeyScope,
  fields: unknown,
): string {
  const material = canonicalJson({
    v: KEY_VERSION,
    kind,
    group: modelGroup,
    tenant: scope.tenant,
    ns: scope.namespace,
    fields,
  });
  // One-shot hash (Node >= 20.12): no Hash object per request, as createHash() would make.
  return hash("sha256", material, "hex");
}

/** The key under which a store keeps the entry: `<namespace>:<hash>`, or the hash alone. */
export function storeKey(hash: string, scope: KeyScope): string {
  return scope.namespace === undefined ? hash : `${scope.namespace}:${hash}`;
}

/** The exact key of a chat request. */
export function chatKey(
  body: Readonly<Record<string, unknown>>,
  modelGroup: string,
  scope: KeyScope,
): string {
  return storeKey(hashKey("chat", modelGroup, scope, answerFields(body)), scope);
}

const PROMPT_FIELDS: ReadonlySet<string> = new Set(["messages"]);

/**
 * The semantic cache's partition: everything but the messages must be equal (same tools,
 * temperature, response_format, ...) for one prompt's answer to serve a similar prompt.
 */
export function semanticPartition(
  body: Readonly<Record<string, unknown>>,
  modelGroup: string,
  scope: KeyScope,
): string {
  return hashKey("semantic-partition", modelGroup, scope, answerFields(body, PROMPT_FIELDS));
}

const INPUT_FIELDS: ReadonlySet<string> = new Set(["input"]);

/**
 * One key per embedding input, so a batch that is partly cached sends only the rest upstream.
 * `inputs` are the request's inputs split one per item (see `embeddings/embedding-inputs.ts`).
 */
export function embeddingKeys(
  body: Readonly<Record<string, unknown>>,
  inputs: readonly unknown[],
  modelGroup: string,
  scope: KeyScope,
): string[] {
  const params = answerFields(body, INPUT_FIELDS);
  return inputs.map((input) =>
    storeKey(hashKey("embedding", modelGroup, scope, { params, input }), scope),
  );
}
