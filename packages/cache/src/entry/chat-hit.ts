import type { ChatCompletion } from "@org/core";
import { parseEntry, type CachedChat } from "./cached-entry.ts";

/**
 * A stored chat answer as the memory store keeps it between hits (`MemoryStore.readDecoded`):
 * decoded once, frozen because every later hit shares it, with its JSON body precomputed but for
 * the two fields a hit changes.
 */
export interface ChatHit {
  readonly entry: CachedChat;
  /**
   * The hit's response body: byte for byte `JSON.stringify` of
   * `freshCompletion(entry, callId, now)` (whose `id` and `created` these are), without
   * serialising the answer again on every hit.
   */
  body(id: string, created: number): string;
}

/** A stored value as a `ChatHit`, or undefined when it is not a chat entry of this version. */
export function decodeChatHit(value: string): ChatHit | undefined {
  const entry = parseEntry(value, "chat");
  if (entry === undefined) return undefined;
  // Hits copy the completion's top level only (freshCompletion): a change to a shared message or
  // usage object would reach every later hit, so it throws instead (ES modules are strict). The
  // top level itself stays unfrozen: V8 copies a frozen object's spread member by member (1 µs
  // per hit more in the gateway's profile), and no hit hands it out.
  for (const member of Object.values(entry.completion)) deepFreeze(member);
  return { entry, body: bodyTemplate(entry.completion) };
}

/**
 * JSON.stringify of `{...completion, id, created}` cut around the values of `id` and `created`:
 * the members keep the order that spread gives them (existing keys where they are, missing ones
 * appended), members JSON.stringify leaves out (undefined) are left out.
 */
function bodyTemplate(completion: ChatCompletion): (id: string, created: number) => string {
  const record = completion as unknown as Readonly<Record<string, unknown>>;
  const keys = Object.keys({ ...completion, id: "", created: 0 });
  const parts: string[] = [];
  let idFirst = true;
  let text = "{";
  let comma = "";
  for (const key of keys) {
    const hole = key === "id" || key === "created";
    const json = hole ? "" : JSON.stringify(record[key]);
    if (json === undefined) continue;
    text += comma + JSON.stringify(key) + ":";
    comma = ",";
    if (hole) {
      if (parts.length === 0) idFirst = key === "id";
      parts.push(text);
      text = "";
    } else text += json;
  }
  const [head, middle] = parts as [string, string];
  const tail = text + "}";
  // `created` is a whole number of seconds (Math.floor): its JSON is its String().
  return idFirst
    ? (id, created) => head + JSON.stringify(id) + middle + created + tail
    : (id, created) => head + created + middle + JSON.stringify(id) + tail;
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const member of Object.values(value)) deepFreeze(member);
}
