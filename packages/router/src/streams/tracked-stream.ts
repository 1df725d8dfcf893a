import type { AbortLike, ChatCompletion, ChatStreamPart, GatewayError, Usage } from "@org/core";
import { TimeoutError } from "@org/core";
import { ClientClosedError } from "../errors/client-closed-error.ts";
import { toGatewayError } from "../errors/to-gateway-error.ts";
import { StreamAssembler } from "./stream-assembler.ts";

export interface StreamEnd {
  readonly status: "success" | "failure" | "cancelled";
  readonly error?: GatewayError;
  readonly usage: Usage | undefined;
  /** Characters of content received, for a usage estimate when the upstream sent none. */
  readonly completionChars: number;
  /**
   * The generated text handed to the consumer (content, refusal, reasoning, tool-call names and
   * arguments), so a stream that ends before the upstream's usage chunk is charged for what it
   * delivered, counted by the router's completion-token counter.
   */
  readonly completionText: string;
  readonly completion: ChatCompletion | undefined;
}

export interface TrackedStreamOptions {
  /** The first part, already read (that is when the router resolves). */
  readonly first: ChatStreamPart;
  readonly upstream: AsyncIterator<ChatStreamPart>;
  /** Aborts the upstream call (its connection is closed). */
  readonly abortUpstream: (reason: unknown) => void;
  readonly clientSignal: AbortLike | undefined;
  /** Keep every delta to hand post-call hooks the whole completion. */
  readonly assemble: boolean;
  /** Called exactly once, however the stream ends. */
  readonly onEnd: (end: StreamEnd) => void;
}

/**
 * The parts the gateway iterates after the first chunk. It turns every way a stream can end
 * (done, upstream error, idle timeout, client gone, consumer `break`, a `throw(error)` from the
 * consumer such as a shutdown cutting the stream) into one `onEnd` call, and surfaces failures
 * as GatewayErrors thrown from `next()`: the pending one, or the next one when the consumer was
 * not waiting (a failed stream never looks like a finished one). It arms no timer: the upstream
 * parts come from the call, which enforces `stream_timeout` between chunks and rejects with a
 * TimeoutError.
 */
export function trackedStream(options: TrackedStreamOptions): AsyncIterable<ChatStreamPart> {
  let taken = false;
  return {
    [Symbol.asyncIterator](): AsyncIterator<ChatStreamPart> {
      if (taken) throw new Error("A router stream can be iterated only once");
      taken = true;
      return new TrackedIterator(options);
    },
  };
}

class TrackedIterator implements AsyncIterator<ChatStreamPart> {
  readonly #o: TrackedStreamOptions;
  readonly #assembler: StreamAssembler | undefined;
  #usage: Usage | undefined;
  #chars = 0;
  readonly #text: string[] = [];
  /** Why the stream stopped while nobody waited on it; thrown from the next `next()`. */
  #unreported: GatewayError | undefined;
  #firstDelivered = false;
  #ended = false;
  #rejectWait: ((error: GatewayError) => void) | undefined;
  readonly #onAbort = () => this.#stop(new ClientClosedError(), "cancelled");

