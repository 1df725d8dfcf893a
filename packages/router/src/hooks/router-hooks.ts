import type {
  ChatCallResult,
  ChatCompletion,
  EmbeddingCallResult,
  EmbeddingRequest,
  EmbeddingResponse,
  GatewayError,
  Usage,
} from "@org/core";
import type { RequestContext, RequestMetadata } from "../context/request-context.ts";

/**
 * A pre-call hook's answer without an upstream call (a cache hit), or for an embeddings batch
 * part of one: the vectors it has, and the request for the rest (see `EmbeddingParts`).
 */
export type PreCallAnswer =
  | { response: ChatCallResult }
  | { embedding: EmbeddingCallResult }
  | { embeddingParts: EmbeddingParts };

/**
 * Some inputs of an embeddings batch answered (cached per input): the router sends only
 * `rest` upstream and puts its vectors in the `undefined` slots, in order. Usage and cost are the
 * upstream call's (the answered inputs cost nothing).
 */
export interface EmbeddingParts {
  /** One slot per input of the request: a vector, or undefined for those `rest` asks for. */
  readonly vectors: readonly (number[] | string | undefined)[];
  /** The request for the missing inputs, in slot order. */
  readonly rest: EmbeddingRequest;
}

export interface PostCallOutcome {
  readonly status: "success" | "failure";
  /** Final usage; for a stream the upstream's usage chunk, else an estimate (see `usageEstimated`). */
  readonly usage?: Usage;
  /** True when the upstream reported no usage and the router estimated it. */
  readonly usageEstimated?: boolean;
  /** The completion; a stream is assembled from its chunks. */
  readonly response?: ChatCompletion;
  readonly embedding?: EmbeddingResponse;
  readonly error?: GatewayError;
  /** The stream ended early (client gone, or an error after the first chunk). */
  readonly partial?: boolean;
  /** USD, when the answering deployment's price is known. */
  readonly cost?: number;
}

/**
 * The gateway's seam into each request, so the router knows nothing of Postgres or caches.
 *
 * - `preCall` runs once per request, after the model resolves and before any upstream call. It
 *   may throw a typed error (a budget refusal) or answer itself (a cache hit).
 * - `postCall` runs exactly once per request: success or failure, streamed or not, including a
 *   stream the client abandoned. It must not throw (errors are logged and swallowed); return
 *   quickly and queue slow work. The promise it returns (e.g. until the spend is journaled) is
 *   the result's `settled`: the gateway holds a response's last bytes until it resolves.
 * - `responseHeaders` adds headers to the answer of an admitted request (`x-ratelimit-*`); read
 *   once the call is answered (for a stream, at its first chunk) and returned in the result's
 *   `headers`.
 */
export interface RouterHooks<M extends RequestMetadata = RequestMetadata> {
  preCall?(ctx: RequestContext<M>): void | PreCallAnswer | Promise<void | PreCallAnswer>;
  postCall?(ctx: RequestContext<M>, outcome: PostCallOutcome): void | Promise<void>;
  responseHeaders?(ctx: RequestContext<M>): Readonly<Record<string, string>> | undefined;
}
