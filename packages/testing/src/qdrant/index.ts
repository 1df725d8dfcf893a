// Fake Qdrant (REST): collections, points upsert/search/delete, in Qdrant's wire format.
export {
  startFakeQdrant,
  type FakeQdrant,
  type FakeQdrantCollection,
  type FakeQdrantOptions,
  type FakeQdrantPoint,
} from "./fake-qdrant.ts";
export { qdrantError, qdrantOk } from "./qdrant-envelope.ts";
export type { QdrantPayload, QdrantPointId } from "./qdrant-filter.ts";
