import { spawn, type ChildProcess } from "node:child_process";
import { tmpdir } from "node:os";

/**
 * A `redis-server` child of the test, on a port of its own, with no persistence: the test can
 * kill it (an outage), start it again on the same port (empty, as a crashed Redis without
 * persistence comes back), or freeze it with SIGSTOP (a stalled server whose socket stays open).
 */
export class RedisServerProcess {
  readonly port: number;
  readonly #extraArgs: readonly string[];
  #child: ChildProcess | undefined;

  private constructor(port: number, extraArgs: readonly string[]) {
    this.port = port;
    this.#extraArgs = extraArgs;
  }

  /**
   * `extraArgs` are more config lines as command-line options, e.g. ACL users:
   * `["--user", "default", "off", "--user", "app", "on", ">secret", "~*", "&*", "+@all"]`.
   */
  static async start(port: number, extraArgs: readonly string[] = []): Promise<RedisServerProcess> {
    const server = new RedisServerProcess(port, extraArgs);
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) on its port; resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.#child !== undefined) throw new Error("redis-server is already running");
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", ""];
    args.push("--appendonly", "no", "--dir", tmpdir(), "--loglevel", "notice", ...this.#extraArgs);
    const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    this.#child = child;
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error("redis-server did not start in 10 s")), 10_000);
      const fail = (error: Error) => {
        clearTimeout(timer);
        this.#child = undefined;
        child.kill("SIGKILL");
        reject(new Error(`${error.message}\n${output}`));
      };
      child.once("error", fail);
      child.once("exit", (code) => fail(new Error(`redis-server exited (${code})`)));
      child.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Ready to accept connections")) {
          clearTimeout(timer);
          child.removeAllListeners("exit");
          resolve();
        }
      });
      child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    });
  }

  /** SIGKILL: no goodbye to clients, nothing saved. Resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGCONT");
    child.kill("SIGKILL");
    await exited;
  }

  /** Freezes the server: connections stay open, nothing is answered. */
  pause(): void {
    this.#child?.kill("SIGSTOP");
  }

  resume(): void {
    this.#child?.kill("SIGCONT");
  }
}
