/**
 * Config loading: LiteLLM's config.yaml, unchanged, plus the gateway's CLI flags.
 *
 *   const args = parseCliArgs(process.argv.slice(2));
 *   const server = resolveServerOptions(args, process.env);
 *   const loaded = await loadConfig({ path: server.configPath, env: process.env });
 *   for (const warning of loaded.warnings) logger.warn(warning);
 *   // loaded.router -> @org/router, loaded.general -> auth, db, body limits
 */
export { CLI_USAGE, CliArgsError, parseCliArgs, parsePort, type CliArgs } from "./cli-args.ts";
export { ConfigError, type ConfigIssue } from "./config-error.ts";
export { gatewayConfigSchema, type GatewayConfig } from "./config-schema.ts";
export { DEFAULT_CONFIG_SOURCE, DEFAULT_MOCK_REPLY, defaultConfig } from "./default-config.ts";
export { applyEnvironmentVariables } from "./environment-variables.ts";
export {
  DEFAULT_MAX_REQUEST_SIZE_MB,
  buildGeneralSettings,
  type GeneralSettings,
} from "./general-settings.ts";
export { KEY_SUPPORT, checkKeySupport, type KeyStatus } from "./key-support.ts";
export {
  loadConfig,
  loadConfigFromObject,
  type LoadConfigFromObjectOptions,
  type LoadConfigOptions,
  type LoadedConfig,
} from "./load-config.ts";
export type { LitellmParams, ModelInfo, ModelListEntry } from "./model-list-schema.ts";
export { resolveEnvRefs, type Env } from "./resolve-env-refs.ts";
export {
  ROUTER_KEYS_FROM_LITELLM_SETTINGS,
  buildRouterConfig,
  type RouterConfig,
  type RouterModel,
  type RouterSettings,
} from "./router-config.ts";
export {
  ROUTING_STRATEGIES,
  type Fallbacks,
  type RoutingStrategy,
} from "./router-settings-schema.ts";
export {
  DEFAULT_HOST,
  DEFAULT_PORT,
  resolveServerOptions,
  type ServerOptions,
} from "./server-options.ts";
export { validateReferences } from "./validate-references.ts";
export { formatPath } from "./yaml-path.ts";
