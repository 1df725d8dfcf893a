import { createHash } from "node:crypto";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import type { FakeReply } from "../fake-server/fake-response.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { bedrockError } from "./bedrock-error.ts";

/** AWS's documented example keys: safe to commit, and shaped like real ones. */
export const FAKE_AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
export const FAKE_AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
export const FAKE_AWS_REGION = "us-east-1";

export interface BedrockAuthOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  /** When set, `x-amz-security-token` must carry it (temporary credentials). */
  sessionToken?: string;
  /** The region the credential scope must name. */
  region?: string;
  /** A Bedrock API key accepted as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/**
 * The synchronous half of Bedrock's auth, run before anything else (scripted responses too):
 * a Bearer API key, or a SigV4 `Authorization` header of the right shape
 * (`AWS4-HMAC-SHA256 Credential=<key id>/<yyyymmdd>/<region>/bedrock/aws4_request,
 * SignedHeaders=<sorted list with host and x-amz-date>, Signature=<64 hex>`), an
 * `x-amz-date` matching the scope date, the known key id and, for temporary credentials, the
 * session token. Failures answer 403 with the error AWS sends for each case.
 */
export function checkBedrockAuth(options: BedrockAuthOptions = {}) {
  return (req: RecordedRequest): FakeReply | undefined => {
    const header = req.headers["authorization"];
    if (header === undefined || header.trim() === "") {
      return bedrockError(
        403,
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
      );
    }
    if (/^Bearer\s/i.test(header)) {
      const token = header.replace(/^Bearer\s+/i, "");
      return options.apiKey !== undefined && token === options.apiKey ? undefined : invalidToken();
    }
    const parsed = parseAuthorization(header);
    if (parsed === undefined) {
      return bedrockError(
        403,
        "IncompleteSignatureException",
        `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${header.split(" ")[0] ?? ""}`,
      );
    }
    const amzDate = req.headers["x-amz-date"];
    if (amzDate === undefined || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
      return bedrockError(
        403,
        "IncompleteSignatureException",
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      );
    }
    if (!amzDate.startsWith(parsed.date)) {
      return invalidSignature(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.date}' != '${amzDate.slice(0, 8)}'`,
      );
    }
    if (parsed.service !== "bedrock") {
      return invalidSignature("Credential should be scoped to correct service: 'bedrock'.");
    }
    if (parsed.region !== (options.region ?? FAKE_AWS_REGION)) {
      return invalidSignature("Credential should be scoped to a valid region.");
    }
    const sorted = [...parsed.signedHeaders].sort();
    if (
      sorted.join(";") !== parsed.signedHeaders.join(";") ||
      !parsed.signedHeaders.includes("host") ||
      !parsed.signedHeaders.includes("x-amz-date")
    ) {
      return invalidSignature("SignedHeaders must be sorted and include host and x-amz-date.");
    }
    if (parsed.accessKeyId !== (options.accessKeyId ?? FAKE_AWS_ACCESS_KEY_ID))
      return invalidToken();
    if (options.sessionToken !== undefined) {
      if (
        req.headers["x-amz-security-token"] !== options.sessionToken ||
        !parsed.signedHeaders.includes("x-amz-security-token")
      ) {
        return invalidToken();
      }
    }
    return undefined;
  };
}

/**
 * The cryptographic half: recomputes the signature with the secret key using
 * `@smithy/signature-v4` (over the signed headers, the raw path as sent, the body) and compares.
 * Asynchronous, so the fake runs it inside its responders. Also checks `x-amz-content-sha256`
 * against the body, since the signer trusts that header instead of hashing the body.
 */
export async function verifyBedrockSignature(
  req: RecordedRequest,
  options: BedrockAuthOptions = {},
): Promise<FakeReply | undefined> {
  const header = req.headers["authorization"] ?? "";
  if (/^Bearer\s/i.test(header)) return undefined;
  const parsed = parseAuthorization(header);
  const amzDate = req.headers["x-amz-date"];
  if (parsed === undefined || amzDate === undefined) return undefined; // checkBedrockAuth answered
  const contentHash = req.headers["x-amz-content-sha256"];
  if (
    contentHash !== undefined &&
    contentHash !== createHash("sha256").update(req.body, "utf8").digest("hex")
  ) {
    return invalidSignature(
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = req.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const host = req.headers["host"] ?? "";
  const [hostname = "", port] = host.split(":");
  const query = new URLSearchParams(
    req.path.includes("?") ? req.path.slice(req.path.indexOf("?") + 1) : "",
  );
  const credentials = {
    accessKeyId: parsed.accessKeyId,
    secretAccessKey: options.secretAccessKey ?? FAKE_AWS_SECRET_ACCESS_KEY,
    ...(options.sessionToken === undefined ? {} : { sessionToken: options.sessionToken }),
  };
  const signer = new SignatureV4({
    service: "bedrock",
    region: parsed.region,
    credentials,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: "http:",
      hostname,
      ...(port === undefined ? {} : { port: Number(port) }),
      path: req.pathname,
      query: Object.fromEntries(query),
      headers,
      body: req.body === "" ? undefined : req.body,
    },
    { signingDate: parseAmzDate(amzDate) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(signed.headers["authorization"] ?? "")?.[1];
  if (expected !== parsed.signature) {
    return invalidSignature(
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  return undefined;
}

function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const match = AUTH_PATTERN.exec(header.trim());
  if (!match) return undefined;
  const [
    ,
    accessKeyId = "",
    date = "",
    region = "",
    service = "",
    signedHeaders = "",
    signature = "",
  ] = match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

function parseAmzDate(value: string): Date {
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(9, 11)}:${value.slice(11, 13)}:${value.slice(13, 15)}Z`;
  return new Date(iso);
}

function invalidToken(): FakeReply {
  return bedrockError(
    403,
    "UnrecognizedClientException",
    "The security token included in the request is invalid.",
  );
}

function invalidSignature(message: string): FakeReply {
  return bedrockError(403, "InvalidSignatureException", message);
}
