/**
 * What changed, so every instance drops what it cached about it: one key (updated, blocked,
 * deleted, created over a cached "invalid"), one end user, everything (a team, user,
 * organization or budget changed: many keys' identities depend on it), or the stored models
 * (/model/new, /model/update, /model/delete: every instance reloads its model list).
 */
export type Invalidation =
  | { readonly kind: "key"; readonly keyHash: string }
  | { readonly kind: "end_user"; readonly id: string }
  | { readonly kind: "all" }
  | { readonly kind: "models" };

export type InvalidationHandler = (message: Invalidation) => void;

/**
 * Carries invalidations between gateway instances. `publish` delivers to this instance's
 * subscribers before it resolves, so the instance that made a change never serves the old value.
 */
export interface KeyInvalidationBus {
  publish(message: Invalidation): Promise<void>;
  subscribe(handler: InvalidationHandler): () => void;
  close(): Promise<void>;
}

/** One process: invalidations go to this process's subscribers only. */
export function createMemoryKeyInvalidationBus(): KeyInvalidationBus {
  const handlers = new Set<InvalidationHandler>();
  return {
    publish(message) {
      deliver(handlers, message);
      return Promise.resolve();
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    close() {
      handlers.clear();
      return Promise.resolve();
    },
  };
}

export function deliver(handlers: Iterable<InvalidationHandler>, message: Invalidation): void {
  for (const handler of handlers) {
    try {
      handler(message);
    } catch {
      // A failing subscriber must not keep the others from dropping stale entries.
    }
  }
}
