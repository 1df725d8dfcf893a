import type { RequestContext, RequestMetadata } from "../context/request-context.ts";
import type { PreCallAnswer, RouterHooks } from "./router-hooks.ts";

/**
 * Several hooks as one, in order: the gateway runs the budget hooks (access, limits, holds)
 * before the cache's, so a refused request never reads the cache and a cache hit is still
 * counted against the caller's limits.
 *
 * - `preCall`: each in turn; the first answer wins and the later hooks do not run. Synchronous
 *   hooks stay synchronous (no promise per request when none is needed).
 * - `postCall`: every hook, each guarded (one that throws does not skip the others); `settled`
 *   waits for all their promises.
 * - `responseHeaders`: merged, later hooks' headers over earlier ones'.
 */
export function composeHooks<M extends RequestMetadata = RequestMetadata>(
  ...list: readonly (RouterHooks<M> | undefined)[]
): RouterHooks<M> {
  const hooks = list.filter((h): h is RouterHooks<M> => h !== undefined);
  if (hooks.length === 1) return hooks[0]!;
  const pre = hooks.filter((h) => h.preCall !== undefined);
  const post = hooks.filter((h) => h.postCall !== undefined);
  const headers = hooks.filter((h) => h.responseHeaders !== undefined);

  const runPre = (
    ctx: RequestContext<M>,
    from: number,
  ): void | PreCallAnswer | Promise<void | PreCallAnswer> => {
    for (let i = from; i < pre.length; i++) {
      const answer = pre[i]!.preCall!(ctx);
      if (answer instanceof Promise) {
        return answer.then((a) => (a === undefined ? runPre(ctx, i + 1) : a));
      }
      if (answer !== undefined) return answer;
    }
    return undefined;
  };

  return {
    ...(pre.length > 0 ? { preCall: (ctx: RequestContext<M>) => runPre(ctx, 0) } : {}),
    ...(post.length > 0
      ? {
          postCall(ctx, outcome) {
            let pending: Promise<void>[] | undefined;
            for (const hook of post) {
              let result: void | Promise<void>;
              try {
                result = hook.postCall!(ctx, outcome);
              } catch {
                // A hook must not throw (see RouterHooks); if one does, the others still run.
                continue;
              }
              if (result instanceof Promise) (pending ??= []).push(result.catch(() => undefined));
            }
            if (pending === undefined) return undefined;
            return pending.length === 1 ? pending[0] : Promise.all(pending).then(() => undefined);
          },
        }
      : {}),
    ...(headers.length > 0
      ? {
          responseHeaders(ctx) {
            let out: Record<string, string> | undefined;
            for (const hook of headers) {
              const added = hook.responseHeaders!(ctx);
              if (added !== undefined)
                out = out === undefined ? { ...added } : Object.assign(out, added);
            }
            return out;
          },
        }
      : {}),
  };
}
