import { fileURLToPath } from "node:url";

/**
 * Folder of the dashboard's built static files (Vite's output), served by the gateway at /ui.
 * `pnpm install` builds it (the root postinstall) and `pnpm start` rebuilds it when it is missing
 * or older than the sources (scripts/build.mjs).
 */
export const dashboardAssetsDir = fileURLToPath(new URL("../dist", import.meta.url));
