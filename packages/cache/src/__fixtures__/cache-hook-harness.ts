import type {
  ChatCompletion,
  ChatCompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from "@org/core";
import type {
  CacheAnswer,
  CacheHookContext,
  CacheHookOutcome,
  CacheHooks,
} from "../hooks/hook-types.ts";
import type { VectorEntry, VectorIndex, VectorMatch } from "../semantic/vector-index.ts";
import { dot } from "../semantic/vector-math.ts";
import type { CacheStore, CacheStoreStatus } from "../store/cache-store.ts";
import { MemoryStore } from "../store/memory-store.ts";
import type { Clock } from "../util/clock.ts";

/**
 * Drives the cache hooks the way `@org/router` does (preCall, the router marking a hit,
 * postCall with the outcome, responseHeaders), without the router: the cache package depends on
 * @org/core only.
 */

/** A clock the test sets by hand. */
export function fakeClock(start = 1_700_000_000_000): { now: number; clock: Clock } {
  const state = { now: start, clock: { now: () => state.now } };
  return state;
}

/** The router's RequestContext as far as the cache reads it; `cacheHit` is the router's to set. */
export type Ctx = { -readonly [K in keyof CacheHookContext]: CacheHookContext[K] };

let calls = 0;

export function chatCtx(
  request: Record<string, unknown>,
  options: { modelGroup?: string; metadata?: Record<string, unknown>; callId?: string } = {},
): Ctx {
  return {
    callId: options.callId ?? `call-${++calls}`,
    kind: "chat",
    modelGroup: options.modelGroup ?? "gpt-4o",
    request: { model: options.modelGroup ?? "gpt-4o", ...request } as ChatCompletionRequest,
    metadata: options.metadata ?? {},
    cacheHit: false,
  };
}

export function embeddingCtx(
  request: Record<string, unknown>,
  options: { modelGroup?: string; metadata?: Record<string, unknown> } = {},
): Ctx {
  return {
    callId: `call-${++calls}`,
    kind: "embedding",
    modelGroup: options.modelGroup ?? "embed",
    request: { model: options.modelGroup ?? "embed", ...request } as EmbeddingRequest,
    metadata: options.metadata ?? {},
    cacheHit: false,
  };
}

export const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  messages: [{ role: "user", content }],
  ...extra,
});

export function completion(
  content: string,
  finishReasons: (ChatCompletion["choices"][number]["finish_reason"] | undefined)[] = ["stop"],
): ChatCompletion {
  return {
    id: "chatcmpl-upstream",
    object: "chat.completion",
    created: 1,
    model: "gpt-4o-2024-08-06",
    choices: finishReasons.map((finish_reason, index) => ({
      index,
      message: { role: "assistant", content },
      finish_reason: finish_reason as ChatCompletion["choices"][number]["finish_reason"],
    })),
    usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
  };
}

export interface ChatRun {
  answer: CacheAnswer | undefined;
  /** The completion the client got: the cache's, or the upstream's. */
  completion: ChatCompletion;
  upstreamCalled: boolean;
  headers: Record<string, string> | undefined;
}

/**
 * One chat request through the hooks: a miss calls `upstream` (default: an answer saying
 * `content`) and reports its outcome; a hit is reported the way the router reports it (success,
 * the cached completion, ctx.cacheHit set).
 */
export async function runChat(
  hooks: CacheHooks,
  ctx: Ctx,
  upstream: CacheHookOutcome | string = "fresh answer",
): Promise<ChatRun> {
  const answer = await hooks.preCall(ctx);
  let outcome: CacheHookOutcome;
  if (answer !== undefined) {
    if (!("response" in answer)) throw new Error("a chat answer without response");
    ctx.cacheHit = true;
    outcome = { status: "success", response: answer.response.completion };
  } else {
    outcome =
      typeof upstream === "string"
        ? { status: "success", response: completion(upstream) }
        : upstream;
  }
  hooks.postCall(ctx, outcome);
  await settle();
  const completionOut =
    answer !== undefined && "response" in answer
      ? answer.response.completion
      : (outcome.response ?? completion(""));
  return {
    answer,
    completion: completionOut,
    upstreamCalled: answer === undefined,
    headers: hooks.responseHeaders(ctx),
  };
}

