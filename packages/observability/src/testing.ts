/**
 * Test helpers for code that uses @org/observability (not part of the published package):
 * receivers on 127.0.0.1 that record what the gateway's sinks send (an OTLP collector, a fake
 * Langfuse, a generic_api or alert webhook).
 */
export {
  startCaptureServer,
  deadPort,
  type CaptureServer,
  type CapturedRequest,
} from "./__fixtures__/capture-http-server.ts";
export {
  startFakeWebhookReceiver,
  deadReceiverUrl,
  type FakeWebhookReceiver,
  type ReceivedRequest,
} from "./webhooks/fake-webhook-receiver.ts";
