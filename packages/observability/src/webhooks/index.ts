export * from "./generic-api-sink.ts";
export * from "./standard-logging-payload.ts";
export { postJson, WebhookDeliveryError, type PostOutcome } from "./post-json.ts";
