import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock, SoftBudgetEvent } from "@org/budgets";
import { createLogger, noopLogger, type Logger } from "@org/observability";
import { createApp } from "../app.ts";
import { buildGateway, type BuiltGateway } from "../build-gateway.ts";
import { loadConfigFromObject, type LoadedConfig } from "../config/index.ts";
import { readEnv } from "../env.ts";
import { serve } from "../server/serve.ts";
import { seedPgliteFromTemplate } from "./pglite-template.ts";

export interface TestGateway {
  url: string;
  /** Base URL for OpenAI SDK clients (`${url}/v1`). */
  baseURL: string;
  masterKey: string;
  gateway: BuiltGateway;
  warnings: string[];
  close(): Promise<void>;
}

/**
 * Starts the real gateway (config loader, composition root, Hono app, node server) on
 * 127.0.0.1 with a random port and a throw-away data folder. Tests talk to it over HTTP.
 */
export async function startTestGateway(options: {
  config?: Record<string, unknown>;
  /** An already loaded config (e.g. a real file through `loadConfig`); wins over `config`. */
  loaded?: LoadedConfig;
  /** Key prefix of the router's shared state in Redis (give each test its own). */
  routerStateKeyPrefix?: string;
  /**
   * Key prefix of the budgets' ledger, limits, spend stream and invalidation channel in Redis;
   * instances that should share budgets pass the same one. Default: a fresh one per gateway.
   */
  budgetsKeyPrefix?: string;
  /**
   * Key prefix of the response cache in Redis; instances that should share a cache pass the same
   * one. Default: a fresh one per gateway.
   */
  cacheKeyPrefix?: string;
  env?: Record<string, string | undefined>;
  masterKey?: string;
  databaseUrl?: string;
  logger?: Logger;
  /**
   * Drives budget windows, resets, rate-limit windows and key expiry (e.g. `createFakeClock()`);
   * call `gateway.budgets.runResetsNow()` after moving it, as the reset job's timer would.
   */
  clock?: Clock;
  /** Told of every soft-budget crossing. */
  onSoftBudgetCrossed?: (event: SoftBudgetEvent) => void;
}): Promise<TestGateway> {
  const dataDir = await mkdtemp(join(tmpdir(), "gateway-test-"));
  const masterKey = options.masterKey ?? "sk-test-master-key";
  const env = readEnv({
    GATEWAY_DATA_DIR: dataDir,
    LITELLM_MASTER_KEY: masterKey,
    DATABASE_URL: options.databaseUrl,
    GRACEFUL_SHUTDOWN_TIMEOUT_MS: "5000",
    ...options.env,
  });
  const loaded =
    options.loaded ?? loadConfigFromObject(options.config ?? {}, { env: options.env ?? {} });
  // The embedded database starts as a copy of one initialised and migrated once (see
  // pglite-template.ts for what that saves and where first starts are still tested).
  // GATEWAY_TEST_FRESH_PGLITE=1 gives every gateway a first start again (to time the difference,
  // or to rule the template out when a test misbehaves).
  if (
    env.GATEWAY_DATA_DIR === dataDir &&
    !(loaded.general.databaseUrl ?? env.DATABASE_URL) &&
    !process.env.GATEWAY_TEST_FRESH_PGLITE
  ) {
    await seedPgliteFromTemplate(join(dataDir, "pglite"));
  }
  const logger = options.logger ?? (process.env.TEST_GATEWAY_LOGS ? createLogger() : noopLogger);
  const gateway = await buildGateway({
    loaded,
    env,
    logger,
    ...(options.routerStateKeyPrefix === undefined
      ? {}
      : { routerStateKeyPrefix: options.routerStateKeyPrefix }),
    // Each gateway its own prefix unless told to share: test files run in parallel on one Redis,
    // and one file's flusher must never write another file's journaled spend to its database.
    budgetsKeyPrefix: options.budgetsKeyPrefix ?? `test:budgets:${randomUUID()}:`,
    cacheKeyPrefix: options.cacheKeyPrefix ?? `test:cache:${randomUUID()}:`,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.onSoftBudgetCrossed ? { onSoftBudgetCrossed: options.onSoftBudgetCrossed } : {}),
  });
  const app = createApp(gateway.deps);
  const running = await serve({
    fetch: app.fetch,
    port: 0,
    host: "127.0.0.1",
    inFlight: gateway.deps.inFlight,
    logger,
    drainTimeoutMs: env.GRACEFUL_SHUTDOWN_TIMEOUT_MS,
  });
  const url = `http://127.0.0.1:${running.port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    masterKey,
    gateway,
    warnings: loaded.warnings,
    async close() {
      await running.shutdown();
      await gateway.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
