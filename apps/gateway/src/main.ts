import { createLogger } from "@org/observability";
import { createApp } from "./app.ts";
import { buildGateway } from "./build-gateway.ts";
import { loadConfig, parseCliArgs } from "./config/index.ts";
import { readEnv } from "./env.ts";
import { formatBanner } from "./server/banner.ts";
import { serve } from "./server/serve.ts";

/**
 * `pnpm start [--config file] [--port N] [--host H]`: load the config, build the gateway,
 * listen, and drain in-flight requests on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(
      "Usage: pnpm start [--config config.yaml] [--port 4000] [--host 0.0.0.0]\n",
    );
    return;
  }
  const env = readEnv();
  const logger = createLogger({
    level: env.LOG_LEVEL,
    format: env.LOG_FORMAT ?? (process.stderr.isTTY ? "pretty" : "json"),
  });

  const loaded = await loadConfig({ path: args.config ?? env.CONFIG_FILE_PATH, env: process.env });
  // LiteLLM applies environment_variables from the file to the process environment.
  for (const [name, value] of Object.entries(loaded.environmentVariables)) {
    process.env[name] ??= value;
  }

  const gateway = await buildGateway({ loaded, env, logger });
  const app = createApp(gateway.deps);
  const host = args.host ?? env.HOST ?? "0.0.0.0";
  const running = await serve({
    fetch: app.fetch,
    port: args.port ?? env.PORT ?? 4000,
    host,
    inFlight: gateway.deps.inFlight,
    logger,
    drainTimeoutMs: env.GRACEFUL_SHUTDOWN_TIMEOUT_MS,
  });

  const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  process.stdout.write(
    formatBanner({
      url: `http://${shownHost}:${running.port}`,
      configSource: loaded.source,
      data: gateway.dataDescription,
      masterKey: gateway.masterKey,
      models: gateway.deps.router.modelGroups(),
      warnings: loaded.warnings,
    }) + "\n",
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down: draining in-flight requests", {
      signal,
      inFlight: gateway.deps.inFlight.count,
    });
    await running.shutdown();
    await gateway.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
