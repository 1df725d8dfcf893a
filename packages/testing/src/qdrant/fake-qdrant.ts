import type { FakeResponse } from "../fake-server/fake-response.ts";
import { rawBody } from "../fake-server/raw-body.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
} from "../fake-server/start-fake-server.ts";
import { qdrantError, QdrantFormatError, qdrantOk } from "./qdrant-envelope.ts";
import { matchesFilter, type QdrantPayload, type QdrantPointId } from "./qdrant-filter.ts";

export interface FakeQdrantOptions {
  /** When set, every request needs `api-key: <apiKey>` (or `Authorization: Bearer <apiKey>`). */
  apiKey?: string;
  port?: number;
}

export interface FakeQdrantPoint {
  readonly id: QdrantPointId;
  /** As stored: unit length for a Cosine collection (Qdrant normalizes on upsert). */
  readonly vector: Float32Array;
  readonly payload: QdrantPayload;
  readonly version: number;
}

export interface FakeQdrantCollection {
  readonly size: number;
  readonly distance: "Cosine" | "Dot";
  readonly points: ReadonlyMap<QdrantPointId, FakeQdrantPoint>;
  /** Payload indexes created with `PUT /collections/{name}/index`: field name -> schema. */
  readonly payloadSchema: ReadonlyMap<string, string>;
}

export interface FakeQdrant extends FakeServer {
  /** A collection as the fake holds it, for assertions; undefined when it does not exist. */
  collection(name: string): FakeQdrantCollection | undefined;
}

interface MutableCollection {
  size: number;
  distance: "Cosine" | "Dot";
  points: Map<QdrantPointId, FakeQdrantPoint>;
  payloadSchema: Map<string, string>;
}

const PAYLOAD_SCHEMAS = ["keyword", "integer", "float", "bool", "geo", "text", "datetime", "uuid"];

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * A fake Qdrant (REST, port 0 on 127.0.0.1) holding collections in memory, in Qdrant's wire
 * format: `{result, status: "ok", time}`, errors as `{status: {error}, time}`.
 * Endpoints: `GET /`, `GET /readyz`, `GET /collections`, `GET|PUT|DELETE /collections/{name}`,
 * `PUT /collections/{name}/index` (payload index; recorded, search is brute force anyway),
 * `PUT /collections/{name}/points` (upsert; `?wait` accepted, always completed),
 * `POST /collections/{name}/points/search` (brute-force cosine, filter, `score_threshold`
 * inclusive, `limit`, `offset`, `with_payload`), `POST /collections/{name}/points/delete` (by
 * `points` or `filter`). 404 for a missing collection, 409 to create an existing one, 400 for a
 * vector of the wrong size, an invalid point id or an unsupported condition. Every request is
 * recorded (`requests`), and `enqueue(hang())` etc. script a slow or broken Qdrant.
 */
