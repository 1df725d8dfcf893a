import type { Redis } from "ioredis";

/**
 * Moves one stream's entries, oldest first, to the end of another, in batches of `batch`, each
 * batch atomically (a Lua script: XRANGE, then XADD and XDEL per entry). An entry is written to
 * the new stream before it leaves the old one; an entry another process is writing meanwhile
 * may be written twice, which the spend writer absorbs (it skips request ids already logged).
 */
const MOVE_LUA = `
local entries = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', ARGV[1])
for _, entry in ipairs(entries) do
  redis.call('XADD', KEYS[2], '*', unpack(entry[2]))
  redis.call('XDEL', KEYS[1], entry[1])
end
return #entries
`;

type MovingRedis = Redis & { moveStreamEntries(...args: (string | number)[]): Promise<number> };

/** Returns how many entries were moved (0 when `from` is absent or empty). */
export async function moveSpendStream(
  redis: Redis,
  from: string,
  to: string,
  batch = 500,
): Promise<number> {
  if (from === to) return 0;
  const client = redis as MovingRedis;
  if (typeof client.moveStreamEntries !== "function") {
    client.defineCommand("moveStreamEntries", { lua: MOVE_LUA, numberOfKeys: 2 });
  }
  let moved = 0;
  for (;;) {
    const n = await client.moveStreamEntries(from, to, batch);
    moved += n;
    if (n < batch) return moved;
  }
}
