import { createApp } from "./app.ts";
import { buildGateway } from "./build-gateway.ts";
import { CLI_USAGE, loadConfig, parseCliArgs, resolveServerOptions } from "./config/index.ts";
import { readEnv } from "./env.ts";
import { createGatewayLogger, gatewayLogSettings } from "./logging/gateway-logger.ts";
import { strayDataDir } from "./data-dir.ts";
import { formatBanner } from "./server/banner.ts";
import { upstreamTimeoutOf } from "./server/upstream-timeout.ts";
import { serve } from "./server/serve.ts";

/**
 * `pnpm start [--config file] [--port N] [--host H]`: load the config, build the gateway,
 * listen, and drain in-flight requests on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(CLI_USAGE + "\n");
    return;
  }
  const env = readEnv();
  const server = resolveServerOptions(args, process.env);
  const loaded = await loadConfig({ path: server.configPath, env: process.env });
  // After the config: litellm_settings.json_logs chooses the format as much as the env does.
  const logger = createGatewayLogger(
    gatewayLogSettings({
      env,
      jsonLogs: loaded.config.litellm_settings?.json_logs,
      stderrIsTTY: process.stderr.isTTY === true,
    }),
  );
  // As LiteLLM does, environment_variables from the file are set in the process environment
  // (overriding what was there, the same precedence the loader used for os.environ/ refs).
  Object.assign(process.env, loaded.environmentVariables);

  const stray = strayDataDir(process.env.GATEWAY_DATA_DIR, env.GATEWAY_DATA_DIR);
  if (stray !== undefined) {
    loaded.warnings.push(
      `${stray} is not used: the default data folder is now ${env.GATEWAY_DATA_DIR} (the workspace root's). Set GATEWAY_DATA_DIR=${stray} to keep its keys, spend and master key`,
    );
  }

  const gateway = await buildGateway({ loaded, env, logger });
  const app = createApp(gateway.deps);
  const host = server.host;
  const running = await serve({
    fetch: app.fetch,
    port: server.port,
    host,
    inFlight: gateway.deps.inFlight,
    logger,
    drainTimeoutMs: env.GRACEFUL_SHUTDOWN_TIMEOUT_MS,
  });

  // Handlers go in before the banner: whoever reads the banner may signal us at once, and a
  // signal with no listener yet would kill the process without draining.
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

  const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  process.stdout.write(
    formatBanner({
      url: `http://${shownHost}:${running.port}`,
      configSource: loaded.source,
      data: gateway.dataDescription,
      masterKey: gateway.masterKey,
      models: gateway.deps.router.modelGroups(),
      warnings: loaded.warnings,
      upstreamTimeout: upstreamTimeoutOf(loaded.router.settings),
    }) + "\n",
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
