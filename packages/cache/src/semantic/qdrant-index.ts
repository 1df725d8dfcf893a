import { systemClock, type Clock } from "../util/clock.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";
import { silentLogger, type CacheLogger } from "../util/logger.ts";
import {
  describeFailure,
  describeQdrantUrl,
  qdrantErrorText,
  qdrantRequest,
  type QdrantConnection,
  type QdrantResponse,
} from "./qdrant-http.ts";
import { qdrantPointId } from "./qdrant-point-id.ts";
import type { VectorEntry, VectorIndex, VectorMatch } from "./vector-index.ts";

export interface QdrantVectorIndexOptions extends QdrantConnection {
  /** LiteLLM's `qdrant_collection_name`. Created on the first `add` when missing. */
  readonly collectionName: string;
  /**
   * Longest wait for one lookup or write, in ms (default 200): a slow Qdrant is a miss, never a
   * slow request. Creating the collection, once, may take up to `max(timeoutMs, 5000)`.
   */
  readonly timeoutMs?: number;
  /** How often `add` also deletes expired points (Qdrant has no TTL), in ms; default 10 min. */
  readonly sweepIntervalMs?: number;
  readonly logger?: CacheLogger;
  readonly clock?: Clock;
}

/**
 * Qdrant stores no Infinity (JSON has none); an entry that never expires gets the largest exact
 * integer instead, so one `range: {gt: now}` condition covers both kinds.
 */
const NEVER = Number.MAX_SAFE_INTEGER;

/**
 * Qdrant normalizes Cosine vectors and scores in float32, so a prompt's own vector can score
 * 0.99999994 against itself. This slack keeps `similarity_threshold: 1.0` meaning "identical"
 * rather than "never"; it is far below any difference between two distinct embeddings.
 */
const FLOAT32_SLACK = 1e-6;

const COLLECTION_SETUP_TIMEOUT_MS = 5000;

/**
 * LiteLLM's `qdrant-semantic` cache: prompt vectors live in a Qdrant collection (Cosine), one
 * point per (partition, key) with the encoded answer in its payload as LiteLLM keeps it, so every
 * gateway instance pointed at the same collection shares the cache with no sync of its own.
 *
 * Wire format (Qdrant REST): `GET /collections/{name}` (404: missing), `PUT /collections/{name}`
 * `{vectors: {size, distance: "Cosine"}}` then `PUT /collections/{name}/index` (a keyword index
 * on `partition`) when we created it, `PUT /collections/{name}/points?wait=true`,
 * `POST /collections/{name}/points/search`, `POST /collections/{name}/points/delete`.
 * Search uses `/points/search` rather than the newer `/points/query`: it takes the same filter
 * and `score_threshold`, is what LiteLLM calls, and answers on every Qdrant version (the query
 * API only exists from 1.10), so an older self-hosted Qdrant works too.
 *
 * Never throws for an outage: `nearest` answers undefined (a miss), `add` and `remove` give up,
 * and the failure is logged once per interval (without the API key, and without credentials in
 * the URL).
 */
export class QdrantVectorIndex implements VectorIndex {
  readonly #connection: QdrantConnection;
  readonly #collectionPath: string;
  readonly #collectionName: string;
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #sweepIntervalMs: number;
  readonly #clock: Clock;
  readonly #warn: (message: string, fields?: Record<string, unknown>) => void;
  /** Point ids this instance wrote and did not remove: `size()` is this instance's view. */
  readonly #written = new Set<string>();
  readonly #closing = new AbortController();
  /** Resolves true once the collection exists; reset on failure so a later add tries again. */
  #collectionReady: Promise<boolean> | undefined;
  #lastSweepAt: number;

  constructor(options: QdrantVectorIndexOptions) {
    this.#connection = { apiBase: options.apiBase, apiKey: options.apiKey };
    this.#collectionName = options.collectionName;
    this.#collectionPath = `/collections/${encodeURIComponent(options.collectionName)}`;
    this.#url = describeQdrantUrl(options.apiBase);
    this.#timeoutMs = options.timeoutMs ?? 200;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 600_000;
    this.#clock = options.clock ?? systemClock;
    this.#warn = logOncePerInterval(options.logger ?? silentLogger, this.#clock);
    this.#lastSweepAt = this.#clock.now();
  }

