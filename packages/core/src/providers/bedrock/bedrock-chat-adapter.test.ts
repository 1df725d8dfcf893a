import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AuthenticationError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { RequestContext } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { createBedrockProvider } from "./bedrock-provider.ts";

// AWS's documented example credentials.
const ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const NOW = Date.parse("2025-01-01T12:00:00Z");

const provider = createBedrockProvider({ now: () => NOW });
const chat = provider.chat!;

function deployment(overrides: Partial<ProviderDeployment> = {}): ProviderDeployment {
  return {
    provider: "bedrock",
    model: "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
    params: {
      aws_access_key_id: ACCESS_KEY_ID,
      aws_secret_access_key: SECRET,
      aws_region_name: "us-east-1",
    },
    ...overrides,
  };
}

function ctx(
  dep: ProviderDeployment,
  request: Partial<ChatCompletionRequest> = {},
): RequestContext {
  return {
    deployment: dep,
    callId: "call-1",
    request: { model: "bedrock/claude", messages: [{ role: "user", content: "Hi" }], ...request },
  };
}

/**
 * SigV4 computed by hand from the spec (not with @smithy/signature-v4), so the test checks the
 * signer is used the way AWS expects, in particular that the already %-encoded model id is
 * encoded a second time in the canonical URI.
 */
function expectedSignature(options: {
  canonicalUri: string;
  headers: Record<string, string>;
  body: string;
  region: string;
}): { signature: string; signedHeaders: string } {
  const names = Object.keys(options.headers).sort();
  const canonicalHeaders = names.map((name) => `${name}:${options.headers[name]}\n`).join("");
  const signedHeaders = names.join(";");
  const payloadHash = createHash("sha256").update(options.body).digest("hex");
  const canonicalRequest = [
    "POST",
    options.canonicalUri,
    "",
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `20250101/${options.region}/bedrock/aws4_request`;
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    "20250101T120000Z",
    scope,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  const hmac = (key: string | Buffer, data: string) =>
    createHmac("sha256", key).update(data).digest();
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${SECRET}`, "20250101"), options.region), "bedrock"),
    "aws4_request",
  );
  return {
    signature: createHmac("sha256", signingKey).update(stringToSign).digest("hex"),
    signedHeaders,
  };
}

describe("bedrock chat buildRequest", () => {
  it("posts to /model/{url-encoded id}/converse on the regional endpoint", async () => {
    const request = await chat.buildRequest(ctx(deployment()));
    expect(request.method).toBe("POST");
    expect(request.url).toBe(
      "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse",
    );
    expect(JSON.parse(request.body as string)).toEqual({
      messages: [{ role: "user", content: [{ text: "Hi" }] }],
    });
  });

  it("uses /converse-stream for streamed requests", async () => {
    const request = await chat.buildRequest(ctx(deployment(), { stream: true }));
    expect(request.url).toMatch(/\/converse-stream$/);
    expect(chat.streamFraming).toBe("aws-eventstream");
  });

  it("encodes an ARN model id as one path segment, and strips LiteLLM's converse/ route prefix", async () => {
    const arn =
      "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-3-haiku-20240307-v1:0";
    const { params } = deployment();
    const { aws_region_name: _region, ...noRegion } = params;
    const request = await chat.buildRequest(
      ctx(deployment({ model: `converse/${arn}`, params: noRegion })),
    );
    // No aws_region_name: the ARN's region is used.
    expect(request.url).toBe(
      "https://bedrock-runtime.eu-west-1.amazonaws.com/model/arn%3Aaws%3Abedrock%3Aeu-west-1%3A123456789012%3Ainference-profile%2Feu.anthropic.claude-3-haiku-20240307-v1%3A0/converse",
    );
    expect(request.headers["authorization"]).toContain("/20250101/eu-west-1/bedrock/aws4_request");
  });

  it("honours api_base, then aws_bedrock_runtime_endpoint", async () => {
    const viaBase = await chat.buildRequest(ctx(deployment({ apiBase: "http://127.0.0.1:4010/" })));
    expect(viaBase.url).toBe(
      "http://127.0.0.1:4010/model/us.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse",
    );
    const viaEndpoint = await chat.buildRequest(
      ctx(
        deployment({
          params: {
            ...deployment().params,
            aws_bedrock_runtime_endpoint:
              "https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com",
          },
        }),
      ),
    );
    expect(viaEndpoint.url).toMatch(
      /^https:\/\/vpce-1\.bedrock-runtime\.us-east-1\.vpce\.amazonaws\.com\/model\//,
    );
  });

  it("signs with SigV4: scope, sorted signed headers, and the spec's double-encoded canonical path", async () => {
    const request = await chat.buildRequest(ctx(deployment()));
    const headers = request.headers;
    expect(headers["x-amz-date"]).toBe("20250101T120000Z");
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["host"]).toBeUndefined();
    const body = request.body as string;
    expect(headers["x-amz-content-sha256"]).toBe(createHash("sha256").update(body).digest("hex"));

    const { signature, signedHeaders } = expectedSignature({
      canonicalUri: "/model/us.anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse",
      headers: {
        "content-type": "application/json",
        host: "bedrock-runtime.us-east-1.amazonaws.com",
        "x-amz-content-sha256": headers["x-amz-content-sha256"] ?? "",
        "x-amz-date": "20250101T120000Z",
      },
      body,
      region: "us-east-1",
    });
    expect(signedHeaders).toBe("content-type;host;x-amz-content-sha256;x-amz-date");
    expect(headers["authorization"]).toBe(
      `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    );
  });

  it("sends and signs x-amz-security-token for temporary credentials, and signs extra headers", async () => {
    const request = await chat.buildRequest(
      ctx(
        deployment({
          params: { ...deployment().params, aws_session_token: "FQoGZXIvYXdzEXAMPLETOKEN" },
          extraHeaders: { "X-Custom-Trace": "abc" },
        }),
      ),
    );
    expect(request.headers["x-amz-security-token"]).toBe("FQoGZXIvYXdzEXAMPLETOKEN");
    expect(request.headers["x-custom-trace"]).toBe("abc");
    expect(request.headers["authorization"]).toContain(
      "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-custom-trace,",
    );
  });

  it("signs the host with its port when the endpoint has one", async () => {
    const request = await chat.buildRequest(ctx(deployment({ apiBase: "http://127.0.0.1:4010" })));
    const body = request.body as string;
    const { signature } = expectedSignature({
      canonicalUri: "/model/us.anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse",
      headers: {
        "content-type": "application/json",
        host: "127.0.0.1:4010",
        "x-amz-content-sha256": createHash("sha256").update(body).digest("hex"),
        "x-amz-date": "20250101T120000Z",
      },
      body,
      region: "us-east-1",
    });
    expect(request.headers["authorization"]).toContain(`Signature=${signature}`);
  });

  it("sends a Bedrock API key as a Bearer token instead of signing", async () => {
    const request = await chat.buildRequest(
      ctx(deployment({ apiKey: "ABSKQmVkcm9ja0FQSUtleS1example" })),
    );
    expect(request.headers["authorization"]).toBe("Bearer ABSKQmVkcm9ja0FQSUtleS1example");
    expect(request.headers["x-amz-date"]).toBeUndefined();
  });

  it("fails with an AuthenticationError when no credentials are configured", async () => {
    await expect(
      chat.buildRequest(ctx(deployment({ params: { aws_region_name: "us-east-1" } }))),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });
});
