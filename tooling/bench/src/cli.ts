/** The bench's command line: options, their defaults and the checks between them. */
export const USAGE = `pnpm bench [options]   (run by hand; not part of the test suite)

  --quick            smoke run: 1 repetition, 3 s measurements (checks the harness works)
  --reps N           repetitions (default 3; alternating target order; medians reported)
  --duration S       seconds per measurement (default 10; --quick: 3)
  --no-peer          skip Portkey (no npm install)
  --cache            only the response-cache comparison: direct, floor, the uncached gateway,
                     and the gateway answering from its memory cache and from its Redis cache
                     (every request the same, so all but the first are hits); no Portkey, no
                     virtual key. Without --cache the cache targets run beside all the others.
  --observability    only the observability comparison: direct, floor, the gateway with no
                     callbacks and the same gateway with callbacks prometheus + otel (spans to
                     the fake upstream's OTLP path). Without it that target runs beside the others.
  --redis-url URL    the Redis of the Redis-cache and PostgreSQL + Redis targets (loopback only);
                     default TEST_REDIS_URL, then REDIS_URL; with none, they are skipped (said so)
  --database-url URL the PostgreSQL of the PostgreSQL + Redis target (loopback only; the gateway
                     gets a schema of its own, dropped at the end); default TEST_DATABASE_URL,
                     then DATABASE_URL; with none, that target is skipped and the report says so
  --memory           only the memory measurements: idle RSS after start (embedded and
                     PostgreSQL + Redis), 1,000 concurrent open streams, and a short soak
  --streams N        --memory: concurrent open streams (default 1000)
  --soak S           --memory: soak length in seconds at --soak-rate (default 60; 0 skips it)
  --soak-rate R      --memory: soak requests per second, streaming and not, mixed (default 200)
  --no-pin           do not pin latency runs with taskset
  --max-foreign C    discard a repetition when other processes used more than C cores on
                     average during its measurements (default 1.0)
  --profile          profile the gateway instead (node --cpu-prof under closed-loop load) and
                     report the top self-time functions (--stream: streaming requests;
                     --virtual-key: called with a virtual key in a team with budgets and
                     rpm/tpm limits instead of the master key; --observability:
                     with Prometheus and OpenTelemetry on, as the traced gateway;
                     --translate: the translation path, model bench-anthropic, OpenAI in and
                     Anthropic's Messages API upstream; --postgres-redis: the gateway on
                     PostgreSQL + Redis, as the pgRedis targets, instead of the embedded PGlite)
  --help`;

export interface Cli {
  quick: boolean;
  reps: number;
  durationS: number | undefined;
  peer: boolean;
  pin: boolean;
  maxForeignCores: number;
  profile: boolean;
  stream: boolean;
  virtualKey: boolean;
  translate: boolean;
  /** --profile: the gateway on PostgreSQL + Redis (--database-url / --redis-url or TEST_*). */
  postgresRedis: boolean;
  cache: boolean;
  observability: boolean;
  redisUrl: string | undefined;
  databaseUrl: string | undefined;
  memory: boolean;
  streams: number;
  soakS: number;
  soakRate: number;
}

export function parseCli(argv: string[]): Cli {
  const cli: Cli = {
    quick: false,
    reps: 3,
    durationS: undefined,
    peer: true,
    pin: true,
    maxForeignCores: 1,
    profile: false,
    stream: false,
    virtualKey: false,
    translate: false,
    postgresRedis: false,
    cache: false,
    observability: false,
    redisUrl: undefined,
    databaseUrl: undefined,
    memory: false,
    streams: 1000,
    soakS: 60,
    soakRate: 200,
  };
  let repsGiven = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const value = () => {
      const next = Number(argv[++i]);
      if (!Number.isFinite(next) || next <= 0) throw new Error(`${arg} needs a positive number`);
      return next;
    };
    if (arg === "--") continue;
    else if (arg === "--quick") cli.quick = true;
    else if (arg === "--reps") ((cli.reps = Math.round(value())), (repsGiven = true));
    else if (arg === "--duration") cli.durationS = value();
    else if (arg === "--no-peer") cli.peer = false;
    else if (arg === "--no-pin") cli.pin = false;
    else if (arg === "--max-foreign") cli.maxForeignCores = value();
    else if (arg === "--profile") cli.profile = true;
    else if (arg === "--stream") cli.stream = true;
    else if (arg === "--virtual-key") cli.virtualKey = true;
    else if (arg === "--translate") cli.translate = true;
    else if (arg === "--postgres-redis") cli.postgresRedis = true;
    else if (arg === "--cache") cli.cache = true;
    else if (arg === "--observability") cli.observability = true;
    else if (arg === "--memory") cli.memory = true;
    else if (arg === "--streams") cli.streams = Math.round(value());
    else if (arg === "--soak-rate") cli.soakRate = value();
    else if (arg === "--soak") {
      // 0 is allowed here: it skips the soak.
      const next = Number(argv[++i]);
      if (!Number.isFinite(next) || next < 0) throw new Error("--soak needs a number of seconds");
      cli.soakS = next;
    } else if (arg === "--database-url") {
      const next = argv[++i];
      if (!next || next.startsWith("--")) throw new Error("--database-url needs a URL");
      cli.databaseUrl = next;
    } else if (arg === "--redis-url") {
      const next = argv[++i];
      if (!next || next.startsWith("--")) throw new Error("--redis-url needs a URL");
      cli.redisUrl = next;
    } else if (arg === "--help" || arg === "-h") {
      process.stdout.write(USAGE + "\n");
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n\n${USAGE}`);
  }
  if (cli.quick && !repsGiven) cli.reps = 1;
  if (cli.cache && cli.profile) throw new Error("--cache and --profile do not go together");
  if (cli.memory && (cli.cache || cli.profile || cli.observability))
    throw new Error("--memory goes with none of --cache, --profile, --observability");
  if (cli.translate && !cli.profile)
    throw new Error(
      "--translate goes with --profile (the full run measures the translation target anyway)",
    );
  if (cli.postgresRedis && !cli.profile)
    throw new Error(
      "--postgres-redis goes with --profile (the full run measures the PostgreSQL + Redis targets anyway)",
    );
  if (cli.observability && cli.cache)
    throw new Error("--observability and --cache do not go together");
  return cli;
}

/**
 * The Redis-cache target's Redis: --redis-url, else TEST_REDIS_URL, else REDIS_URL. Loopback only
 * (the figure is "on loopback", and the bench sends no traffic off the machine). Returns
 * the URL and how to show it (credentials removed: a report must not carry a password).
 */
export function cacheRedis(cli: Cli): { url: string; shown: string; from: string } | undefined {
  const [url, from] = cli.redisUrl
    ? [cli.redisUrl, "--redis-url"]
    : process.env.TEST_REDIS_URL
      ? [process.env.TEST_REDIS_URL, "TEST_REDIS_URL"]
      : process.env.REDIS_URL
        ? [process.env.REDIS_URL, "REDIS_URL"]
        : [undefined, ""];
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${from} is not a URL`);
  }
  if (parsed.protocol !== "redis:") throw new Error(`${from} must be a redis:// URL`);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname))
    throw new Error(
      `${from} must point at loopback (127.0.0.1): the bench measures a Redis hit on loopback`,
    );
  parsed.username = "";
  parsed.password = "";
  return { url, shown: parsed.toString(), from };
}
