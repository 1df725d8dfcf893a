import type { ChatCompletion, ChatCompletionChunk, FinishReason, ToolCall, Usage } from "@org/core";

type Logprobs = NonNullable<ChatCompletion["choices"][number]["logprobs"]>;

interface ChoiceState {
  content: string | null;
  reasoning: string | null;
  refusal: string | null;
  finishReason: FinishReason | null;
  toolCalls: Array<{ id: string; name: string; arguments: string }> | undefined;
  /** The deltas' logprobs, joined: the cache stores this answer for `logprobs: true` requests. */
  logprobs: { content: unknown[] | null; refusal: unknown[] | null } | undefined;
  /**
   * LiteLLM's `thinking_blocks` (Anthropic's signed thinking): the signature arrives only here,
   * and a client must echo it back in a tool loop, so a cached answer needs it.
   */
  thinkingBlocks: unknown[] | undefined;
  /** Citations (`annotations`, OpenAI's search models): part of the answer a hit must keep. */
  annotations: unknown[] | undefined;
}

/**
 * Builds the ChatCompletion a stream amounts to, for post-call hooks (cache writes, logs).
 * Only used when a post-call hook is installed: it keeps every delta's text.
 */
export class StreamAssembler {
  #id = "";
  #created = 0;
  #model = "";
  #fingerprint: string | null | undefined;
  #usage: Usage | undefined;
  readonly #choices: ChoiceState[] = [];

  add(chunk: ChatCompletionChunk): void {
    if (this.#id === "") {
      this.#id = chunk.id;
      this.#created = chunk.created;
      this.#model = chunk.model;
    }
    if (chunk.system_fingerprint !== undefined) this.#fingerprint = chunk.system_fingerprint;
    if (chunk.usage !== undefined && chunk.usage !== null) this.#usage = chunk.usage;
    for (const choice of chunk.choices) {
      let state = this.#choices[choice.index];
      if (state === undefined) {
        state = {
          content: null,
          reasoning: null,
          refusal: null,
          finishReason: null,
          toolCalls: undefined,
          logprobs: undefined,
          thinkingBlocks: undefined,
          annotations: undefined,
        };
        this.#choices[choice.index] = state;
      }
      const delta = choice.delta;
      if (typeof delta.content === "string") state.content = (state.content ?? "") + delta.content;
      if (typeof delta.reasoning_content === "string") {
        state.reasoning = (state.reasoning ?? "") + delta.reasoning_content;
      }
      if (typeof delta.refusal === "string") state.refusal = (state.refusal ?? "") + delta.refusal;
      if (delta.tool_calls !== undefined) {
        state.toolCalls ??= [];
        for (const call of delta.tool_calls) {
          let slot = state.toolCalls[call.index];
          if (slot === undefined) {
            slot = { id: "", name: "", arguments: "" };
            state.toolCalls[call.index] = slot;
          }
          if (call.id !== undefined) slot.id = call.id;
          if (call.function?.name !== undefined) slot.name += call.function.name;
          if (call.function?.arguments !== undefined) slot.arguments += call.function.arguments;
        }
      }
      const blocks = (delta as { thinking_blocks?: unknown }).thinking_blocks;
      if (Array.isArray(blocks))
        for (const block of blocks) (state.thinkingBlocks ??= []).push(block);
      const annotations = (delta as { annotations?: unknown }).annotations;
      if (Array.isArray(annotations))
        for (const annotation of annotations) (state.annotations ??= []).push(annotation);
      if (choice.logprobs !== undefined && choice.logprobs !== null) {
        state.logprobs ??= { content: null, refusal: null };
        // Appended in place: a long stream has a logprobs entry per token.
        if (Array.isArray(choice.logprobs.content))
          for (const item of choice.logprobs.content) (state.logprobs.content ??= []).push(item);
        if (Array.isArray(choice.logprobs.refusal))
          for (const item of choice.logprobs.refusal) (state.logprobs.refusal ??= []).push(item);
      }
      if (choice.finish_reason !== null) state.finishReason = choice.finish_reason;
    }
  }

  get usage(): Usage | undefined {
    return this.#usage;
  }

  completion(): ChatCompletion {
    const choices: ChatCompletion["choices"] = [];
    this.#choices.forEach((state, index) => {
      const toolCalls: ToolCall[] | undefined = state.toolCalls
        ?.filter((c) => c !== undefined)
        .map((c) => ({
          id: c.id,
          type: "function" as const,
          function: { name: c.name, arguments: c.arguments },
        }));
      choices.push({
        index,
        message: {
          role: "assistant",
          content: state.content,
          ...(state.refusal === null ? {} : { refusal: state.refusal }),
          ...(state.reasoning === null ? {} : { reasoning_content: state.reasoning }),
          ...(toolCalls === undefined || toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
          ...(state.thinkingBlocks === undefined ? {} : { thinking_blocks: state.thinkingBlocks }),
          ...(state.annotations === undefined ? {} : { annotations: state.annotations }),
        },
        finish_reason: state.finishReason,
        ...(state.logprobs === undefined ? {} : { logprobs: state.logprobs as Logprobs }),
      });
    });
    return {
      id: this.#id,
      object: "chat.completion",
      created: this.#created,
      model: this.#model,
      choices,
      ...(this.#usage === undefined ? {} : { usage: this.#usage }),
      ...(this.#fingerprint === undefined ? {} : { system_fingerprint: this.#fingerprint }),
    };
  }
}
