import type { Result, Router } from "hono/router";
import { SmartRouter } from "hono/router/smart-router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { TrieRouter } from "hono/router/trie-router";

/**
 * Hono's default router (RegExpRouter, else TrieRouter), with the match of a few fixed paths
 * remembered. The gateway's table falls back to TrieRouter (RegExpRouter cannot take LiteLLM's
 * `/key/generate` beside `/key/:key/regenerate`), which splits the path and walks the trie on
 * every request: ~5 µs and ~2.4 KB of garbage per inference call in the profiles (issue 22).
 * The handlers a static path matches never change once the routes are added, so for the paths
 * named here (the inference routes) the first match is kept and returned again. Only these
 * paths: a memo filled from request paths would grow with whatever paths clients send.
 *
 * Safe to share: a match without path parameters holds only the handler list and an empty
 * params object, which Hono reads and never writes.
 */
export class HotPathRouter<T> implements Router<T> {
  name = "HotPathRouter";
  readonly #inner: Router<T>;
  readonly #hot: ReadonlySet<string>;
  readonly #memo = new Map<string, Result<T>>();

  /** `hot`: "METHOD /path" keys of static paths (no `:param`, no `*`). */
  constructor(hot: Iterable<string>, inner?: Router<T>) {
    this.#inner = inner ?? new SmartRouter({ routers: [new RegExpRouter(), new TrieRouter()] });
    this.#hot = new Set(hot);
  }

  add(method: string, path: string, handler: T): void {
    this.#memo.clear();
    this.#inner.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    const key = `${method} ${path}`;
    const known = this.#memo.get(key);
    if (known !== undefined) return known;
    const result = this.#inner.match(method, path);
    if (this.#hot.has(key) && withoutParams(result)) this.#memo.set(key, result);
    return result;
  }
}

function withoutParams<T>(result: Result<T>): boolean {
  // One params object (TrieRouter) or param index map (RegExpRouter) per handler: all empty.
  for (const [, params] of result[0]) {
    for (const _ in params as Record<string, string>) return false;
  }
  return true;
}
