// The APIs the gateway speaks to its clients, one folder each, all served by the internal chat
// request and answer (see inbound-format.ts and README.md).
export type {
  InboundFormat,
  InboundRequest,
  InboundStreamEncoder,
  ToChatContext,
} from "./inbound-format.ts";
export * from "./chat-completions/index.ts";
export * from "./responses/index.ts";
export * from "./completions/index.ts";
export * from "./messages/index.ts";
