import { resolve } from "node:path";
import { createDb, type Database } from "@org/db";
import { Router, composeHooks, openStateStore, redisConnectionFrom } from "@org/router";
import type { Clock, SoftBudgetEvent } from "@org/budgets";
import type { Logger } from "@org/observability";
import { createAccessGroups } from "./auth/access-groups.ts";
import { buildBudgets, type BuiltBudgets } from "./budgets/build-budgets.ts";
import { buildCache, type BuiltCache } from "./cache/build-cache.ts";
import { embedForCache } from "./cache/embed-for-cache.ts";
import { configuredCallbacks } from "./observability/callback-selection.ts";
import { messageLoggingOf } from "./observability/message-logging.ts";
import { buildObservability } from "./observability/build-observability.ts";
import { loadDeploymentId } from "./auth/deployment-id.ts";
import { budgetsKeyPrefixOf, SHARED_BUDGETS_KEY_PREFIX } from "./budgets/budgets-key-prefix.ts";
import type { GatewayRequestMetadata } from "./request-metadata.ts";
import { countCompletionTokens, countRequestTokens } from "./catalog/count-request-tokens.ts";
import { enrichModelList } from "./catalog/enrich-model-list.ts";
import { resolveMasterKey, type ResolvedMasterKey } from "./auth/resolve-master-key.ts";
import { createDashboardSessions } from "./auth/dashboard-sessions.ts";
import type { LoadedConfig } from "./config/index.ts";
import type { GatewayDeps, ReadinessReport } from "./deps.ts";
import type { GatewayProcessEnv } from "./env.ts";
import { InFlightTracker } from "./middleware/in-flight.ts";
import { connectingRedisMessage, openingDatabaseMessage } from "./server/startup-progress.ts";

export const DEFAULT_ROUTER_STATE_KEY_PREFIX = "llmgw:router:";
/** How long startup waits for the router's Redis before serving on local state. */
const REDIS_READY_TIMEOUT_MS = 5000;

export interface BuiltGateway {
  deps: GatewayDeps;
  db: Database;
  masterKey: ResolvedMasterKey;
  dataDescription: string;
  /** Run the reset job or the spend flush now instead of on their timers (tests, admin tools). */
  budgets: Pick<BuiltBudgets, "runResetsNow" | "flushSpendNow" | "spendRejectedCount" | "hooks">;
  close(): Promise<void>;
}

/**
 * Composition root: turns the loaded config and environment into the app's dependencies.
 * Production (`main.ts`) and the end-to-end tests build the gateway through here.
 */
