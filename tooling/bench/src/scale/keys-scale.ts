import {
  createAuthenticator,
  createBudgetHooks,
  createDbKeySource,
  createEndUserDirectory,
  createDbEndUserSource,
  createMemoryBudgetLedger,
  createMemoryRateLimiter,
  createMemorySpendJournal,
  type BudgetRequestMetadata,
} from "@org/budgets";
import { createDb, type Database } from "@org/db";
import { Router } from "@org/router";
import { chatBody, memoryTransport } from "./memory-transport.ts";
import { measureOps, us, type OpCost } from "./measure.ts";

export interface KeysRow {
  readonly keys: number;
  /** Seconds the rows took to insert (with their unique index). */
  readonly insertSeconds: number;
  /** Auth + budget and limit checks + the call + spend journaled, keys already cached. */
  readonly hot: OpCost;
  /** A key not in the cache: one indexed lookup (the key with its team, user, org and budgets). */
  readonly miss: OpCost;
}

/** How many distinct keys the hot loop cycles through (all cached after the warm-up). */
const HOT_KEYS = 1000;

const keyOf = (i: number) => `sk-scale-${i}`;

/**
 * Inserts `count` virtual keys in one statement: the token hash is SHA-256 hex of the key, as
 * `hashKey` computes it, so the authenticator finds them. Each has a budget and rpm / tpm limits
 * far above what the run reaches, so every check runs and none refuses.
 */
async function insertKeys(database: Database, count: number): Promise<number> {
  const started = performance.now();
  await database.raw.query(
    `insert into virtual_keys (token_hash, key_alias, max_budget, rpm_limit, tpm_limit)
     select encode(sha256(convert_to('sk-scale-' || i, 'UTF8')), 'hex'), 'scale-' || i,
            1000000000, 1000000000, 1000000000000
       from generate_series(1, $1::int) as i`,
    [count],
  );
  await database.raw.query(`analyze virtual_keys`, []);
  return (performance.now() - started) / 1000;
}

/**
 * Auth + budget check time per request with 10 and 1,000,000 virtual keys in PostgreSQL. Each
 * size gets its own schema; the request path is the gateway's: the authenticator (LRU of
 * resolved keys, 30 s), the budget hooks on the router (memory ledger, limiter and journal, as
 * in the embedded mode), the call on an in-memory upstream.
 */
export async function keysScale(
  databaseUrl: string,
  sizes: readonly number[],
  ops: number,
  log: (line: string) => void,
): Promise<KeysRow[]> {
  const rows: KeysRow[] = [];
  for (const keys of sizes) {
    const schema = `bench_scale_keys_${process.pid}_${keys}`;
    const database = await createDb({ url: databaseUrl, schema, max: 4 });
    try {
      await database.migrate();
      log(`keys: inserting ${keys.toLocaleString("en-US")} keys into schema ${schema}`);
      const insertSeconds = await insertKeys(database, keys);
      const source = createDbKeySource(database.db);
      const authenticator = createAuthenticator({ masterKey: "sk-scale-master", source });
      const hooks = createBudgetHooks({
        ledger: createMemoryBudgetLedger(),
        limiter: createMemoryRateLimiter(),
        journal: createMemorySpendJournal(),
        endUsers: createEndUserDirectory({ source: createDbEndUserSource(database.db) }),
      });
      const router = new Router<BudgetRequestMetadata>({
        modelList: [
          {
            model_name: "scale-model",
            litellm_params: {
              model: "openai/gpt-4o-mini",
              api_base: "http://127.0.0.1:9",
              api_key: "x",
            },
          },
        ],
        settings: { num_retries: 0 },
        transport: memoryTransport,
        hooks,
      });
      const hotKeys = Math.min(HOT_KEYS, keys);
      const hot = await measureOps(
        ops,
        async (i) => {
          const identity = await authenticator.authenticate(keyOf(1 + (i % hotKeys)));
          const result = await router.chatCompletion(chatBody("scale-model"), {
            metadata: { identity },
          });
          await result.settled;
        },
        Math.max(1000, hotKeys * 2),
      );
      // ttlMs 0: every call is a miss and reads the database (never served from the LRU).
      const cold = createAuthenticator({ masterKey: "sk-scale-master", source, ttlMs: 0 });
      const missOps = Math.min(2000, ops);
      const stride = Math.max(1, Math.floor(keys / missOps));
      const miss = await measureOps(
        missOps,
        (i) => cold.authenticate(keyOf(1 + ((i * stride) % keys))),
        100,
      );
      await router.close();
      rows.push({ keys, insertSeconds, hot, miss });
    } finally {
      await database.raw.query(`drop schema if exists ${schema} cascade`, []).catch(() => {});
      await database.close();
    }
  }
  return rows;
}

export function renderKeys(rows: readonly KeysRow[]): string[] {
  return [
    "| virtual keys in PostgreSQL | request, key cached: CPU µs | p50 µs | p99 µs | key lookup (cache miss): CPU µs | p50 µs | p99 µs |",
    "|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.keys.toLocaleString("en-US")} | ${us(r.hot.cpuUsPerOp)} | ${us(r.hot.wall?.p50)} | ${us(r.hot.wall?.p99)} | ${us(r.miss.cpuUsPerOp)} | ${us(r.miss.wall?.p50)} | ${us(r.miss.wall?.p99)} |`,
    ),
  ];
}
