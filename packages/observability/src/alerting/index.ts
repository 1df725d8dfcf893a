export * from "./alert.ts";
export * from "./alert-types.ts";
export * from "./alert-payloads.ts";
export * from "./alert-inputs.ts";
export * from "./alerter.ts";
export * from "./alerting-config.ts";
export type { AlertChannel } from "./alert-channel-sink.ts";
export * from "./shared-alert-claim.ts";
