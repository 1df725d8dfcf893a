import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface ResolvedMasterKey {
  key: string;
  /** Told to the operator at startup; never contains a configured key. */
  origin: "config" | "env" | "generated" | "stored";
  /** Where a generated key is kept. */
  file?: string;
}

/**
 * The master key comes from general_settings.master_key, else LITELLM_MASTER_KEY, else a
 * key generated on first start and kept (mode 0600) in the data folder so it survives restarts.
 */
export async function resolveMasterKey(options: {
  fromConfig?: string;
  fromEnv?: string;
  dataDir: string;
}): Promise<ResolvedMasterKey> {
  if (options.fromConfig) return { key: options.fromConfig, origin: "config" };
  if (options.fromEnv) return { key: options.fromEnv, origin: "env" };
  const file = join(options.dataDir, "master-key");
  try {
    const stored = (await readFile(file, "utf8")).trim();
    if (stored) return { key: stored, origin: "stored", file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const key = `sk-${randomBytes(24).toString("base64url")}`;
  await mkdir(options.dataDir, { recursive: true });
  await writeFile(file, key + "\n", { mode: 0o600 });
  return { key, origin: "generated", file };
}
