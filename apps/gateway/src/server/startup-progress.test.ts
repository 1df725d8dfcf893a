import { describe, expect, it } from "vitest";
import { connectingRedisMessage, describeUrl, openingDatabaseMessage } from "./startup-progress.ts";

describe("startup progress messages never show a credential", () => {
  it("names host, port and database of a PostgreSQL URL, without user or password", () => {
    expect(
      openingDatabaseMessage({
        url: "postgres://admin:s3cret@db.internal:5433/llm?sslmode=require&password=also",
        schema: "tenant_a",
      }),
    ).toBe("opening the PostgreSQL database at postgres://db.internal:5433/llm (schema tenant_a)");
  });

  it("names the PGlite directory", () => {
    expect(openingDatabaseMessage({ pgliteDir: "/srv/gw/.data/pglite" })).toBe(
      "opening the embedded PGlite database in /srv/gw/.data/pglite",
    );
  });

  it("hides a Redis password given in the URL or in router_settings", () => {
    expect(connectingRedisMessage({ url: "redis://:hunter2@cache:6380/2" })).toBe(
      "connecting to Redis at redis://cache:6380/2",
    );
    expect(connectingRedisMessage({ host: "cache", port: 6379, password: "hunter2" })).toBe(
      "connecting to Redis at cache:6379",
    );
  });

  it("does not echo a URL it cannot parse (it may be a mistyped one with a password)", () => {
    expect(describeUrl("postgres//user:pw@host")).toBe("(an unparseable URL)");
  });
});
