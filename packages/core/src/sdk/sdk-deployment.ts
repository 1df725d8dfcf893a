import { splitProviderModel, type ProviderDeployment } from "../provider/deployment.ts";
import type { SdkCallOptions } from "./sdk-call-options.ts";

/** The deployment an SDK call stands for: "openai/gpt-4o" plus the credentials passed in. */
export function sdkDeployment(model: string, options: SdkCallOptions): ProviderDeployment {
  const { provider, model: name } = splitProviderModel(model);
  const apiBase = options.api_base ?? options.base_url;
  return {
    provider,
    model: name,
    params: {},
    ...(options.api_key === undefined ? {} : { apiKey: options.api_key }),
    ...(apiBase === undefined ? {} : { apiBase }),
    ...(options.api_version === undefined ? {} : { apiVersion: options.api_version }),
    ...(options.extra_headers === undefined ? {} : { extraHeaders: options.extra_headers }),
    ...(options.drop_params === undefined ? {} : { dropParams: options.drop_params }),
  };
}
