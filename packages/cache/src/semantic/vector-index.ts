/**
 * Where the semantic cache's prompt vectors live. Vectors are unit length (see
 * `vector-math.ts#normalize`), so cosine similarity is a dot product. A partition holds the
 * entries that may answer each other: one tenant scope, one model group, the same non-prompt
 * parameters (see `key/cache-key.ts#semanticPartition`); a lookup never crosses partitions.
 */
export interface VectorEntry {
  readonly partition: string;
  /** The exact-cache key of the answer this prompt produced (where its body lives). */
  readonly key: string;
  /** Unit length, the embedding model's dimensions. */
  readonly vector: Float32Array;
  /** Epoch ms after which the entry must not match; Infinity when it does not expire. */
  readonly expiresAt: number;
  /**
   * The encoded answer itself, for indexes that keep it next to the vector (Qdrant's payload,
   * as LiteLLM does); others leave it to the exact store under `key`.
   */
  readonly body?: string;
}

export interface VectorMatch {
  readonly key: string;
  /** Cosine similarity in [-1, 1]. */
  readonly similarity: number;
  readonly body?: string;
}

export interface VectorIndex {
  /** Adds (or replaces, same partition and key) an entry. Never throws for an outage. */
  add(entry: VectorEntry): Promise<void>;
  /**
   * The most similar live entry of the partition whose similarity is >= `minSimilarity`, or
   * undefined. Never throws for an outage (undefined: a miss).
   */
  nearest(
    partition: string,
    vector: Float32Array,
    minSimilarity: number,
    now: number,
  ): Promise<VectorMatch | undefined>;
  remove(partition: string, key: string): Promise<void>;
  /** Entries held (this instance's view). */
  size(): number;
  close(): Promise<void>;
}
