import { randomUUID } from "node:crypto";

/** Azure's `apim-request-id` / `x-request-id` are UUIDs. */
export function azureRequestId(): string {
  return randomUUID();
}