export function startFakeQdrant(options: FakeQdrantOptions = {}): Promise<FakeQdrant> {
  const collections = new Map<string, MutableCollection>();
  let operationId = 0;

  const handle = (req: RecordedRequest): FakeResponse => {
    try {
      return route(req);
    } catch (error) {
      if (error instanceof QdrantFormatError) return qdrantError(400, error.message);
      throw error;
    }
  };

  const route = (req: RecordedRequest): FakeResponse => {
    const parts = req.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (req.method === "GET" && parts.length === 0) {
      return qdrantJson({ title: "qdrant - vector search engine", version: "1.12.0" });
    }
    if (
      req.method === "GET" &&
      parts.length === 1 &&
      ["readyz", "livez", "healthz"].includes(parts[0]!)
    ) {
      return rawBody("all shards are ready");
    }
    if (parts[0] !== "collections") return rawBody("", { status: 404 });
    if (parts.length === 1 && req.method === "GET") {
      return qdrantOk({ collections: [...collections.keys()].map((name) => ({ name })) });
    }
    const name = parts[1]!;
    const collection = collections.get(name);
    const tail = `${req.method} ${parts.slice(2).join("/")}`;
    if (tail === "PUT ") return createCollection(name, req.json);
    if (collection === undefined) {
      if (tail === "DELETE ") return qdrantOk(false);
      if (
        ["GET ", "PUT index", "PUT points", "POST points/search", "POST points/delete"].includes(
          tail,
        )
      ) {
        return qdrantError(404, `Not found: Collection \`${name}\` doesn't exist!`);
      }
      return rawBody("", { status: 404 });
    }
    switch (tail) {
      case "GET ":
        return qdrantOk(collectionInfo(collection));
      case "DELETE ":
        collections.delete(name);
        return qdrantOk(true);
      case "PUT index":
        return createPayloadIndex(collection, req.json);
      case "PUT points":
        return upsert(collection, req.json);
      case "POST points/search":
        return search(collection, req.json);
      case "POST points/delete":
        return deletePoints(collection, req.json);
      default:
        return rawBody("", { status: 404 });
    }
  };

  const createCollection = (name: string, body: unknown): FakeResponse => {
    if (collections.has(name)) {
      return qdrantError(409, `Wrong input: Collection \`${name}\` already exists!`);
    }
    const vectors = (body as { vectors?: { size?: unknown; distance?: unknown } } | undefined)
      ?.vectors;
    const size = vectors?.size;
    if (typeof size !== "number" || !Number.isInteger(size) || size < 1) {
      throw new QdrantFormatError("Format error in JSON body: missing field `vectors`");
    }
    if (vectors?.distance !== "Cosine" && vectors?.distance !== "Dot") {
      throw new QdrantFormatError(
        `Format error in JSON body: fake-qdrant supports Cosine and Dot, got ${String(vectors?.distance)}`,
      );
    }
    collections.set(name, {
      size,
      distance: vectors.distance,
      points: new Map(),
      payloadSchema: new Map(),
    });
    return qdrantOk(true);
  };

  const createPayloadIndex = (collection: MutableCollection, body: unknown): FakeResponse => {
    const b = (body ?? {}) as { field_name?: unknown; field_schema?: unknown };
    if (typeof b.field_name !== "string" || !PAYLOAD_SCHEMAS.includes(String(b.field_schema))) {
      throw new QdrantFormatError(
        "Format error in JSON body: expected `field_name` and a known `field_schema`",
      );
    }
    collection.payloadSchema.set(b.field_name, String(b.field_schema));
    operationId += 1;
    return qdrantOk({ operation_id: operationId, status: "completed" });
  };

  const upsert = (collection: MutableCollection, body: unknown): FakeResponse => {
    const points = (body as { points?: unknown } | undefined)?.points;
    if (!Array.isArray(points)) {
      throw new QdrantFormatError("Format error in JSON body: missing field `points`");
    }
    // Validate every point before storing any, as Qdrant rejects the whole batch.
    const parsed = points.map((point) => {
      const p = point as { id?: unknown; vector?: unknown; payload?: unknown };
      const id = pointId(p.id);
      const vector = readVector(p.vector, collection.size, "Vector inserting");
      const payload =
        typeof p.payload === "object" && p.payload !== null ? (p.payload as QdrantPayload) : {};
      return { id, vector, payload };
    });
    operationId += 1;
    for (const { id, vector, payload } of parsed) {
      const stored = collection.distance === "Cosine" ? normalize(vector) : vector;
      collection.points.set(id, { id, vector: stored, payload, version: operationId });
    }
    return qdrantOk({ operation_id: operationId, status: "completed" });
  };

  const search = (collection: MutableCollection, body: unknown): FakeResponse => {
    const b = (body ?? {}) as Record<string, unknown>;
    const query = readVector(b["vector"], collection.size, "Vector dimension");
    const normalized = collection.distance === "Cosine" ? normalize(query) : query;
    const limit = typeof b["limit"] === "number" ? b["limit"] : 10;
    const offset = typeof b["offset"] === "number" ? b["offset"] : 0;
    const threshold = typeof b["score_threshold"] === "number" ? b["score_threshold"] : undefined;
    const withPayload = b["with_payload"] === true;
    const scored = [...collection.points.values()]
      .filter((point) => matchesFilter(b["filter"], point.id, point.payload))
      .map((point) => ({ point, score: Math.fround(dot(normalized, point.vector)) }))
      .filter(({ score }) => threshold === undefined || score >= threshold)
      .sort((a, b) => b.score - a.score)
      .slice(offset, offset + limit);
    return qdrantOk(
      scored.map(({ point, score }) => ({
        id: point.id,
        version: point.version,
        score,
        payload: withPayload ? point.payload : null,
        vector: null,
      })),
    );
  };

  const deletePoints = (collection: MutableCollection, body: unknown): FakeResponse => {
    const b = (body ?? {}) as { points?: unknown; filter?: unknown };
    if (Array.isArray(b.points)) {
      for (const raw of b.points) collection.points.delete(pointId(raw));
    } else if (b.filter !== undefined) {
      for (const point of [...collection.points.values()]) {
        if (matchesFilter(b.filter, point.id, point.payload)) collection.points.delete(point.id);
      }
    } else {
      throw new QdrantFormatError("Format error in JSON body: expected `points` or `filter`");
    }
    operationId += 1;
    return qdrantOk({ operation_id: operationId, status: "completed" });
  };

  const serverOptions: FakeServerOptions = {};
  if (options.port !== undefined) serverOptions.port = options.port;
  if (options.apiKey !== undefined) serverOptions.authorize = apiKeyCheck(options.apiKey);
  return startFakeServer(handle, serverOptions).then((server) =>
    Object.assign(server, {
      collection: (name: string): FakeQdrantCollection | undefined => collections.get(name),
    }),
  );
}

