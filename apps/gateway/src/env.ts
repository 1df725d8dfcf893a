import { z } from "zod";
import { parseLogLevel } from "@org/observability";
import { resolveDataDir } from "./data-dir.ts";

/**
 * The only place the gateway reads process.env. Packages receive these values as arguments.
 */
const EnvSchema = z.object({
  CONFIG_FILE_PATH: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().optional(),
  LITELLM_MASTER_KEY: z.string().min(1).optional(),
  DATABASE_URL: z.string().optional(),
  /** PostgreSQL schema to use (search_path); lets tests and tenants share one database. */
  DATABASE_SCHEMA: z.string().optional(),
  REDIS_URL: z.string().optional(),
  LITELLM_SALT_KEY: z.string().optional(),
  /** LiteLLM's dashboard login: the admin's username ("admin" without it) and extra password. */
  UI_USERNAME: z.string().optional(),
  UI_PASSWORD: z.string().optional(),
  /** Where the embedded database and the generated master key live (see resolveDataDir). */
  GATEWAY_DATA_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  /** LiteLLM's level variable: DEBUG, INFO, WARNING, ERROR (any case); wins over LOG_LEVEL. */
  LITELLM_LOG: z
    .string()
    .transform((value, ctx) => {
      const level = parseLogLevel(value);
      if (level === undefined) {
        ctx.addIssue({ code: "custom", message: "expected DEBUG, INFO, WARNING or ERROR" });
        return z.NEVER;
      }
      return level;
    })
    .optional(),
  /** `production` makes the logs JSON lines unless LOG_FORMAT or json_logs says otherwise. */
  NODE_ENV: z.string().optional(),
  /** How long SIGTERM waits for in-flight requests and streams before closing them. */
  GRACEFUL_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
});

export type GatewayProcessEnv = z.infer<typeof EnvSchema> & {
  /** Absolute: GATEWAY_DATA_DIR resolved against the working directory, or the default. */
  GATEWAY_DATA_DIR: string;
  /**
   * The variables LiteLLM's callbacks and alerting read (OTEL_*, LANGFUSE_*, GENERIC_LOGGER_*,
   * SLACK_WEBHOOK_URL, ...), passed as they are to @org/observability, which reads no env.
   */
  observability?: Readonly<Record<string, string>>;
};

/** Names the observability callbacks read; everything else stays out of the packages. */
function isObservabilityVariable(name: string): boolean {
  return (
    /^(OTEL_|LANGFUSE_|GENERIC_LOGGER_)/.test(name) ||
    ["SLACK_WEBHOOK_URL", "ALERTING_WEBHOOK_URL", "WEBHOOK_URL"].includes(name)
  );
}

export function readEnv(
  source: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): GatewayProcessEnv {
  // An exported-but-empty variable (`LITELLM_MASTER_KEY=`) means "not set", as in a shell.
  const defined = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const result = EnvSchema.safeParse(defined);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const observability = Object.fromEntries(
    Object.entries(defined).filter(
      (entry): entry is [string, string] =>
        typeof entry[1] === "string" && isObservabilityVariable(entry[0]),
    ),
  );
  return {
    ...result.data,
    GATEWAY_DATA_DIR: resolveDataDir(result.data.GATEWAY_DATA_DIR, cwd),
    observability,
  };
}