  async add(entry: VectorEntry): Promise<void> {
    if (this.#closing.signal.aborted) return;
    if (!(await this.#ensureCollection(entry.vector.length))) return;
    const id = qdrantPointId(entry.partition, entry.key);
    const payload: Record<string, unknown> = {
      partition: entry.partition,
      key: entry.key,
      expires_at: Number.isFinite(entry.expiresAt) ? entry.expiresAt : NEVER,
    };
    if (entry.body !== undefined) payload["body"] = entry.body;
    const response = await this.#call("upsert", "PUT", "/points?wait=true", {
      points: [{ id, vector: Array.from(entry.vector), payload }],
    });
    if (response === undefined) return;
    if (response.status === 404) this.#collectionReady = undefined; // deleted under us
    if (!this.#ok("upsert", response)) return;
    this.#written.add(id);
    await this.#sweepExpired();
  }

  async nearest(
    partition: string,
    vector: Float32Array,
    minSimilarity: number,
    now: number,
  ): Promise<VectorMatch | undefined> {
    if (this.#closing.signal.aborted) return undefined;
    const threshold = minSimilarity - FLOAT32_SLACK;
    const response = await this.#call("search", "POST", "/points/search", {
      vector: Array.from(vector),
      filter: {
        must: [
          { key: "partition", match: { value: partition } },
          { key: "expires_at", range: { gt: now } },
        ],
      },
      limit: 1,
      with_payload: true,
      score_threshold: threshold,
    });
    if (response === undefined) return undefined;
    if (response.status === 404) {
      // Nothing was ever added (or the collection was deleted): a plain miss, not an outage.
      this.#collectionReady = undefined;
      return undefined;
    }
    if (!this.#ok("search", response)) return undefined;
    const best = firstScoredPoint(response.json);
    if (best === undefined) return undefined;
    const { score, payload } = best;
    // Qdrant applied the filter; these checks keep a misbehaving proxy or a collection shared
    // with something else from serving another partition's answer.
    if (payload["partition"] !== partition || typeof payload["key"] !== "string") return undefined;
    const expiresAt = payload["expires_at"];
    if (typeof expiresAt !== "number" || expiresAt <= now || score < threshold) return undefined;
    const body = payload["body"];
    return {
      key: payload["key"],
      similarity: Math.min(1, score),
      ...(typeof body === "string" ? { body } : {}),
    };
  }

  async remove(partition: string, key: string): Promise<void> {
    if (this.#closing.signal.aborted) return;
    const id = qdrantPointId(partition, key);
    const response = await this.#call("delete", "POST", "/points/delete?wait=true", {
      points: [id],
    });
    if (response === undefined) return;
    // 404: no collection, so nothing to remove.
    if (response.status === 404 || this.#ok("delete", response)) this.#written.delete(id);
  }

  size(): number {
    return this.#written.size;
  }

  async close(): Promise<void> {
    this.#closing.abort();
  }

  /** Creates the collection for `dimensions` when missing; false when Qdrant is not usable. */
  #ensureCollection(dimensions: number): Promise<boolean> {
    this.#collectionReady ??= this.#setUpCollection(dimensions).then((ready) => {
      if (!ready) this.#collectionReady = undefined;
      return ready;
    });
    return this.#collectionReady;
  }

  async #setUpCollection(dimensions: number): Promise<boolean> {
    const setupTimeout = Math.max(this.#timeoutMs, COLLECTION_SETUP_TIMEOUT_MS);
    const info = await this.#call("collection info", "GET", "", undefined, setupTimeout);
    if (info === undefined) return false;
    if (info.status === 200) {
      const size = collectionVectorSize(info.json);
      if (size !== undefined && size !== dimensions) {
        this.#warn(
          "qdrant semantic cache: the collection's vector size differs from the embeddings'",
          {
            url: this.#url,
            collection: this.#collectionName,
            collectionSize: size,
            embeddingSize: dimensions,
            fix: "use another qdrant_collection_name, or delete this collection so it is recreated",
          },
        );
        return false;
      }
      return true;
    }
    if (info.status !== 404) return this.#ok("collection info", info);
    const created = await this.#call(
      "create collection",
      "PUT",
      "",
      { vectors: { size: dimensions, distance: "Cosine" } },
      setupTimeout,
    );
    if (created === undefined) return false;
    // 409: another instance created it between our GET and PUT (Qdrant < 1.8 said 400).
    if (created.status === 409 || /already exists/i.test(qdrantErrorText(created.json) ?? "")) {
      return true;
    }
    if (!this.#ok("create collection", created)) return false;
    await this.#indexPartitionField(setupTimeout);
    return true;
  }

  /**
   * Every search filters on `partition`; Qdrant recommends a payload index for filtered fields,
   * or it checks the condition point by point. Best effort: without it the cache still works.
   */
  async #indexPartitionField(timeoutMs: number): Promise<void> {
    const response = await this.#call(
      "index partition",
      "PUT",
      "/index?wait=true",
      { field_name: "partition", field_schema: "keyword" },
      timeoutMs,
    );
    if (response !== undefined) this.#ok("index partition", response);
  }

  /** Deletes expired points at most once per sweep interval: Qdrant never expires them itself. */
  async #sweepExpired(): Promise<void> {
    const now = this.#clock.now();
    if (now - this.#lastSweepAt < this.#sweepIntervalMs) return;
    this.#lastSweepAt = now;
    const response = await this.#call("sweep expired", "POST", "/points/delete", {
      filter: { must: [{ key: "expires_at", range: { lte: now } }] },
    });
    if (response !== undefined) this.#ok("sweep expired", response);
  }

  /** One request under the collection; undefined (logged) when Qdrant did not answer. */
  async #call(
    operation: string,
    method: "GET" | "PUT" | "POST",
    subPath: string,
    body: unknown,
    timeoutMs = this.#timeoutMs,
  ): Promise<QdrantResponse | undefined> {
    try {
      return await qdrantRequest(
        this.#connection,
        method,
        `${this.#collectionPath}${subPath}`,
        body,
        timeoutMs,
        this.#closing.signal,
      );
    } catch (error) {
      if (!this.#closing.signal.aborted) {
        this.#warn("qdrant semantic cache unavailable: serving as a miss", {
          url: this.#url,
          collection: this.#collectionName,
          operation,
          error: describeFailure(error, timeoutMs),
        });
      }
      return undefined;
    }
  }

  /** True for a 2xx; otherwise logs Qdrant's own error text (which never holds the key). */
  #ok(operation: string, response: QdrantResponse): boolean {
    if (response.status >= 200 && response.status < 300) return true;
    this.#warn("qdrant semantic cache: request refused", {
      url: this.#url,
      collection: this.#collectionName,
      operation,
      status: response.status,
      error: qdrantErrorText(response.json),
    });
    return false;
  }
}

interface ScoredPoint {
  readonly score: number;
  readonly payload: Record<string, unknown>;
}

/** `{result: [{id, version, score, payload}]}` -> its first point, when well formed. */
function firstScoredPoint(json: unknown): ScoredPoint | undefined {
  const result = (json as { result?: unknown } | undefined)?.result;
  if (!Array.isArray(result)) return undefined;
  const first = result[0] as { score?: unknown; payload?: unknown } | undefined;
  if (typeof first?.score !== "number") return undefined;
  if (typeof first.payload !== "object" || first.payload === null) return undefined;
  return { score: first.score, payload: first.payload as Record<string, unknown> };
}

/** `result.config.params.vectors.size` of `GET /collections/{name}` (single unnamed vector). */
function collectionVectorSize(json: unknown): number | undefined {
  const size = (
    json as { result?: { config?: { params?: { vectors?: { size?: unknown } } } } } | undefined
  )?.result?.config?.params?.vectors?.size;
  return typeof size === "number" ? size : undefined;
}
