export * from "./chat-request.ts";
export * from "./chat-response.ts";
export * from "./chat-chunk.ts";
export * from "./embeddings.ts";
export * from "./models.ts";
export * from "./error-envelope.ts";
export * from "./extra-body.ts";
