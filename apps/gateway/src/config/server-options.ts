import { parsePort, type CliArgs } from "./cli-args.ts";
import type { Env } from "./resolve-env-refs.ts";

export const DEFAULT_PORT = 4000;
export const DEFAULT_HOST = "0.0.0.0";

export interface ServerOptions {
  /** Config file path, if any: --config, else env CONFIG_FILE_PATH. */
  configPath?: string;
  port: number;
  host: string;
}

/**
 * Flags win over the environment, as with LiteLLM's CLI (`--port` / PORT, `--host` / HOST,
 * `--config` / CONFIG_FILE_PATH), then LiteLLM's defaults 0.0.0.0:4000.
 */
export function resolveServerOptions(args: CliArgs, env: Env): ServerOptions {
  const configPath = args.config ?? blankToUndefined(env.CONFIG_FILE_PATH);
  const envPort = blankToUndefined(env.PORT);
  return {
    ...(configPath !== undefined ? { configPath } : {}),
    port: args.port ?? (envPort !== undefined ? parsePort(envPort, "PORT") : DEFAULT_PORT),
    host: args.host ?? blankToUndefined(env.HOST) ?? DEFAULT_HOST,
  };
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
