/**
 * Ports answer with a plain value when they can (the memory implementations) and a promise when
 * they must (Redis). Callers chain with `andThen` below, so the memory path never allocates a
 * promise or yields to the event loop.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * `fn(value)`, synchronously when `value` is not a promise. (Not named `then`: a module exporting
 * `then` makes its namespace object a thenable, which breaks dynamic `import()`.)
 */
export function andThen<T, R>(
  value: MaybePromise<T>,
  fn: (value: T) => MaybePromise<R>,
): MaybePromise<R> {
  return isPromise(value) ? value.then(fn) : fn(value);
}
