import { hang, startFakeQdrant, startFakeServer, json, type FakeQdrant } from "@org/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../__fixtures__/manual-clock.ts";
import {
  base,
  CONTRACT_DIMENSIONS,
  describeVectorIndex,
  vectorAt,
} from "../__fixtures__/vector-index-contract.ts";
import type { CacheLogger } from "../util/logger.ts";
import { QdrantVectorIndex, type QdrantVectorIndexOptions } from "./qdrant-index.ts";
import { checkQdrantReachable } from "./qdrant-reachable.ts";

const API_KEY = "qdrant-secret-key-1234";

let qdrant: FakeQdrant;
beforeAll(async () => {
  qdrant = await startFakeQdrant({ apiKey: API_KEY });
});
afterAll(() => qdrant.close());

const indexes: QdrantVectorIndex[] = [];
afterEach(async () => {
  await Promise.all(indexes.splice(0).map((index) => index.close()));
});

function openIndex(options: Partial<QdrantVectorIndexOptions> = {}): QdrantVectorIndex {
  // Generous timeout: the machine is shared, and these tests are about behaviour, not speed.
  const index = new QdrantVectorIndex({
    apiBase: qdrant.url,
    apiKey: API_KEY,
    collectionName: "contract",
    timeoutMs: 5000,
    ...options,
  });
  indexes.push(index);
  return index;
}

function recordingLogger(): CacheLogger & { lines: { message: string; fields?: unknown }[] } {
  const lines: { message: string; fields?: unknown }[] = [];
  const log = (message: string, fields?: Record<string, unknown>) =>
    lines.push({ message, fields });
  return { lines, warn: log, error: log };
}

let collectionCounter = 0;
const freshCollection = () => `cache-${process.pid}-${++collectionCounter}`;
const entry = (partition: string, key: string, vector: Float32Array, expiresAt = Infinity) => ({
  partition,
  key,
  vector,
  expiresAt,
});

describeVectorIndex("qdrant (fake Qdrant over HTTP)", () => openIndex());

