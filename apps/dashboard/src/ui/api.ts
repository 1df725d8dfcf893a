import { ApiError, errorFromResponse } from "../lib/api-error.ts";

/**
 * Every call the dashboard makes: same origin, the session cookie (HttpOnly, set by /v2/login),
 * and `x-dashboard-request: 1`, without which the gateway ignores the cookie (a cross-site form
 * cannot set a custom header, so the cookie alone never authorizes anything). No key is kept in
 * the page or in storage.
 */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    credentials: "same-origin",
    headers: {
      "x-dashboard-request": "1",
      accept: "application/json",
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = errorFromResponse(response.status, body);
    if (response.status === 401 && !path.startsWith("/v2/")) onUnauthorized?.();
    throw error;
  }
  return body as T;
}

let onUnauthorized: (() => void) | undefined;

/** Told when any call answers 401 (the session expired or its key was blocked): back to login. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export { ApiError };

/** "a=1&b=x" from an object, leaving out empty values. */
export function query(
  params: Record<string, string | number | boolean | undefined | null>,
): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
