import type { ResolvedMasterKey } from "../auth/resolve-master-key.ts";

export interface BannerInfo {
  url: string;
  configSource: string;
  data: string;
  masterKey: ResolvedMasterKey;
  models: string[];
  warnings: string[];
}

/**
 * What an operator needs on start: where it listens, which config, where data lives, and how
 * the master key was obtained. A configured key is never printed; a generated one is printed
 * once, on the start that generated it.
 */
export function formatBanner(info: BannerInfo): string {
  const keyLine = {
    config: "from general_settings.master_key in the config",
    env: "from the LITELLM_MASTER_KEY environment variable",
    stored: `generated earlier, stored in ${info.masterKey.file}`,
    generated: `generated now and stored in ${info.masterKey.file} (shown once):\n                 ${info.masterKey.key}`,
  }[info.masterKey.origin];
  const lines = [
    "",
    "  LLM gateway is running",
    `  URL:           ${info.url}`,
    `  Config:        ${info.configSource}`,
    `  Data:          ${info.data}`,
    `  Master key:    ${keyLine}`,
    `  Models:        ${info.models.join(", ") || "(none)"}`,
  ];
  if (info.warnings.length > 0) {
    lines.push("", `  ${info.warnings.length} config warning(s):`);
    for (const warning of info.warnings) lines.push(`   - ${warning}`);
  }
  lines.push(
    "",
    `  Try: curl ${info.url}/v1/chat/completions -H "Authorization: Bearer <master key>" \\`,
    `         -H "Content-Type: application/json" \\`,
    `         -d '{"model":"${info.models[0] ?? "mock"}","messages":[{"role":"user","content":"Hello"}]}'`,
    "",
  );
  return lines.join("\n");
}