describe("QdrantVectorIndex on the wire", () => {
  it("sends the API key in the api-key header on every request", async () => {
    const collectionName = freshCollection();
    const index = openIndex({ collectionName });
    const before = qdrant.requests.length;
    await index.add(entry("p", "k", base(0)));
    await index.nearest("p", base(0), 0.9, Date.now());
    await index.remove("p", "k");
    const sent = qdrant.requests.slice(before);
    expect(sent.length).toBeGreaterThanOrEqual(4); // info, create, upsert, search, delete
    for (const request of sent) expect(request.headers["api-key"]).toBe(API_KEY);
  });

  it("without the key, Qdrant refuses and the index misses quietly, logging no key", async () => {
    const logger = recordingLogger();
    const index = openIndex({
      collectionName: freshCollection(),
      apiKey: "wrong-key-5678",
      logger,
    });
    await expect(index.add(entry("p", "k", base(0)))).resolves.toBeUndefined();
    expect(await index.nearest("p", base(0), 0.5, Date.now())).toBeUndefined();
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.lines)).toContain("401");
    expect(JSON.stringify(logger.lines)).not.toContain("wrong-key-5678");
  });

  it("creates a missing collection once, with the embeddings' size and Cosine, under concurrent adds", async () => {
    const collectionName = freshCollection();
    const index = openIndex({ collectionName });
    const before = qdrant.requests.length;
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => index.add(entry("p", `k${i}`, vectorAt(0.9, 0, i + 1)))),
    );
    await index.add(entry("p", "later", base(7)));
    const path = `/collections/${collectionName}`;
    const creates = qdrant.requests
      .slice(before)
      .filter((r) => r.method === "PUT" && r.pathname === path);
    expect(creates).toHaveLength(1);
    expect(creates[0]?.json).toEqual({
      vectors: { size: CONTRACT_DIMENSIONS, distance: "Cosine" },
    });
    expect(qdrant.collection(collectionName)).toMatchObject({
      size: CONTRACT_DIMENSIONS,
      distance: "Cosine",
    });
    // Searches filter on partition: it gets a keyword payload index, once.
    expect([...(qdrant.collection(collectionName)?.payloadSchema ?? [])]).toEqual([
      ["partition", "keyword"],
    ]);
    expect(
      qdrant.requests.slice(before).filter((r) => r.pathname === `${path}/index`),
    ).toHaveLength(1);
    expect(qdrant.collection(collectionName)?.points.size).toBe(6);
    expect(index.size()).toBe(6);
  });

  it("a second instance reuses the collection and shares its entries (same point ids)", async () => {
    const collectionName = freshCollection();
    const first = openIndex({ collectionName });
    await first.add({ ...entry("team-a", "key-1", base(0)), body: '{"answer":1}' });
    const second = openIndex({ collectionName });
    const before = qdrant.requests.length;
    await second.add({ ...entry("team-a", "key-1", base(0)), body: '{"answer":2}' });
    const puts = qdrant.requests
      .slice(before)
      .filter((r) => r.method === "PUT" && r.pathname === `/collections/${collectionName}`);
    expect(puts).toHaveLength(0);
    // Same (partition, key): the second answer replaced the first rather than adding a point.
    expect(qdrant.collection(collectionName)?.points.size).toBe(1);
    const match = await first.nearest("team-a", base(0), 0.99, Date.now());
    expect(match).toMatchObject({ key: "key-1", body: '{"answer":2}' });
  });

  it("keeps partition, key, expiry and the answer in the payload, under a UUID point id", async () => {
    const collectionName = freshCollection();
    const index = openIndex({ collectionName });
    const expiresAt = Date.now() + 60_000;
    await index.add({ ...entry("p", "k-expiring", base(0), expiresAt), body: "cached body" });
    await index.add(entry("p", "k-forever", base(1)));
    const points = [...(qdrant.collection(collectionName)?.points.values() ?? [])];
    const byKey = new Map(points.map((point) => [point.payload["key"], point]));
    expect(byKey.get("k-expiring")?.payload).toEqual({
      partition: "p",
      key: "k-expiring",
      expires_at: expiresAt,
      body: "cached body",
    });
    // JSON has no Infinity: a non-expiring entry carries the largest exact integer.
    expect(byKey.get("k-forever")?.payload["expires_at"]).toBe(Number.MAX_SAFE_INTEGER);
    for (const point of points) {
      expect(point.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
    expect(await index.nearest("p", base(0), 0.99, Date.now())).toMatchObject({
      key: "k-expiring",
      body: "cached body",
    });
  });

  it("searches with the partition and expiry filter, limit 1, payload and score_threshold", async () => {
    const collectionName = freshCollection();
    const index = openIndex({ collectionName });
    await index.add(entry("p", "k", base(0)));
    const now = Date.now();
    await index.nearest("p", base(0), 0.95, now);
    const search = qdrant.requests.findLast(
      (r) => r.method === "POST" && r.pathname === `/collections/${collectionName}/points/search`,
    );
    expect(search?.json).toMatchObject({
      filter: {
        must: [
          { key: "partition", match: { value: "p" } },
          { key: "expires_at", range: { gt: now } },
        ],
      },
      limit: 1,
      with_payload: true,
    });
    const threshold = (search?.json as { score_threshold: number }).score_threshold;
    expect(threshold).toBeGreaterThan(0.9499);
    expect(threshold).toBeLessThanOrEqual(0.95);
  });

  it("a lookup before anything was cached (no collection yet) is a quiet miss", async () => {
    const logger = recordingLogger();
    const index = openIndex({ collectionName: freshCollection(), logger });
    expect(await index.nearest("p", base(0), 0.5, Date.now())).toBeUndefined();
    await index.remove("p", "k");
    expect(logger.lines).toEqual([]);
  });

  it("refuses to write into an existing collection of another size, and says why", async () => {
    const collectionName = freshCollection();
    const created = await fetch(`${qdrant.url}/collections/${collectionName}`, {
      method: "PUT",
      headers: { "api-key": API_KEY, "content-type": "application/json" },
      body: JSON.stringify({ vectors: { size: 8, distance: "Cosine" } }),
    });
    expect(created.status).toBe(200);
    const logger = recordingLogger();
    const index = openIndex({ collectionName, logger });
    await expect(index.add(entry("p", "k", base(0)))).resolves.toBeUndefined();
    expect(qdrant.collection(collectionName)?.points.size).toBe(0);
    expect(logger.lines[0]?.message).toMatch(/vector size/);
    expect(logger.lines[0]?.fields).toMatchObject({ collectionSize: 8, embeddingSize: 16 });
    expect(index.size()).toBe(0);
  });

  it("deletes expired points at most once per sweep interval (Qdrant never expires them)", async () => {
    const collectionName = freshCollection();
    const clock = new ManualClock();
    const index = openIndex({ collectionName, clock, sweepIntervalMs: 60_000 });
    const start = clock.now();
    await index.add(entry("p", "expires", base(0), start + 1_000));
    await index.add(entry("p", "stays", base(1), start + 3_600_000));
    await index.add(entry("p", "forever", base(2)));
    const deletes = () =>
      qdrant.requests.filter(
        (r) => r.method === "POST" && r.pathname === `/collections/${collectionName}/points/delete`,
      ).length;
    expect(deletes()).toBe(0);
    clock.advance(61_000);
    await index.add(entry("p", "new", base(3)));
    expect(deletes()).toBe(1);
    const keys = [...(qdrant.collection(collectionName)?.points.values() ?? [])].map(
      (point) => point.payload["key"],
    );
    expect(keys.sort()).toEqual(["forever", "new", "stays"]);
    await index.add(entry("p", "newer", base(4)));
    expect(deletes()).toBe(1);
  });
});

