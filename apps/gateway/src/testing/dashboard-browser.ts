import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { REPO_ROOT } from "./repo-root.ts";

/** Where the dashboard browser tests put their screenshots (git-ignored). */
export const SCREENSHOT_DIR = join(REPO_ROOT, "apps", "gateway", ".test-output", "dashboard");

/**
 * Builds apps/dashboard/dist when it is missing or older than its sources (`pnpm install` has
 * normally done it already; then this is a few stat calls).
 */
export function ensureDashboardBuilt(): void {
  const script = join(REPO_ROOT, "apps", "dashboard", "scripts", "build.mjs");
  const result = spawnSync(process.execPath, [script], { stdio: "inherit" });
  if (result.status !== 0) throw new Error(`building the dashboard failed (exit ${result.status})`);
}

/** Debian's Chromium, headless, driven by playwright-core (no browser download). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions seen so far (expected ones filtered out). */
  errors: string[];
  /** Saves a full-page screenshot as `<prefix>-<n>-<name>.png` in SCREENSHOT_DIR. */
  shot(name: string): Promise<void>;
}

/**
 * A fresh browser context (own cookies) and page that records console errors and page errors.
 * `expected` filters out errors a step causes on purpose (e.g. the 401 of /v2/session before
 * signing in, which Chromium logs as a failed resource load).
 */
export async function watchedPage(
  browser: Browser,
  prefix: string,
  options: {
    viewport?: { width: number; height: number };
    expected?: (text: string, url: string) => boolean;
  } = {},
): Promise<WatchedPage> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const url = message.location().url;
    if (options.expected?.(message.text(), url)) return;
    errors.push(`${message.text()} (${url})`);
  });
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  let n = 0;
  return {
    page,
    context,
    errors,
    async shot(name) {
      n += 1;
      await page.screenshot({
        path: join(SCREENSHOT_DIR, `${prefix}-${String(n).padStart(2, "0")}-${name}.png`),
        fullPage: true,
      });
    },
  };
}

/** Chromium's log line for a fetch answered 401 (a session check before signing in). */
export const isUnauthorizedLoad = (text: string): boolean =>
  /Failed to load resource: the server responded with a status of 401/.test(text);
