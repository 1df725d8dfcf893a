import type { ResolvedMasterKey } from "../auth/resolve-master-key.ts";

export interface BannerInfo {
  url: string;
  configSource: string;
  data: string;
  masterKey: ResolvedMasterKey;
  models: string[];
  warnings: string[];
  /** The router's effective upstream timeouts (router_settings / litellm_settings). */
  upstreamTimeout: UpstreamTimeoutInfo;
}

export interface UpstreamTimeoutInfo {
  /** Whole call (non-streamed) or until the response headers (streamed), in seconds. */
  seconds: number;
  /** Streams: longest wait for a chunk, in seconds; unset = no own limit. */
  streamSeconds?: number;
  /** True when nothing in the config set it (LiteLLM's default of 6000 s applies). */
  isDefault: boolean;
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
    `  Upstream timeout: ${timeoutLine(info.upstreamTimeout)}`,
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

/**
 * LiteLLM's default request timeout is 6000 s (100 minutes): kept for compatibility, but a
 * surprise for anyone expecting seconds, so the banner says which value is in force and where
 * to change it.
 */
function timeoutLine(timeout: UpstreamTimeoutInfo): string {
  const origin = timeout.isDefault
    ? "LiteLLM's default; set router_settings.timeout or litellm_settings.request_timeout"
    : "from the config";
  const stream =
    timeout.streamSeconds === undefined
      ? ""
      : `, streams ${formatSeconds(timeout.streamSeconds)} between chunks`;
  return `${formatSeconds(timeout.seconds)} per call (${origin})${stream}; a deployment's litellm_params.timeout overrides it`;
}

function formatSeconds(seconds: number): string {
  const text = `${Number(seconds.toFixed(3))} s`;
  return seconds >= 120 ? `${text} (${Number((seconds / 60).toFixed(1))} min)` : text;
}