describe("QdrantVectorIndex when Qdrant is down or slow", () => {
  it("Qdrant killed: nearest misses, add and remove resolve, one log line per interval, no key", async () => {
    const doomed = await startFakeQdrant({ apiKey: API_KEY });
    const logger = recordingLogger();
    const index = openIndex({
      apiBase: `http://user:url-password@127.0.0.1:${doomed.port}`,
      collectionName: "doomed",
      clock: new ManualClock(),
      logger,
    });
    await index.add(entry("p", "k", base(0)));
    expect((await index.nearest("p", base(0), 0.9, Date.now()))?.key).toBe("k");
    // fetch refuses user:password@ URLs: they travel as Basic auth (a proxy in front of Qdrant).
    const basic = `Basic ${Buffer.from("user:url-password").toString("base64")}`;
    expect(doomed.requests[0]?.headers["authorization"]).toBe(basic);
    await doomed.close();

    expect(await index.nearest("p", base(0), 0.9, Date.now())).toBeUndefined();
    await expect(index.add(entry("p", "k2", base(1)))).resolves.toBeUndefined();
    await expect(index.remove("p", "k")).resolves.toBeUndefined();
    expect(await index.nearest("p", base(0), 0.9, Date.now())).toBeUndefined();

    expect(logger.lines).toHaveLength(1);
    // The pooled keep-alive socket dies first (UND_ERR_SOCKET), then connects are refused.
    expect(logger.lines[0]?.fields).toMatchObject({
      url: `http://127.0.0.1:${doomed.port}`,
      error: expect.stringMatching(/^(ECONNREFUSED|UND_ERR_SOCKET|ECONNRESET)$/),
    });
    const logged = JSON.stringify(logger.lines);
    expect(logged).not.toContain(API_KEY);
    expect(logged).not.toContain("url-password");
  });

  it("a Qdrant that does not answer within timeoutMs is a miss, and the request is abandoned", async () => {
    const slow = await startFakeQdrant();
    try {
      const index = openIndex({ apiBase: slow.url, apiKey: undefined, timeoutMs: 100 });
      slow.enqueue(hang());
      expect(await index.nearest("p", base(0), 0.9, Date.now())).toBeUndefined();
      await slow.waitFor((requests) => requests[0]?.aborted === true);
    } finally {
      await slow.close();
    }
  });

  it("after close, calls resolve without reaching Qdrant", async () => {
    const index = openIndex({ collectionName: freshCollection() });
    await index.close();
    const before = qdrant.requests.length;
    await expect(index.add(entry("p", "k", base(0)))).resolves.toBeUndefined();
    expect(await index.nearest("p", base(0), 0.5, Date.now())).toBeUndefined();
    expect(qdrant.requests.length).toBe(before);
  });
});

describe("checkQdrantReachable (the gateway's start check)", () => {
  it("passes against a reachable Qdrant with the right key", async () => {
    await expect(
      checkQdrantReachable({ apiBase: qdrant.url, apiKey: API_KEY }),
    ).resolves.toBeUndefined();
    expect(qdrant.requests.at(-1)).toMatchObject({ method: "GET", pathname: "/collections" });
  });

  it("throws naming the URL (without credentials) and what to check, for a closed port", async () => {
    const gone = await startFakeQdrant();
    await gone.close();
    const attempt = checkQdrantReachable({
      apiBase: `http://admin:url-password@127.0.0.1:${gone.port}/`,
      apiKey: API_KEY,
    });
    await expect(attempt).rejects.toThrow(
      `Qdrant at http://127.0.0.1:${gone.port} is not reachable (ECONNREFUSED)`,
    );
    const message = await attempt.catch((error: Error) => error.message);
    expect(message).toMatch(/qdrant_api_base/);
    expect(message).not.toContain("url-password");
    expect(message).not.toContain(API_KEY);
  });

  it("throws for a wrong key (401), and for a missing one, naming qdrant_api_key and not the key", async () => {
    const wrong = checkQdrantReachable({ apiBase: qdrant.url, apiKey: "not-the-key-999" });
    await expect(wrong).rejects.toThrow(/refused the API key \(HTTP 401\).*qdrant_api_key/);
    expect(await wrong.catch((error: Error) => error.message)).not.toContain("not-the-key-999");
    await expect(checkQdrantReachable({ apiBase: qdrant.url })).rejects.toThrow(
      /needs an API key and none was given \(HTTP 401\)/,
    );
  });

  it("throws when nothing answers within the timeout", async () => {
    const slow = await startFakeQdrant();
    try {
      slow.enqueue(hang());
      await expect(checkQdrantReachable({ apiBase: slow.url, timeoutMs: 100 })).rejects.toThrow(
        /not reachable \(no answer within 100 ms\)/,
      );
    } finally {
      await slow.close();
    }
  });

  it("throws when the URL answers but is not Qdrant (a wrong port or another service)", async () => {
    const other = await startFakeServer(json({ error: "not here" }, { status: 404 }));
    try {
      await expect(checkQdrantReachable({ apiBase: other.url })).rejects.toThrow(
        /answered GET \/collections with HTTP 404.*REST address/,
      );
    } finally {
      await other.close();
    }
  });

  it("throws for a missing or malformed qdrant_api_base", async () => {
    await expect(checkQdrantReachable({ apiBase: "" })).rejects.toThrow(/QDRANT_API_BASE/);
    await expect(checkQdrantReachable({ apiBase: "localhost:6333" })).rejects.toThrow(/http\(s\)/);
    await expect(checkQdrantReachable({ apiBase: "not a url" })).rejects.toThrow(/not a valid URL/);
  });
});
