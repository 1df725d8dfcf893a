/**
 * The real PostgreSQL and Redis that `*.int.test.ts` files run against, read from the
 * environment in this one place: `TEST_DATABASE_URL`, `TEST_REDIS_URL` (an empty value counts as
 * unset). Without a URL its tests skip, except where `required`: CI is set (to anything but the
 * empty string), and there a missing URL must fail, so a misconfigured CI cannot pass by running
 * nothing. What to do about a missing URL (a failing test, a throw) is the caller's choice.
 */
export interface TestServices {
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly required: boolean;
}

export function testServices(env: NodeJS.ProcessEnv = process.env): TestServices {
  return {
    databaseUrl: env.TEST_DATABASE_URL || undefined,
    redisUrl: env.TEST_REDIS_URL || undefined,
    required: !!env.CI,
  };
}
