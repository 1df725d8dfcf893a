import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureDashboardBuilt,
  isUnauthorizedLoad,
  launchChromium,
  SCREENSHOT_DIR,
  watchedPage,
} from "../testing/dashboard-browser.ts";
import { seedDashboardData, type SeededDashboardData } from "../testing/seed-dashboard-data.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// The dashboard on dashboard-sized data (issue 21: 100,000 spend-log rows and 1,000 keys, on the
// embedded PGlite as `pnpm start` runs it): every page's first render, measured in Chromium from
// navigation to the page's data on screen. The figures are printed and written to
// .test-output/dashboard/perf.json (the README quotes them); the test asserts that each page
// renders its data, not how fast (timings depend on the machine's load).

/** Each page and what shows that its data has arrived. */
const PAGES = [
  { path: "/", ready: '[data-stat="Spend this month"]' },
  { path: "/keys", ready: "[data-testid=keys-table] tbody tr" },
  { path: "/teams", ready: "[data-testid=teams-table] tbody tr" },
  { path: "/users", ready: "[data-testid=users-table] tbody tr" },
  { path: "/organizations", ready: "[data-testid=organizations-table], [data-testid=empty-state]" },
  { path: "/models", ready: "[data-testid=models-table] tbody tr" },
  { path: "/logs", ready: "[data-testid=logs-table] tbody tr" },
  { path: "/usage", ready: "[data-testid=usage-table] tbody tr" },
] as const;

describe(
  "dashboard first render with 100,000 spend logs and 1,000 keys",
  { timeout: 180_000 },
  () => {
    let gateway: TestGateway;
    let browser: Browser;
    let seeded: SeededDashboardData;

    beforeAll(async () => {
      ensureDashboardBuilt();
      [gateway, browser] = await Promise.all([
        startTestGateway({
          config: {
            model_list: [{ model_name: "mock", litellm_params: { model: "mock/mock-1" } }],
          },
        }),
        launchChromium(),
      ]);
      seeded = await seedDashboardData(gateway.gateway.db.db, { rows: 100_000, keys: 1_000 });
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await gateway?.close();
    });

    it("renders every page's data, as admin and as one seeded key", async () => {
      const figures: Record<string, number> = {};
      const { page, errors, shot } = await watchedPage(browser, "perf", {
        expected: (text, url) => isUnauthorizedLoad(text) && url.endsWith("/v2/session"),
      });
      await page.goto(`${gateway.url}/ui/`);
      await page.locator("input[name=password]").fill(gateway.masterKey);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.locator(PAGES[0].ready).waitFor();

      // A fresh load of each page (no cached data): what an operator opening a link waits for.
      for (const { path, ready } of PAGES) {
        const started = Date.now();
        await page.goto(`${gateway.url}/ui${path}`);
        await page.locator(ready).first().waitFor({ timeout: 30_000 });
        figures[`admin ${path}`] = Date.now() - started;
        await shot(path === "/" ? "overview" : path.slice(1));
      }
      // The logs are paged on the server: one page of 50 rows out of 100,000.
      await page.goto(`${gateway.url}/ui/logs`);
      await page.locator("[data-testid=logs-table] tbody tr").first().waitFor();
      expect(await page.locator("[data-testid=logs-table] tbody tr").count()).toBe(50);
      expect(await page.getByText("100,000 requests").count()).toBe(1);
      // Page 2 and a filter are answered by the server too.
      // Each response is awaited from before its click: a fast answer must not be missed (the
      // wait would then last until the page's next poll, 10 s later).
      let started = Date.now();
      await Promise.all([
        page.waitForResponse((r) => r.url().includes("/spend/logs/ui?page=2")),
        page.getByRole("button", { name: "2", exact: true }).click(),
      ]);
      figures["admin /logs page 2"] = Date.now() - started;
      await page.getByLabel("Model").fill(seeded.models[2]!.modelGroup);
      started = Date.now();
      await Promise.all([
        page.waitForResponse((r) => r.url().includes("model=")),
        page.getByRole("button", { name: "Apply filters" }).click(),
      ]);
      figures["admin /logs filtered by model"] = Date.now() - started;
      await page.context().close();

      // One seeded key's restricted view: its own keys and logs only.
      const member = await watchedPage(browser, "perf-member", {
        expected: (text, url) => isUnauthorizedLoad(text) && url.endsWith("/v2/session"),
      });
      await member.page.goto(`${gateway.url}/ui/`);
      await member.page.getByText("Virtual key", { exact: true }).click();
      await member.page.locator("input[name=api_key]").fill(seeded.keys[0]!.key);
      await member.page.getByRole("button", { name: "Sign in" }).click();
      await member.page.locator(PAGES[0].ready).waitFor();
      for (const { path, ready } of PAGES.filter((p) =>
        ["/", "/logs", "/usage"].includes(p.path),
      )) {
        const begun = Date.now();
        await member.page.goto(`${gateway.url}/ui${path}`);
        await member.page.locator(ready).first().waitFor({ timeout: 30_000 });
        figures[`key ${path}`] = Date.now() - begun;
      }
      await member.shot("usage");
      await member.page.context().close();

      await writeFile(join(SCREENSHOT_DIR, "perf.json"), `${JSON.stringify(figures, null, 2)}\n`);
      console.log("dashboard first render (ms):", figures);
      expect(errors).toEqual([]);
      expect(member.errors).toEqual([]);
    });
  },
);
