export { mockProvider } from "./mock-provider.ts";
export {
  createMockTransport,
  MOCK_OPTIONS_HEADER,
  type MockTransportOptions,
} from "./mock-transport.ts";
export { sharedMockTransport } from "./shared-mock-transport.ts";
export { DEFAULT_MOCK_TEXT, resolveMockOptions, type MockOptions } from "./mock-options.ts";
