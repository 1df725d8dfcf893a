import type {
  ChatCompletion,
  ChatCompletionRequest,
  ChatResponseResult,
  EmbeddingCallResult,
  EmbeddingRequest,
  EmbeddingResponse,
} from "@org/core";

/**
 * What the cache reads of a request: the subset of `@org/router`'s RequestContext it needs,
 * declared here so the package depends on @org/core only (the router's context satisfies it).
 */
export interface CacheHookContext {
  readonly callId: string;
  readonly kind: "chat" | "embedding";
  /** The group the model resolved to (aliases resolved): part of the key. */
  readonly modelGroup: string;
  readonly request: ChatCompletionRequest | EmbeddingRequest;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Set by the router when a pre-call hook answered. */
  readonly cacheHit: boolean;
  /** Fallback groups the router tried; an answer that took one is not stored (see postCall). */
  readonly fallbacksTaken?: readonly string[];
}

export interface CacheHookOutcome {
  readonly status: "success" | "failure";
  /** The complete answer (a stream assembled from its chunks). */
  readonly response?: ChatCompletion;
  readonly embedding?: EmbeddingResponse;
  /** The stream ended early (client gone, upstream error): never stored. */
  readonly partial?: boolean;
}

/** The router's `PreCallAnswer`, structurally. */
export type CacheAnswer =
  | { response: ChatResponseResult }
  | { embedding: EmbeddingCallResult }
  | {
      embeddingParts: {
        readonly vectors: readonly (number[] | string | undefined)[];
        readonly rest: EmbeddingRequest;
      };
    };

/** The router's `RouterHooks`, structurally. */
export interface CacheHooks {
  /** A promise only when the answer needs one (not for a memory hit). */
  preCall(ctx: CacheHookContext): CacheAnswer | Promise<CacheAnswer | undefined> | undefined;
  postCall(ctx: CacheHookContext, outcome: CacheHookOutcome): void;
  responseHeaders(ctx: CacheHookContext): Record<string, string> | undefined;
}
