import { parseArgs } from "node:util";

export interface CliArgs {
  config?: string;
  port?: number;
  host?: string;
  help?: boolean;
}

export const CLI_USAGE = `Usage: gateway [--config <config.yaml>] [--port <port>] [--host <host>]

  --config, -c <path>  LiteLLM-format config file (default: env CONFIG_FILE_PATH, else a
                       built-in mock model)
  --port, -p <port>    port to listen on (default: env PORT, else 4000)
  --host <host>        interface to bind (default: env HOST, else 0.0.0.0)
  --help, -h           show this help`;

/** A command-line mistake; the message is meant to be printed as is, followed by CLI_USAGE. */
export class CliArgsError extends Error {
  override readonly name = "CliArgsError";
}

/**
 * Parses the gateway's flags (pass `process.argv.slice(2)`). Both `--port 4001` and
 * `--port=4001` work. A literal `--` is dropped wherever it appears: pnpm 10 forwards it to the
 * script, so `pnpm start -- --config my.yaml` must mean the same as `pnpm start --config my.yaml`
 * (node's parser would otherwise treat everything after it as positional arguments).
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.filter((arg) => arg !== "--"),
      options: {
        config: { type: "string", short: "c" },
        port: { type: "string", short: "p" },
        host: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new CliArgsError(describeParseError(error));
  }

  const { config, port, host, help } = parsed.values;
  const args: CliArgs = {};
  if (config !== undefined) args.config = nonEmpty("--config", config);
  if (port !== undefined) args.port = parsePort(port, "--port");
  if (host !== undefined) args.host = nonEmpty("--host", host);
  if (help) args.help = true;
  return args;
}

/** A TCP port from a flag or env value; 0 asks the OS for any free port. */
export function parsePort(value: string, label: string): number {
  const trimmed = value.trim();
  const port = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliArgsError(`${label} must be a whole number from 0 to 65535, got '${value}'`);
  }
  return port;
}

function nonEmpty(flag: string, value: string): string {
  if (value.trim() === "") throw new CliArgsError(`${flag} needs a value`);
  return value;
}

function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'([^']+)'/.exec(message)?.[1];
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option '${option ?? message}'`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument '${option ?? message}' (options take the form --name value)`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return message.includes("argument missing") ? `${option ?? "option"} needs a value` : message;
    default:
      return message;
  }
}
