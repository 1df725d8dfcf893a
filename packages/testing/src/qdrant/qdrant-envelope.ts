import type { FakeReply } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";

/** Qdrant's success envelope: `{result, status: "ok", time}` (time in seconds). */
export function qdrantOk(result: unknown): FakeReply {
  return json({ result, status: "ok", time: 0.000012 });
}

/** Qdrant's error envelope: `{status: {error}, time}`, e.g. 404 "Not found: Collection ...". */
export function qdrantError(status: number, error: string): FakeReply {
  return json({ status: { error }, time: 0.000008 }, { status });
}

/** Thrown by request parsing; the fake turns it into a 400 envelope, as Qdrant does. */
export class QdrantFormatError extends Error {}