/** Lets fire-and-forget stores and index writes run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** The upstream's answer to an embeddings call: a vector derived from each input. */
export function embeddingResponse(
  inputs: readonly unknown[],
  promptTokens: number,
): EmbeddingResponse {
  return {
    object: "list",
    data: inputs.map((input, index) => ({
      object: "embedding" as const,
      index,
      embedding: vectorOf(input),
    })),
    model: "text-embedding-3-small",
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

export function vectorOf(input: unknown): number[] {
  const text = JSON.stringify(input);
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) % 1000;
  return [h / 1000, text.length, 0.5];
}

/** The router's merge of a partial answer (`mergeEmbeddingParts`), restated for the tests. */
export function mergeParts(
  vectors: readonly (number[] | string | undefined)[],
  upstream: EmbeddingResponse,
): EmbeddingResponse {
  const fresh = [...upstream.data].sort((a, b) => a.index - b.index);
  let next = 0;
  return {
    ...upstream,
    data: vectors.map((vector, index) => ({
      object: "embedding" as const,
      index,
      embedding: vector ?? fresh[next++]!.embedding,
    })),
  };
}

/**
 * How the hooks read a store: `in-process` as the memory store (`readDecoded`, a hit without a
 * promise), `remote` as Redis (`get`, then decode). The hook tests run in both.
 */
export type StoreMode = "in-process" | "remote";

/** A MemoryStore that counts reads and records writes, and can be made to fail. */
export class RecordingStore implements CacheStore {
  readonly inner: MemoryStore;
  reads = 0;
  readonly sets: { key: string; value: string; ttlSeconds: number | undefined }[] = [];
  failReads: "reject" | undefined;
  /** Set only in the `in-process` mode: a store without it is read through `get`. */
  readonly readDecoded?: <T>(key: string, decode: (value: string) => T) => T | undefined;

  constructor(clock: Clock, mode: StoreMode = "in-process") {
    this.inner = new MemoryStore({ clock });
    if (mode === "in-process")
      this.readDecoded = (key, decode) => {
        this.reads += 1;
        if (this.failReads === "reject") throw new Error("ECONNREFUSED 127.0.0.1:6379");
        return this.inner.readDecoded(key, decode);
      };
  }

  async get(key: string): Promise<string | undefined> {
    this.reads += 1;
    if (this.failReads === "reject") throw new Error("ECONNREFUSED 127.0.0.1:6379");
    return this.inner.get(key);
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    this.reads += keys.length;
    if (this.failReads === "reject") throw new Error("ECONNREFUSED 127.0.0.1:6379");
    return this.inner.getMany(keys);
  }

  set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    this.sets.push({ key, value, ttlSeconds });
    return this.inner.set(key, value, ttlSeconds);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  status(): CacheStoreStatus {
    return this.inner.status();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * The smallest VectorIndex: an array and a dot product. With `keepBody: false` it drops the
 * answer's body, as an index that leaves bodies to the exact store does.
 */
export class ArrayVectorIndex implements VectorIndex {
  entries: VectorEntry[] = [];
  readonly removed: string[] = [];
  lookups = 0;
  failLookups = false;

  constructor(private readonly options: { keepBody: boolean } = { keepBody: true }) {}

  async add(entry: VectorEntry): Promise<void> {
    this.entries = this.entries.filter(
      (e) => !(e.partition === entry.partition && e.key === entry.key),
    );
    const { body: _body, ...rest } = entry;
    this.entries.push(this.options.keepBody ? entry : rest);
  }

  async nearest(
    partition: string,
    vector: Float32Array,
    minSimilarity: number,
    now: number,
  ): Promise<VectorMatch | undefined> {
    this.lookups += 1;
    if (this.failLookups) throw new Error("index unreachable");
    let best: VectorMatch | undefined;
    for (const e of this.entries) {
      if (e.partition !== partition || e.expiresAt <= now) continue;
      const similarity = dot(e.vector, vector);
      if (similarity >= minSimilarity && (best === undefined || similarity > best.similarity))
        best = { key: e.key, similarity, ...(e.body === undefined ? {} : { body: e.body }) };
    }
    return best;
  }

  async remove(partition: string, key: string): Promise<void> {
    this.removed.push(key);
    this.entries = this.entries.filter((e) => !(e.partition === partition && e.key === key));
  }

  size(): number {
    return this.entries.length;
  }

  async close(): Promise<void> {
    this.entries = [];
  }
}
