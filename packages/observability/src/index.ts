export * from "./logger/logger.ts";
export * from "./logger/create-logger.ts";
export * from "./logger/redact-fields.ts";
