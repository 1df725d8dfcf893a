import { randomUUID } from "node:crypto";

/** `x-amzn-requestid`: AWS request ids are UUIDs. */
export function bedrockRequestId(): string {
  return randomUUID();
}
