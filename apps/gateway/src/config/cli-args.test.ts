import { describe, expect, it } from "vitest";
import { CliArgsError, parseCliArgs } from "./cli-args.ts";
import { resolveServerOptions } from "./server-options.ts";

describe("parseCliArgs", () => {
  it("reads --config, --port and --host", () => {
    expect(parseCliArgs(["--config", "my.yaml", "--port", "4001", "--host", "127.0.0.1"])).toEqual({
      config: "my.yaml",
      port: 4001,
      host: "127.0.0.1",
    });
  });

  it("accepts --name=value as well as --name value", () => {
    expect(parseCliArgs(["--config=my.yaml", "--port=4001"])).toEqual({
      config: "my.yaml",
      port: 4001,
    });
  });

  it("ignores the literal -- that pnpm 10 forwards (pnpm start -- --config my.yaml)", () => {
    const withSeparator = parseCliArgs(["--", "--config", "my.yaml", "--port", "4001"]);
    expect(withSeparator).toEqual(parseCliArgs(["--config", "my.yaml", "--port", "4001"]));
    expect(withSeparator).toEqual({ config: "my.yaml", port: 4001 });
    expect(parseCliArgs(["--config", "a.yaml", "--", "--port=1"])).toEqual({
      config: "a.yaml",
      port: 1,
    });
  });

  it("returns nothing for no arguments, and help for -h / --help", () => {
    expect(parseCliArgs([])).toEqual({});
    expect(parseCliArgs(["--"])).toEqual({});
    expect(parseCliArgs(["-h"])).toEqual({ help: true });
    expect(parseCliArgs(["--help"])).toEqual({ help: true });
  });

  it.each(["abc", "70000", "-1", "4000.5", ""])(
    "rejects --port %j with a clear message",
    (port) => {
      expect(() => parseCliArgs([`--port=${port}`])).toThrow(CliArgsError);
      expect(() => parseCliArgs([`--port=${port}`])).toThrow(
        /--port must be a whole number from 0 to 65535/,
      );
    },
  );

  it("rejects unknown flags by name", () => {
    expect(() => parseCliArgs(["--detailed_debug"])).toThrow(
      new CliArgsError("unknown option '--detailed_debug'"),
    );
  });

  it("rejects a flag without its value and stray arguments", () => {
    expect(() => parseCliArgs(["--config"])).toThrow(/--config/);
    expect(() => parseCliArgs(["my.yaml"])).toThrow(/unexpected argument 'my.yaml'/);
  });
});

describe("resolveServerOptions", () => {
  it("defaults to LiteLLM's 0.0.0.0:4000 and no config file", () => {
    expect(resolveServerOptions({}, {})).toEqual({ port: 4000, host: "0.0.0.0" });
  });

  it("takes CONFIG_FILE_PATH, PORT and HOST from the environment", () => {
    expect(
      resolveServerOptions({}, { CONFIG_FILE_PATH: "/etc/c.yaml", PORT: "8080", HOST: "::" }),
    ).toEqual({
      configPath: "/etc/c.yaml",
      port: 8080,
      host: "::",
    });
  });

  it("lets flags win over the environment", () => {
    expect(
      resolveServerOptions(
        { config: "flag.yaml", port: 4001, host: "127.0.0.1" },
        { CONFIG_FILE_PATH: "env.yaml", PORT: "8080", HOST: "::" },
      ),
    ).toEqual({ configPath: "flag.yaml", port: 4001, host: "127.0.0.1" });
  });

  it("rejects a bad PORT variable by name", () => {
    expect(() => resolveServerOptions({}, { PORT: "http" })).toThrow(/PORT must be a whole number/);
  });
});
