export interface RedisConnectionOptions {
  url?: string;
  host?: string;
  port?: number;
  password?: string;
}

/**
 * Redis for shared router state comes from router_settings (redis_url, or redis_host /
 * redis_port / redis_password, as LiteLLM names them), else the REDIS_URL environment variable.
 */
export function redisOptionsFrom(
  settings: Record<string, unknown>,
  envUrl: string | undefined,
): RedisConnectionOptions | undefined {
  const url = typeof settings.redis_url === "string" ? settings.redis_url : undefined;
  if (url) return { url };
  if (typeof settings.redis_host === "string" && settings.redis_host) {
    const port = Number(settings.redis_port ?? 6379);
    return {
      host: settings.redis_host,
      port: Number.isFinite(port) ? port : 6379,
      password: typeof settings.redis_password === "string" ? settings.redis_password : undefined,
    };
  }
  return envUrl ? { url: envUrl } : undefined;
}
