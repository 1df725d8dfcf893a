import { fileURLToPath } from "node:url";

/** The repository's root folder (<repo>/apps/gateway/src/testing -> <repo>/). */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