/** Qdrant's root and health answers are bare JSON/text, not the `{result}` envelope. */
function qdrantJson(body: unknown): FakeResponse {
  return rawBody(JSON.stringify(body), { contentType: "application/json" });
}

/** Qdrant ids are unsigned integers or UUIDs (answered back hyphenated, lower-case). */
function pointId(raw: unknown): QdrantPointId {
  if (typeof raw === "number" && Number.isSafeInteger(raw) && raw >= 0) return raw;
  if (typeof raw === "string" && UUID.test(raw)) {
    const hex = raw.replace(/-/g, "").toLowerCase();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  throw new QdrantFormatError(
    `Format error in JSON body: value ${JSON.stringify(raw)} is not a valid point ID, valid values are either an unsigned integer or a UUID`,
  );
}

function readVector(raw: unknown, size: number, what: string): Float32Array {
  if (!Array.isArray(raw) || raw.some((v) => typeof v !== "number" || !Number.isFinite(v))) {
    throw new QdrantFormatError("Format error in JSON body: vector must be a list of numbers");
  }
  if (raw.length !== size) {
    throw new QdrantFormatError(
      `Wrong input: ${what} error: expected dim: ${size}, got ${raw.length}`,
    );
  }
  return Float32Array.from(raw as number[]);
}

function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  return norm === 0 ? vector : vector.map((v) => v / norm);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function apiKeyCheck(apiKey: string) {
  return (req: RecordedRequest): FakeResponse | undefined => {
    const given = req.headers["api-key"] ?? req.headers["authorization"]?.replace(/^Bearer /i, "");
    if (given === apiKey) return undefined;
    const message =
      given === undefined
        ? "Must provide an API key or an Authorization bearer token"
        : "Invalid API key or JWT";
    return rawBody(message, { status: 401 });
  };
}

/** The parts of Qdrant's collection info a client reads: status, point count, vector params. */
function collectionInfo(collection: MutableCollection): unknown {
  return {
    status: "green",
    optimizer_status: "ok",
    points_count: collection.points.size,
    indexed_vectors_count: 0,
    segments_count: 1,
    config: {
      params: {
        vectors: { size: collection.size, distance: collection.distance },
        shard_number: 1,
        replication_factor: 1,
        on_disk_payload: true,
      },
    },
    payload_schema: Object.fromEntries(
      [...collection.payloadSchema].map(([field, type]) => [field, { data_type: type, points: 0 }]),
    ),
  };
}
