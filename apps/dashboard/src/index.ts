import { fileURLToPath } from "node:url";

/** Folder of the dashboard's static files, served by the gateway at /ui. */
export const dashboardAssetsDir = fileURLToPath(new URL("../public", import.meta.url));
