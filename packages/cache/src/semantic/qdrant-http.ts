/**
 * The few Qdrant REST calls the semantic cache makes, over Node's own fetch: four endpoints
 * (collection info/create, points upsert, search, delete) do not justify `@qdrant/js-client-rest`
 * and its dependencies, and a bare fetch lets us bound every wait ourselves.
 */
export interface QdrantConnection {
  /** LiteLLM's `qdrant_api_base` / `QDRANT_API_BASE`, e.g. `http://127.0.0.1:6333`. */
  readonly apiBase: string;
  /** LiteLLM's `qdrant_api_key` / `QDRANT_API_KEY`, sent as the `api-key` header. */
  readonly apiKey?: string | undefined;
}

export interface QdrantResponse {
  readonly status: number;
  /** The parsed JSON body, or undefined when it was empty or not JSON. */
  readonly json: unknown;
}

/**
 * One request; resolves with any HTTP status (callers decide what a 404 means) and rejects only
 * when Qdrant did not answer: connection refused, reset, or no answer within `timeoutMs`.
 */
export async function qdrantRequest(
  connection: QdrantConnection,
  method: "GET" | "PUT" | "POST" | "DELETE",
  path: string,
  body: unknown,
  timeoutMs: number,
  cancel?: AbortSignal,
): Promise<QdrantResponse> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (connection.apiKey) headers["api-key"] = connection.apiKey;
  const { url, basicAuth } = splitCredentials(connection.apiBase);
  if (basicAuth !== undefined) headers["authorization"] = basicAuth;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal,
  });
  // The body is read under the same signal: a Qdrant that sends headers and then stalls is as
  // slow as one that never answers.
  const text = await response.text();
  return { status: response.status, json: parseJson(text) };
}

/**
 * `apiBase` without a trailing slash, so paths can be appended, and without `user:password@`:
 * fetch refuses such URLs (with an error that echoes the password), so they become a Basic
 * `authorization` header, as curl and Python's httpx (LiteLLM's client) send them.
 */
function splitCredentials(apiBase: string): { url: string; basicAuth?: string } {
  let parsed: URL;
  try {
    parsed = new URL(apiBase);
  } catch {
    return { url: apiBase.replace(/\/+$/, "") };
  }
  if (parsed.username === "" && parsed.password === "") return { url: apiBase.replace(/\/+$/, "") };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = "";
  parsed.password = "";
  return {
    url: parsed.toString().replace(/\/+$/, ""),
    basicAuth: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
  };
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The URL to name in logs and errors: no `user:password@`, no query string (either could carry
 * a credential). The API key travels in a header and is never part of it.
 */
export function describeQdrantUrl(apiBase: string): string {
  try {
    const url = new URL(apiBase);
    url.username = "";
    url.password = "";
    url.search = "";
    url.hash = "";
    return url.toString().replace(/\/+$/, "");
  } catch {
    return "(an invalid URL)";
  }
}

/** Qdrant's error envelope is `{status: {error: "..."}, time}`; the text of that error, if any. */
export function qdrantErrorText(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const status = (json as { status?: unknown }).status;
  if (typeof status !== "object" || status === null) return undefined;
  const error = (status as { error?: unknown }).error;
  return typeof error === "string" ? error : undefined;
}

/** Why a request got no answer, in words: a timeout, or the socket error's code. */
export function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
    if (error.name === "AbortError") return "cancelled (index closed)";
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as { code?: unknown }).code;
      return typeof code === "string" ? code : cause.message;
    }
    return error.message;
  }
  return String(error);
}
