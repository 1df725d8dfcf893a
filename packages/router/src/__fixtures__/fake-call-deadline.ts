import type { CallChatOptions, ChatStreamPart } from "@org/core";
import { TimeoutError } from "@org/core";

/**
 * The deadlines @org/core's callChat enforces, for the scripted fake call: the router arms no
 * timer of its own, it computes `timeoutMs` / `streamTimeoutMs` and relies on the call. So a
 * fake call keeps the same contract: `timeoutMs` for a whole non-streamed call,
 * `streamTimeoutMs ?? timeoutMs` until a stream's first part, then `streamTimeoutMs` while the
 * consumer waits for the next part. Expiry aborts `signal` (the fake's waits end with it).
 */
export function fakeCallDeadline(o: CallChatOptions) {
  const stream = o.request.stream === true;
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(o.signal?.reason);
  if (o.signal?.aborted === true) controller.abort(o.signal.reason);
  else o.signal?.addEventListener("abort", onCallerAbort, { once: true });
  const expire = (message: string) => controller.abort(new TimeoutError(message));
  const ms = stream ? (o.streamTimeoutMs ?? o.timeoutMs) : o.timeoutMs;
  let deadline =
    ms === undefined ? undefined : setTimeout(() => expire(`fake: no answer in ${ms} ms`), ms);
  const clear = () => {
    clearTimeout(deadline);
    deadline = undefined;
  };
  return {
    signal: controller.signal,
    /** The call answered (not streamed): nothing more to time. */
    done(): void {
      clear();
      o.signal?.removeEventListener("abort", onCallerAbort);
    },
    /** A stream's parts under the first-part deadline, then the idle timeout. */
    parts(parts: AsyncIterable<ChatStreamPart>): AsyncIterable<ChatStreamPart> {
      const idleMs = o.streamTimeoutMs;
      return {
        [Symbol.asyncIterator]() {
          const upstream = parts[Symbol.asyncIterator]();
          let first = true;
          return {
            async next() {
              const idle =
                first || idleMs === undefined
                  ? undefined
                  : setTimeout(() => expire(`fake: no stream data for ${idleMs} ms`), idleMs);
              try {
                return await upstream.next();
              } finally {
                clearTimeout(idle);
                if (first) clear();
                first = false;
              }
            },
            async return() {
              clear();
              controller.abort(new DOMException("stopped reading", "AbortError"));
              return (await upstream.return?.()) ?? { value: undefined, done: true };
            },
          };
        },
      };
    },
  };
}
