import { defineConfig } from "vitest/config";

// Unit tests of the dashboard's data logic (formatting, query strings, aggregations, CSV): pure
// functions, so the node environment is enough. The browser flow is tested from the gateway
// (apps/gateway/src/e2e/dashboard.browser.test.ts) against the built assets.
export default defineConfig({
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
