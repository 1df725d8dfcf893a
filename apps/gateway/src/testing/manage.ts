import { expect } from "vitest";

/**
 * Calls a management route (`/key/generate`, `/team/new`, `/spend/logs`, ...) with `key` as the
 * bearer token: a GET without a body, a POST with one. Expects a 200 (the failure message shows
 * the body) and returns the parsed JSON. For refusals, call `fetch` directly.
 */
export async function manage<T = Record<string, unknown>>(
  gateway: { url: string },
  key: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${gateway.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as T;
  expect(res.status, `${path}: ${JSON.stringify(json)}`).toBe(200);
  return json;
}
