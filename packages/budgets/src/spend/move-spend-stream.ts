import type { Redis } from "ioredis";

/**
 * Moves the given entries of one stream, in order, to the end of another, atomically (a Lua
 * script: per id XRANGE, XADD, XDEL). An entry that is gone meanwhile (its flusher wrote and
 * deleted it) is skipped. An entry is written to the new stream before it leaves the old one; an
 * entry another process has read but not yet deleted may be written twice, which the spend writer
 * absorbs within one database (it skips request ids already logged).
 */
const MOVE_LUA = `
local moved = 0
for i = 1, #ARGV do
  local entry = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])[1]
  if entry then
    redis.call('XADD', KEYS[2], '*', unpack(entry[2]))
    redis.call('XDEL', KEYS[1], ARGV[i])
    moved = moved + 1
  end
end
return moved
`;

type MovingRedis = Redis & { moveStreamEntries(...args: (string | number)[]): Promise<number> };

/**
 * Which of these key hashes (spend records' `apiKeyHash`) the caller's database holds. The
 * stream being emptied may hold another deployment's records (one on an earlier version using
 * the same Redis): those stay for it.
 */
export type OwnsKeyHashes = (keyHashes: readonly string[]) => Promise<ReadonlySet<string>>;

/**
 * Moves one stream's entries, oldest first, to the end of another, in batches of `batch`.
 * With `owns`, only records of keys it names and records without a key (nothing to tell whose
 * they are) are moved; the others stay. Returns how many entries were moved (0 when `from` is
 * absent or empty).
 */
export async function moveSpendStream(
  redis: Redis,
  from: string,
  to: string,
  batch = 500,
  owns?: OwnsKeyHashes,
): Promise<number> {
  if (from === to) return 0;
  const client = redis as MovingRedis;
  if (typeof client.moveStreamEntries !== "function") {
    client.defineCommand("moveStreamEntries", { lua: MOVE_LUA, numberOfKeys: 2 });
  }
  let moved = 0;
  let start = "-";
  for (;;) {
    const entries = (await redis.xrange(from, start, "+", "COUNT", batch)) as [string, string[]][];
    if (entries.length === 0) return moved;
    const keys = entries.map(([, fields]) => keyHashOf(fields));
    const owned = owns ? await owns([...new Set(keys.filter((k) => k !== ""))]) : undefined;
    const ids = entries
      .filter((_, i) => owned === undefined || keys[i] === "" || owned.has(keys[i]!))
      .map(([id]) => id);
    if (ids.length > 0) moved += await client.moveStreamEntries(from, to, ...ids);
    if (entries.length < batch) return moved;
    start = `(${entries[entries.length - 1]![0]}`;
  }
}

/** The record's `apiKeyHash`, or "" (no key, or not a record this version can read). */
function keyHashOf(fields: readonly string[]): string {
  const i = fields.indexOf("r");
  if (i < 0 || i % 2 !== 0) return "";
  try {
    const hash = (JSON.parse(fields[i + 1] ?? "") as { apiKeyHash?: unknown }).apiKeyHash;
    return typeof hash === "string" ? hash : "";
  } catch {
    return "";
  }
}
