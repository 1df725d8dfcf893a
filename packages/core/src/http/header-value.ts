/**
 * A string made safe for an HTTP response header. Values such as the model group name come from
 * configuration and the management API; a CR, LF or any character Node refuses in a header
 * (controls, anything beyond Latin-1) would make the whole response fail after the upstream was
 * already paid. Everything outside visible ASCII and space is percent-encoded as UTF-8 (like
 * encodeURIComponent), so the value is readable and reversible for ordinary names; a value that
 * is already safe is returned unchanged, so encoding twice changes nothing.
 */
export function headerValue(value: string): string {
  if (SAFE.test(value)) return value;
  let out = "";
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code >= 0x20 && code <= 0x7e) {
      out += char;
      continue;
    }
    // A lone surrogate cannot be encoded as UTF-8: U+FFFD stands for it.
    const bytes = Buffer.from(code >= 0xd800 && code <= 0xdfff ? "\ufffd" : char, "utf8");
    for (const byte of bytes) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

const SAFE = /^[\u0020-\u007e]*$/;

/** Every value of a header record through `headerValue`. */
export function headerValues(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = headerValue(value);
  return out;
}
