import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { AuthenticationError } from "../../errors/gateway-error.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { resolveRegion } from "./bedrock-url.ts";

/** The SigV4 signing name of bedrock-runtime (its host prefix is `bedrock-runtime`). */
export const BEDROCK_SIGNING_SERVICE = "bedrock";

export interface UnsignedRequest {
  url: string;
  method: "POST" | "GET";
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Adds Bedrock authentication to a request, returning the headers to send:
 * - a Bedrock API key (`api_key`) goes as `Authorization: Bearer <key>`, which bedrock-runtime
 *   accepts instead of SigV4 (the service declares both `aws.auth#sigv4` and
 *   `smithy.api#httpBearerAuth`); it wins over AWS keys, as in LiteLLM;
 * - otherwise the request is signed with AWS Signature V4 by `@smithy/signature-v4`, using
 *   `aws_access_key_id` / `aws_secret_access_key` / `aws_session_token` and the region.
 *
 * Credential discovery (AWS_* env vars, profiles, IMDS, `aws_role_name` + STS) is I/O and is
 * the application's job: it resolves those into static keys on the deployment.
 *
 * The signed `host` header is not returned: the HTTP client derives the same value from the
 * URL (`new URL(url).host`, default port omitted), and some clients refuse a caller-set Host.
 */
export async function authorizeBedrockRequest(
  request: UnsignedRequest,
  deployment: ProviderDeployment,
  signingDate: Date,
): Promise<Record<string, string>> {
  if (deployment.apiKey !== undefined && deployment.apiKey !== "") {
    return { ...request.headers, authorization: `Bearer ${deployment.apiKey}` };
  }
  const credentials = resolveAwsCredentials(deployment);
  const url = new URL(request.url);
  const signer = new SignatureV4({
    service: BEDROCK_SIGNING_SERVICE,
    region: resolveRegion(deployment),
    credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === "" ? {} : { port: Number(url.port) }),
      // The path exactly as it goes on the wire (model id already %-encoded); the signer
      // encodes each segment once more, as every AWS service but S3 expects.
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers, host: url.host },
      body: request.body,
    },
    { signingDate },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    if (name.toLowerCase() !== "host") headers[name.toLowerCase()] = value;
  }
  return headers;
}

export function resolveAwsCredentials(deployment: ProviderDeployment): AwsCredentials {
  const accessKeyId = stringParam(deployment, "aws_access_key_id");
  const secretAccessKey = stringParam(deployment, "aws_secret_access_key");
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new AuthenticationError(
      `Bedrock deployment ${deployment.model} has no credentials: set aws_access_key_id and ` +
        "aws_secret_access_key (or api_key for a Bedrock API key) in litellm_params",
      { provider: "bedrock", code: "missing_credentials" },
    );
  }
  const sessionToken = stringParam(deployment, "aws_session_token");
  return sessionToken === undefined
    ? { accessKeyId, secretAccessKey }
    : { accessKeyId, secretAccessKey, sessionToken };
}

/** Secrets of a deployment, for `redactSecrets` on upstream messages. */
export function bedrockSecrets(deployment: ProviderDeployment): string[] {
  const secrets = [
    deployment.apiKey,
    stringParam(deployment, "aws_secret_access_key"),
    stringParam(deployment, "aws_session_token"),
  ];
  return secrets.filter((secret): secret is string => secret !== undefined && secret !== "");
}

function stringParam(deployment: ProviderDeployment, name: string): string | undefined {
  const value = deployment.params[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}
