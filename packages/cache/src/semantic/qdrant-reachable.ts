import {
  describeFailure,
  describeQdrantUrl,
  qdrantErrorText,
  qdrantRequest,
  type QdrantConnection,
} from "./qdrant-http.ts";

export interface QdrantReachabilityOptions extends QdrantConnection {
  /**
   * Longest wait, in ms; default 5000. A start check may wait longer than a lookup (the index's
   * 200 ms): a Qdrant Cloud cluster across a WAN is fine for caching yet slower to first answer.
   */
  readonly timeoutMs?: number;
}

const SETTINGS_HINT = "check qdrant_api_base (or QDRANT_API_BASE) and that Qdrant is running";

/**
 * For the gateway's start: resolves when Qdrant answers `GET /collections` with the given key,
 * throws an Error saying what to fix otherwise, so `cache_params.type: qdrant-semantic` without a
 * reachable Qdrant stops the start instead of missing silently on every request.
 * `GET /collections` rather than `/readyz`: the health endpoints may answer without a key, and a
 * wrong key must fail here too. Messages name the URL without credentials and never the key.
 */
export async function checkQdrantReachable(options: QdrantReachabilityOptions): Promise<void> {
  const prefix = "qdrant-semantic cache:";
  if (!options.apiBase) {
    throw new Error(`${prefix} no Qdrant URL: set cache_params.qdrant_api_base or QDRANT_API_BASE`);
  }
  let protocol: string;
  try {
    protocol = new URL(options.apiBase).protocol;
  } catch {
    throw new Error(`${prefix} qdrant_api_base is not a valid URL (expected http(s)://host:6333)`);
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw new Error(`${prefix} qdrant_api_base must be an http(s) URL (Qdrant's REST port, 6333)`);
  }
  const url = describeQdrantUrl(options.apiBase);
  const timeoutMs = options.timeoutMs ?? 5000;
  let response;
  try {
    response = await getCollections(options, timeoutMs);
  } catch (error) {
    throw new Error(
      `${prefix} Qdrant at ${url} is not reachable (${describeFailure(error, timeoutMs)}): ${SETTINGS_HINT}`,
    );
  }
  if (response.status === 401 || response.status === 403) {
    const which = options.apiKey ? "refused the API key" : "needs an API key and none was given";
    throw new Error(
      `${prefix} Qdrant at ${url} ${which} (HTTP ${response.status}): check qdrant_api_key (or QDRANT_API_KEY)`,
    );
  }
  if (response.status !== 200 || !looksLikeCollectionList(response.json)) {
    const detail = qdrantErrorText(response.json);
    throw new Error(
      `${prefix} ${url} answered GET /collections with HTTP ${response.status}` +
        `${detail ? ` (${detail})` : ""}, not Qdrant's collection list: ` +
        "check that qdrant_api_base is Qdrant's REST address (port 6333, not gRPC's 6334)",
    );
  }
}

/**
 * `GET /collections`, tried once more (within the same time budget) after a reset connection: a
 * pooled keep-alive socket that Qdrant (or a proxy) closed just as it was reused fails with
 * ECONNRESET / "other side closed" although Qdrant is up, and one such race must not stop the
 * gateway's start. GET is idempotent; a Qdrant that resets every time still fails the check.
 */
async function getCollections(options: QdrantConnection, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  try {
    return await qdrantRequest(options, "GET", "/collections", undefined, timeoutMs);
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    const left = deadline - Date.now();
    if ((code !== "ECONNRESET" && code !== "UND_ERR_SOCKET") || left <= 0) throw error;
    return qdrantRequest(options, "GET", "/collections", undefined, left);
  }
}

function looksLikeCollectionList(json: unknown): boolean {
  const collections = (json as { result?: { collections?: unknown } } | undefined)?.result
    ?.collections;
  return Array.isArray(collections);
}
