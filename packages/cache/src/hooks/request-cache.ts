import type { CacheControls } from "../controls/request-controls.ts";
import type { KeyScope } from "../key/cache-key.ts";

/** What the cache knows of one request between its lookup and its store. */
export interface RequestCache {
  readonly scope: KeyScope;
  readonly controls: CacheControls;
  /** The exact key (chat, or an embedding request's single input): the `x-litellm-cache-key`. */
  key?: string;
  hit: boolean;
  /** Cosine similarity of a semantic hit. */
  similarity?: number;
  /** Semantic: the request's partition and prompt vector (kept to index the answer). */
  partition?: string;
  vector?: Float32Array;
  /** Embeddings: the inputs one per item, their keys, and which went upstream (all when unset). */
  items?: unknown[];
  keys?: string[];
  missing?: number[];
}
