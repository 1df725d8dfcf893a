import { afterEach, describe, expect, it } from "vitest";
import { hang } from "../fake-server/hang.ts";
import { startFakeQdrant, type FakeQdrant } from "./fake-qdrant.ts";

let fake: FakeQdrant | undefined;
afterEach(() => fake?.close());

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${fake!.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain text (health, auth errors)
  }
  return { status: response.status, body: parsed };
}

const UUID_A = "0b7e3a3c-7d5e-4f1a-9c2b-1a2b3c4d5e6f";

describe("fake Qdrant", () => {
  it("creates a collection once (409 after), reports it, and 404s a missing one", async () => {
    fake = await startFakeQdrant();
    expect(await call("GET", "/collections/c")).toMatchObject({
      status: 404,
      body: { status: { error: "Not found: Collection `c` doesn't exist!" } },
    });
    const created = await call("PUT", "/collections/c", {
      vectors: { size: 3, distance: "Cosine" },
    });
    expect(created).toMatchObject({ status: 200, body: { result: true, status: "ok" } });
    expect(typeof created.body.time).toBe("number");
    expect(
      (await call("PUT", "/collections/c", { vectors: { size: 3, distance: "Cosine" } })).status,
    ).toBe(409);
    expect((await call("GET", "/collections")).body.result).toEqual({
      collections: [{ name: "c" }],
    });
    expect((await call("GET", "/collections/c")).body.result.config.params.vectors).toEqual({
      size: 3,
      distance: "Cosine",
    });
    expect(
      (await call("POST", "/collections/missing/points/search", { vector: [1, 0, 0] })).status,
    ).toBe(404);
  });

  it("upserts by id, rejects a vector of the wrong size or an invalid id with 400", async () => {
    fake = await startFakeQdrant();
    await call("PUT", "/collections/c", { vectors: { size: 3, distance: "Cosine" } });
    const upsert = await call("PUT", "/collections/c/points?wait=true", {
      points: [
        { id: UUID_A.toUpperCase(), vector: [2, 0, 0], payload: { p: "a" } },
        { id: 7, vector: [0, 1, 0], payload: { p: "b" } },
      ],
    });
    expect(upsert).toMatchObject({ status: 200, body: { result: { status: "completed" } } });
    expect([...fake.collection("c")!.points.keys()]).toEqual([UUID_A, 7]);
    // Cosine collections store unit vectors, as Qdrant does.
    expect([...fake.collection("c")!.points.get(UUID_A)!.vector]).toEqual([1, 0, 0]);

    const wrongSize = await call("PUT", "/collections/c/points", {
      points: [{ id: 8, vector: [1, 0], payload: {} }],
    });
    expect(wrongSize).toMatchObject({
      status: 400,
      body: { status: { error: "Wrong input: Vector inserting error: expected dim: 3, got 2" } },
    });
    for (const id of ["not-a-uuid", -1, 1.5]) {
      const bad = await call("PUT", "/collections/c/points", {
        points: [{ id, vector: [1, 0, 0] }],
      });
      expect(bad.status).toBe(400);
    }
    expect(fake.collection("c")!.points.size).toBe(2);
    const badQuery = await call("POST", "/collections/c/points/search", {
      vector: [1, 0],
      limit: 1,
    });
    expect(badQuery.body.status.error).toBe(
      "Wrong input: Vector dimension error: expected dim: 3, got 2",
    );
  });

  it("searches by cosine with must/should/must_not, match and range, score_threshold and limit", async () => {
    fake = await startFakeQdrant();
    await call("PUT", "/collections/c", { vectors: { size: 2, distance: "Cosine" } });
    await call("PUT", "/collections/c/points", {
      points: [
        { id: 1, vector: [1, 0], payload: { partition: "a", expires_at: 100 } },
        { id: 2, vector: [0.9, 0.1], payload: { partition: "a", expires_at: 300 } },
        { id: 3, vector: [1, 0], payload: { partition: "b", expires_at: 300 } },
        { id: 4, vector: [0, 1], payload: { partition: "a", expires_at: 300, tags: ["x", "y"] } },
      ],
    });
    const search = async (body: Record<string, unknown>) =>
      (
        await call("POST", "/collections/c/points/search", {
          vector: [1, 0],
          with_payload: true,
          ...body,
        })
      ).body.result as { id: number; score: number; payload: any }[];
    const ids = async (body: Record<string, unknown>) => (await search(body)).map((p) => p.id);

    expect(await ids({ limit: 10 })).toEqual([1, 3, 2, 4]);
    expect(
      await ids({
        limit: 10,
        filter: {
          must: [
            { key: "partition", match: { value: "a" } },
            { key: "expires_at", range: { gt: 200 } },
          ],
        },
      }),
    ).toEqual([2, 4]);
    expect(
      await ids({ limit: 10, filter: { must_not: [{ key: "partition", match: { value: "a" } }] } }),
    ).toEqual([3]);
    expect(
      await ids({
        limit: 10,
        filter: { should: [{ key: "tags", match: { value: "y" } }, { has_id: [3] }] },
      }),
    ).toEqual([3, 4]);
    // A range never matches a missing field, so an entry without expiry must carry a number.
    expect(await ids({ limit: 10, filter: { must: [{ key: "nope", range: { gt: 0 } }] } })).toEqual(
      [],
    );
    expect(await ids({ limit: 10, score_threshold: 0.995 })).toEqual([1, 3]); // id 2 scores 0.9939
    const [best] = await search({ limit: 1 });
    expect(best).toMatchObject({ id: 1, score: 1, payload: { partition: "a", expires_at: 100 } });
    expect(
      (await call("POST", "/collections/c/points/search", { vector: [1, 0], limit: 1 })).body
        .result[0].payload,
    ).toBeNull();
    const unsupported = await call("POST", "/collections/c/points/search", {
      vector: [1, 0],
      filter: { must: [{ key: "partition", geo_radius: {} }] },
    });
    expect(unsupported.status).toBe(400);
  });

  it("deletes points by id and by filter", async () => {
    fake = await startFakeQdrant();
    await call("PUT", "/collections/c", { vectors: { size: 2, distance: "Cosine" } });
    await call("PUT", "/collections/c/points", {
      points: [
        { id: 1, vector: [1, 0], payload: { expires_at: 100 } },
        { id: 2, vector: [1, 0], payload: { expires_at: 300 } },
        { id: 3, vector: [1, 0], payload: { expires_at: 500 } },
      ],
    });
    expect(
      (await call("POST", "/collections/c/points/delete?wait=true", { points: [3] })).status,
    ).toBe(200);
    await call("POST", "/collections/c/points/delete", {
      filter: { must: [{ key: "expires_at", range: { lte: 200 } }] },
    });
    expect([...fake.collection("c")!.points.keys()]).toEqual([2]);
  });

  it("checks the api-key header (or a bearer token) when started with a key, health included", async () => {
    fake = await startFakeQdrant({ apiKey: "k-1" });
    expect((await call("GET", "/collections")).status).toBe(401);
    expect((await call("GET", "/collections", undefined, { "api-key": "wrong" })).status).toBe(401);
    expect((await call("GET", "/collections", undefined, { "api-key": "k-1" })).status).toBe(200);
    expect(
      (await call("GET", "/collections", undefined, { authorization: "Bearer k-1" })).status,
    ).toBe(200);
    expect(fake.requests.map((r) => r.headers["api-key"])).toEqual([
      undefined,
      "wrong",
      "k-1",
      undefined,
    ]);
  });

  it("scripts a hanging Qdrant through the fake-server queue", async () => {
    fake = await startFakeQdrant();
    fake.enqueue(hang());
    const pending = call("GET", "/readyz").catch(() => "cut");
    await fake.waitFor((requests) => requests.length === 1);
    await fake.close();
    expect(await pending).toBe("cut");
  });
});
