export interface DataUrl {
  /** Lower-case, without parameters ("image/png"). */
  mimeType: string;
  base64: string;
}

/**
 * Splits `data:<mime>[;params][;base64],<data>`. Non-base64 data is percent-decoded and
 * re-encoded, because Bedrock only takes base64 `bytes`. Undefined for anything else.
 */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^,]*),(.*)$/s.exec(url.trim());
  if (!match) return undefined;
  const meta = (match[1] ?? "").split(";").map((part) => part.trim());
  const data = match[2] ?? "";
  const isBase64 = meta.slice(1).some((part) => part.toLowerCase() === "base64");
  const mimeType = (meta[0] ?? "").toLowerCase() || "text/plain";
  if (isBase64) return { mimeType, base64: data.replace(/\s+/g, "") };
  let text: string;
  try {
    text = decodeURIComponent(data);
  } catch {
    return undefined;
  }
  return { mimeType, base64: Buffer.from(text, "utf8").toString("base64") };
}
