export * from "./openai/index.ts";
export * from "./errors/gateway-error.ts";
export * from "./errors/redact.ts";
export * from "./provider/adapter.ts";
export * from "./provider/deployment.ts";
export * from "./provider/registry.ts";
export * from "./transport/transport.ts";
export * from "./call/call-result.ts";
