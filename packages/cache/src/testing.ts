/**
 * Test helpers for code that uses @org/cache (not part of the published package): a
 * `redis-server` child a test can kill and restart (a Redis outage mid-test), and a free port
 * for it.
 */
export { RedisServerProcess } from "./__fixtures__/redis-server-process.ts";
export { freePort } from "./__fixtures__/redis.ts";
export { describeVectorIndex, base, vectorAt } from "./__fixtures__/vector-index-contract.ts";