export async function buildGateway(options: {
  loaded: LoadedConfig;
  env: GatewayProcessEnv;
  logger: Logger;
  /**
   * Prefix of the router's keys in a shared Redis. Instances that should share limits and
   * cooldowns use the same one; tests give each run its own.
   */
  routerStateKeyPrefix?: string;
  /** Prefix of the budgets' keys (ledger, limits, spend journal) in a shared Redis. */
  budgetsKeyPrefix?: string;
  /** Prefix of the response cache's keys in a shared Redis (instances sharing a cache use one). */
  cacheKeyPrefix?: string;
  /** Budget windows, resets, rate windows and key expiry; the system clock unless a test moves it. */
  clock?: Clock;
  /** Also told of soft-budget crossings, which are always logged. */
  onSoftBudgetCrossed?: (event: SoftBudgetEvent) => void;
}): Promise<BuiltGateway> {
  const { loaded, env, logger } = options;
  const dataDir = resolve(env.GATEWAY_DATA_DIR);

  const databaseUrl = loaded.general.databaseUrl ?? env.DATABASE_URL;
  // A first start takes seconds here (PGlite boots WebAssembly, then every migration runs):
  // each step is logged, so the wait before the banner says what it is waiting for.
  logger.info(
    openingDatabaseMessage(
      databaseUrl
        ? { url: databaseUrl, ...(env.DATABASE_SCHEMA ? { schema: env.DATABASE_SCHEMA } : {}) }
        : { pgliteDir: resolve(dataDir, "pglite") },
    ),
  );
  const db = await createDb(
    databaseUrl
      ? { url: databaseUrl, ...(env.DATABASE_SCHEMA ? { schema: env.DATABASE_SCHEMA } : {}) }
      : { dataDir: resolve(dataDir, "pglite") },
  );
  // A start that fails half way (Redis or Qdrant unreachable, a bad alerting setting) closes what
  // it opened, so a test or an embedding program does not leak a database or connections.
  const opened: (() => Promise<unknown>)[] = [() => db.close()];
  try {
    const migrated = await db.migrate({
      onMigration: (step) =>
        logger.info(`applying database migration ${step.index} of ${step.of} (${step.name})`),
    });
    if (migrated.applied === 0) logger.info("database schema is up to date");
    const dataDescription = databaseUrl
      ? "PostgreSQL (DATABASE_URL)"
      : `embedded PGlite database in ${resolve(dataDir, "pglite")}`;

    const masterKey = await resolveMasterKey({
      fromConfig: loaded.general.masterKey,
      fromEnv: env.LITELLM_MASTER_KEY,
      dataDir,
    });

    // One reader of the Redis settings (router_settings, else REDIS_URL) for the router's state
    // and the budgets alike; one builder of the router's store (waits, bounded, for Redis).
    const redis = redisConnectionFrom(loaded.router.settings, env.REDIS_URL);
    if (redis) logger.info(connectingRedisMessage(redis));
    const store = await openStateStore({
      settings: loaded.router.settings,
      redis,
      keyPrefix: options.routerStateKeyPrefix ?? DEFAULT_ROUTER_STATE_KEY_PREFIX,
      logger,
      readyTimeoutMs: REDIS_READY_TIMEOUT_MS,
    });
    opened.push(() => store.close());

    // Before the budgets: their soft-budget crossings feed the alerter. The router is read lazily.
    let router: Router<GatewayRequestMetadata> | undefined;
    const observability = buildObservability({
      logger: logger.child({ component: "observability" }),
      router: () => router!,
      ...(options.clock ? { clock: options.clock } : {}),
      callbacks: loaded.config.litellm_settings,
      alerting: loaded.config.general_settings,
      env: env.observability ?? {},
      // LiteLLM logs content unless turned off; here it is off unless the config turns it on by
      // setting the flag to false on purpose (an unset flag keeps prompts out of the callbacks),
      // or callback_settings.<callback>.message_logging does for one callback.
      messageLogging: messageLoggingOf(
        loaded.config.litellm_settings?.turn_off_message_logging,
        loaded.config.callback_settings ?? undefined,
        configuredCallbacks(loaded.config.litellm_settings),
      ),
      redis,
    });
    opened.push(() => observability.close());

    // Filled once the model list is known (below); the hooks only read it per request.
    const accessGroups = createAccessGroups();
    const deploymentId = await loadDeploymentId(db.raw);
    const budgets = buildBudgets({
      accessGroupsOf: accessGroups.of,
      database: db,
      masterKey: masterKey.key,
      redis,
      saltKey: env.LITELLM_SALT_KEY,
      logger: logger.child({ component: "budgets" }),
      // This deployment's own keys in a Redis other deployments may use too.
      ...(options.budgetsKeyPrefix
        ? { keyPrefix: options.budgetsKeyPrefix }
        : {
            keyPrefix: budgetsKeyPrefixOf(deploymentId),
            legacySpendStream: `${SHARED_BUDGETS_KEY_PREFIX}spend`,
          }),
      ...(options.clock ? { clock: options.clock } : {}),
      onSoftBudgetCrossed: (event) => {
        observability.softBudgetCrossed(event);
        options.onSoftBudgetCrossed?.(event);
      },
      onBudgetExceeded: (event) => observability.budgetExceeded(event),
    });
    await budgets.start();
    opened.push(() => budgets.close());

    // Models added through /model/new live in the database and join the config's at startup.
    const configModels = enrichModelList(loaded.router.modelList);
    const storedModels = async () =>
      enrichModelList(
        (await budgets.management.models.loadModelList()) as typeof loaded.router.modelList,
      );

    const initialModels = [...configModels, ...(await storedModels())];
    logger.info(
      `loading ${initialModels.length} model deployment(s) (${configModels.length} from the config, ${initialModels.length - configModels.length} from the database)`,
    );
    accessGroups.update(initialModels);

    // The response cache's hooks run after the budget hooks (a refused request never reads the
    // cache; a hit still counts against limits). Its semantic lookups embed through this router.
    let cache: BuiltCache | undefined;
    if (loaded.cache !== undefined) {
      logger.info(`response cache: ${loaded.cache.type}`);
      cache = await buildCache({
        config: loaded.cache,
        routerRedis: redis,
        database: db.raw,
        embed: (model, text, signal) => embedForCache(router!, model, text, signal),
        logger: logger.child({ component: "cache" }),
        ...(options.cacheKeyPrefix ? { keyPrefix: options.cacheKeyPrefix } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      });
    }
    if (cache) opened.push(() => cache!.close());
    router = new Router<GatewayRequestMetadata>({
      modelList: initialModels,
      hooks: composeHooks<GatewayRequestMetadata>(
        observability.timed("checks", budgets.hooks),
        observability.timed("cacheLookup", cache?.hooks),
        observability.hooks,
      ),
      settings: loaded.router.settings,
      store,
      // A non-streamed answer is read whole into memory: bound it (general_settings).
      transportOptions: {
        maxResponseBytes: Math.round(loaded.general.maxResponseSizeMb * 1024 * 1024),
        maxResponseSetting: "general_settings.max_response_size_mb",
      },
      countTokens: countRequestTokens,
      countCompletionTokens,
      logger: logger.child({ component: "router" }),
    });
    const built = router;
    opened.push(() => built.close());

    const embeddingModel = loaded.cache?.semantic?.embeddingModel;
    if (embeddingModel !== undefined && !router.hasModel(embeddingModel)) {
      throw new Error(
        `litellm_settings.cache_params: the semantic cache's embedding model ${JSON.stringify(embeddingModel)} is not a model_name in model_list; add it, or name another with redis_semantic_cache_embedding_model / qdrant_semantic_cache_embedding_model`,
      );
    }

    const readiness = async (): Promise<ReadinessReport> => {
      let dbStatus: ReadinessReport["db"] = "connected";
      try {
        await db.ping();
      } catch {
        dbStatus = "disconnected";
      }
      const health = await router.health();
      return {
        status: dbStatus === "connected" ? "healthy" : "unhealthy",
        db: dbStatus,
        database: db.kind,
        cache: cache?.status() ?? null,
        router_state: health.store,
      };
    };

    // Stored models change through any instance's /model/new|update|delete: each instance
    // reloads them when told over the bus (and after "all", which a Redis reconnect sends for
    // what it may have missed), or it kept serving a deleted model, or one taken out of the
    // access group a key was allowed through, until it restarted. One reload at a time, so the
    // last one to finish has read the latest list.
    let lastReload: Promise<void> = Promise.resolve();
    budgets.bus.subscribe((message) => {
      if (message.kind !== "models" && message.kind !== "all") return;
      const reload = lastReload
        .catch(() => undefined)
        .then(async () => {
          const models = [...configModels, ...(await storedModels())];
          accessGroups.update(models);
          router!.setModelList(models);
        });
      lastReload = reload;
      reload.catch((error: unknown) =>
        logger.error("reloading the stored models failed; serving the previous list", {
          error: String(error),
        }),
      );
    });

    const deps: GatewayDeps = {
      router,
      authenticator: budgets.authenticator,
      sessions: createDashboardSessions({
        masterKey: masterKey.key,
        authenticator: budgets.authenticator,
        users: budgets.management.userLogin,
        ...(env.LITELLM_SALT_KEY ? { saltKey: env.LITELLM_SALT_KEY } : {}),
        deploymentId,
        ...(env.UI_USERNAME ? { uiUsername: env.UI_USERNAME } : {}),
        ...(env.UI_PASSWORD ? { uiPassword: env.UI_PASSWORD } : {}),
      }),
      readiness,
      logger,
      maxRequestBodyBytes: Math.round(loaded.general.maxRequestSizeMb * 1024 * 1024),
      inFlight: new InFlightTracker(),
      accessGroupsOf: accessGroups.of,
      ...(loaded.general.enforceUserParam ? { enforceUserParam: true } : {}),
      ...(cache ? { cache } : {}),
      observability,
      ...(loaded.config.litellm_settings?.require_auth_for_metrics_endpoint === true
        ? { metricsRequireAuth: true }
        : {}),
      management: {
        service: budgets.management,
        // Every instance reloads on the message; this one has before it answers (the bus
        // delivers here before `publish` resolves).
        onModelsChanged: async () => {
          await budgets.bus.publish({ kind: "models" });
          await lastReload;
        },
      },
    };

    return {
      deps,
      db,
      masterKey,
      dataDescription,
      budgets: {
        runResetsNow: budgets.runResetsNow,
        flushSpendNow: budgets.flushSpendNow,
        spendRejectedCount: budgets.spendRejectedCount,
        /** The router's budget hooks (tests wrap them to hold or observe a request's settlement). */
        hooks: budgets.hooks,
      },
      async close() {
        await router.close();
        // After the router: every request's event is published; flush the sinks (bounded).
        await observability.close();
        await cache?.close();
        await budgets.close();
        await db.close();
      },
    };
  } catch (error) {
    for (const close of opened.reverse()) await close().catch(() => undefined);
    throw error;
  }
}
