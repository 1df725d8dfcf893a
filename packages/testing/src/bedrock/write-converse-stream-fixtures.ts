/**
 * Regenerates the binary ConverseStream fixtures of the core Bedrock adapter tests from this
 * fake's encoder: `pnpm exec tsx src/bedrock/write-converse-stream-fixtures.ts` in
 * packages/testing. Each `.bin` is a whole response body (concatenated event-stream frames).
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  converseStreamFrames,
  type FakeConverseAnswer,
  type FakeStreamOptions,
} from "./converse-answer.ts";

const target = fileURLToPath(
  new URL("../../../core/src/providers/bedrock/__fixtures__/", import.meta.url),
);

const fixtures: Record<string, [FakeConverseAnswer, FakeStreamOptions]> = {
  "stream-text.bin": [
    {
      content: [{ text: "Hello, wörld 👋 — 日本語 from Bedrock!" }],
      usage: {
        inputTokens: 12,
        outputTokens: 9,
        cacheReadInputTokens: 100,
        cacheWriteInputTokens: 20,
      },
    },
    { chunkSize: 5 },
  ],
  "stream-tool-use.bin": [
    {
      content: [
        { text: "Checking both." },
        {
          toolUse: {
            toolUseId: "tooluse_oslo01",
            name: "get_weather",
            input: { city: "Oslo", unit: "celsius" },
          },
        },
        { toolUse: { toolUseId: "tooluse_time02", name: "get_time", input: {} } },
      ],
      usage: { inputTokens: 410, outputTokens: 38 },
    },
    { chunkSize: 6 },
  ],
  "stream-throttling.bin": [
    { content: [{ text: "Partial answer before the throttle" }] },
    {
      chunkSize: 8,
      exception: {
        afterEvents: 3,
        type: "throttlingException",
        message: "Too many tokens, please wait before trying again.",
      },
    },
  ],
  "stream-reasoning.bin": [
    {
      content: [
        {
          reasoning: {
            text: "The user greets; answer briefly.",
            signature: "EqoBCkgIARABGAIiQL2U",
          },
        },
        { text: "Hi there!" },
      ],
      usage: { inputTokens: 20, outputTokens: 30 },
    },
    { chunkSize: 10 },
  ],
  "stream-metadata-first.bin": [
    {
      content: [{ text: "Usage came early." }],
      stopReason: "max_tokens",
      usage: { inputTokens: 7, outputTokens: 3 },
    },
    { metadataFirst: true },
  ],
  "stream-json-mode.bin": [
    {
      content: [
        {
          toolUse: {
            toolUseId: "tooluse_json01",
            name: "weather_report",
            input: { city: "Bergen", temperature: 4 },
          },
        },
      ],
      usage: { inputTokens: 50, outputTokens: 15 },
    },
    { chunkSize: 7 },
  ],
  "stream-truncated.bin": [
    { content: [{ text: "This stream is cut" }] },
    { truncateAfterEvents: 3 },
  ],
};

for (const [name, [answer, options]] of Object.entries(fixtures)) {
  const frames = converseStreamFrames(answer, options);
  writeFileSync(target + name, Buffer.concat(frames));
  console.log(`${name}: ${frames.length} frames`);
}
