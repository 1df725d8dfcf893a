/**
 * Integration tests need real servers. Locally they skip without the URL; under CI a missing
 * URL is a failure, so a misconfigured CI cannot pass by running nothing.
 */
export function integrationUrl(name: "TEST_DATABASE_URL" | "TEST_REDIS_URL"): string | undefined {
  const value = process.env[name];
  if (!value && process.env.CI) throw new Error(`${name} must be set when CI is set`);
  return value || undefined;
}