  constructor(options: TrackedStreamOptions) {
    this.#o = options;
    this.#assembler = options.assemble ? new StreamAssembler() : undefined;
    if (options.clientSignal !== undefined) {
      if (options.clientSignal.aborted) queueMicrotask(this.#onAbort);
      else options.clientSignal.addEventListener("abort", this.#onAbort, { once: true });
    }
    this.#observe(options.first);
  }

  async next(): Promise<IteratorResult<ChatStreamPart>> {
    if (!this.#firstDelivered) {
      this.#firstDelivered = true;
      return { value: this.#o.first, done: false };
    }
    if (this.#ended) {
      const error = this.#unreported;
      this.#unreported = undefined;
      if (error !== undefined) throw error;
      return { value: undefined, done: true };
    }
    let result: IteratorResult<ChatStreamPart>;
    try {
      result = await this.#pull();
    } catch (error) {
      const failure =
        error instanceof ClientClosedError || error instanceof TimeoutError
          ? error
          : toGatewayError(error);
      this.#stop(failure, failure instanceof ClientClosedError ? "cancelled" : "failure");
      throw failure;
    }
    if (result.done === true) {
      this.#finish({ status: "success" });
      return { value: undefined, done: true };
    }
    this.#observe(result.value);
    return result;
  }

  async return(): Promise<IteratorResult<ChatStreamPart>> {
    if (!this.#ended)
      this.#stop(new ClientClosedError("The stream consumer stopped reading"), "cancelled");
    this.#unreported = undefined;
    return { value: undefined, done: true };
  }

  /**
   * Ends the stream with `error` (e.g. the gateway shutting down cuts it): the upstream call is
   * closed, a pending `next()` rejects with it, and the end is reported as a failure, charged for
   * what was delivered. Rejects with `error` too, as a generator that does not catch it would.
   */
  async throw(error?: unknown): Promise<IteratorResult<ChatStreamPart>> {
    const failure = toGatewayError(error);
    if (!this.#ended) {
      this.#stop(failure, failure instanceof ClientClosedError ? "cancelled" : "failure");
      this.#unreported = undefined;
    }
    throw failure;
  }

  /** The next upstream part, or a rejection when the call's timer or the client ends the wait. */
  #pull(): Promise<IteratorResult<ChatStreamPart>> {
    return new Promise((resolve, reject) => {
      this.#rejectWait = reject;
      this.#o.upstream.next().then(
        (value) => {
          this.#rejectWait = undefined;
          resolve(value);
        },
        (error: unknown) => {
          this.#rejectWait = undefined;
          reject(error);
        },
      );
    });
  }

  #observe(part: ChatStreamPart): void {
    for (const chunk of part.chunks) {
      if (chunk.usage !== undefined && chunk.usage !== null) this.#usage = chunk.usage;
      for (const choice of chunk.choices) {
        const delta = choice.delta;
        const content = delta.content;
        if (typeof content === "string" && content !== "") {
          this.#chars += content.length;
          this.#text.push(content);
        }
        if (typeof delta.refusal === "string" && delta.refusal !== "")
          this.#text.push(delta.refusal);
        if (typeof delta.reasoning_content === "string" && delta.reasoning_content !== "")
          this.#text.push(delta.reasoning_content);
        if (delta.tool_calls !== undefined) {
          for (const call of delta.tool_calls) {
            const fn = call.function;
            if (typeof fn?.name === "string" && fn.name !== "") this.#text.push(fn.name);
            if (typeof fn?.arguments === "string" && fn.arguments !== "")
              this.#text.push(fn.arguments);
          }
        }
      }
      this.#assembler?.add(chunk);
    }
  }

  /** Ends early: closes the upstream, fails a pending wait, reports once. */
  #stop(error: GatewayError, status: "failure" | "cancelled"): void {
    if (this.#ended) return;
    this.#o.abortUpstream(error);
    // Let the upstream iterator close its socket; it may never settle if the transport
    // ignores the signal, so this is not awaited.
    this.#o.upstream.return?.().catch(() => {});
    const reject = this.#rejectWait;
    this.#rejectWait = undefined;
    this.#finish({ status, error });
    if (reject === undefined) this.#unreported = error;
    else reject(error);
  }

  #finish(end: { status: StreamEnd["status"]; error?: GatewayError }): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#o.clientSignal?.removeEventListener("abort", this.#onAbort);
    this.#o.onEnd({
      status: end.status,
      ...(end.error === undefined ? {} : { error: end.error }),
      usage: this.#usage,
      completionChars: this.#chars,
      completionText: this.#text.join(""),
      completion: this.#assembler?.completion(),
    });
  }
}
