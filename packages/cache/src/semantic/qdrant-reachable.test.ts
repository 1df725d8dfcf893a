import { destroySocket, startFakeQdrant, type FakeQdrant } from "@org/testing";
import { afterEach, expect, it } from "vitest";
import { checkQdrantReachable } from "./qdrant-reachable.ts";

// The start check's one retry after a reset connection (the rest of its behaviour is tested
// with the index in qdrant-index.test.ts).

let qdrant: FakeQdrant | undefined;
afterEach(async () => {
  await qdrant?.close();
  qdrant = undefined;
});

it("retries once after a reset connection: one reset (a keep-alive race) does not stop the start", async () => {
  qdrant = await startFakeQdrant({ apiKey: "k" });
  qdrant.enqueue(destroySocket());
  await expect(checkQdrantReachable({ apiBase: qdrant.url, apiKey: "k" })).resolves.toBeUndefined();
  expect(qdrant.requests.filter((r) => r.pathname === "/collections")).toHaveLength(2);
});

it("a Qdrant that resets every connection is still a start error naming the URL", async () => {
  qdrant = await startFakeQdrant();
  qdrant.enqueue(destroySocket(), destroySocket());
  await expect(checkQdrantReachable({ apiBase: qdrant.url })).rejects.toThrow(
    `Qdrant at ${qdrant.url} is not reachable (ECONNRESET)`,
  );
  expect(qdrant.requests.filter((r) => r.pathname === "/collections")).toHaveLength(2);
});
