import { stripToolStrict } from "./body-edits.ts";
import { createFamilyProvider, type FamilyProviderOptions } from "./create-family-provider.ts";

/**
 * A vLLM server (`vllm serve`): OpenAI chat and embeddings at the deployment's `api_base`,
 * which is required (no public default; LiteLLM reads HOSTED_VLLM_API_BASE). `strict` is removed
 * from tools as LiteLLM does (vLLM's validation of it varies by release). Reasoning parsers add
 * `reasoning_content` or, in newer releases, `reasoning` (mirrored to `reasoning_content`).
 */
const options = (id: string): FamilyProviderOptions => ({
  id,
  defaultApiBase: "",
  requiresApiBase: true,
  transformBody: (body) => stripToolStrict(body),
});

/** LiteLLM's `hosted_vllm/` prefix. */
export const hostedVllmProvider = createFamilyProvider(options("hosted_vllm"));

/**
 * `vllm/`: in LiteLLM this runs the vllm Python package in-process; a gateway can only reach a
 * server, so it is the same adapter as `hosted_vllm/`.
 */
export const vllmProvider = createFamilyProvider(options("vllm"));
