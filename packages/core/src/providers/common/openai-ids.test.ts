import { describe, expect, it } from "vitest";
import {
  chatCompletionIdFromCmpl,
  completionId,
  mintToolCallId,
  nowSeconds,
  responseIdentity,
} from "./openai-ids.ts";

describe("openai ids", () => {
  it("prefixes the upstream id, or the call id when there is none, exactly once", () => {
    expect(completionId("msg_01", "call-1")).toBe("chatcmpl-msg_01");
    expect(completionId(undefined, "call-1")).toBe("chatcmpl-call-1");
    expect(completionId(null, "chatcmpl-x")).toBe("chatcmpl-x");
    expect(completionId("", "x")).toBe("chatcmpl-x");
    expect(completionId("chatcmpl-abc", "x")).toBe("chatcmpl-abc");
  });

  it("turns legacy cmpl- ids into chatcmpl- ids", () => {
    expect(chatCompletionIdFromCmpl("cmpl-e5cc")).toBe("chatcmpl-e5cc");
    expect(chatCompletionIdFromCmpl("abc123")).toBe("chatcmpl-abc123");
    expect(chatCompletionIdFromCmpl("chatcmpl-1")).toBe("chatcmpl-1");
    expect(chatCompletionIdFromCmpl("")).toBe("");
  });

  it("mints distinct call_ ids of OpenAI's shape", () => {
    const a = mintToolCallId();
    expect(a).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(mintToolCallId()).not.toBe(a);
  });

  it("gives seconds and a full identity", () => {
    expect(nowSeconds(1_700_000_000_999)).toBe(1_700_000_000);
    expect(responseIdentity("r1", "c", "gemini-2.5", 5_000)).toEqual({
      id: "chatcmpl-r1",
      created: 5,
      model: "gemini-2.5",
    });
  });
});
