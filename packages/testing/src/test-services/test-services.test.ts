import { expect, it } from "vitest";
import { testServices } from "./test-services.ts";

it("reads the URLs, an empty one as unset", () => {
  expect(testServices({ TEST_DATABASE_URL: "postgres://db", TEST_REDIS_URL: "redis://r" })).toEqual(
    { databaseUrl: "postgres://db", redisUrl: "redis://r", required: false },
  );
  expect(testServices({ TEST_DATABASE_URL: "", TEST_REDIS_URL: "" })).toEqual({
    databaseUrl: undefined,
    redisUrl: undefined,
    required: false,
  });
});

it("requires the services whenever CI is set, whatever its value, not when it is empty", () => {
  expect(testServices({ CI: "true" }).required).toBe(true);
  expect(testServices({ CI: "1" }).required).toBe(true);
  expect(testServices({ CI: "" }).required).toBe(false);
  expect(testServices({}).required).toBe(false);
});
