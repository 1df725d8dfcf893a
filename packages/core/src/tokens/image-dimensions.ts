export interface ImageSize {
  width: number;
  height: number;
}

const DATA_URL = /^data:image\/[\w.+-]+;base64,/i;
/** Base64 characters decoded to look for a JPEG's frame header (EXIF blocks come first). */
const JPEG_SCAN_CHARS = 262_144;

/**
 * The pixel size of an image sent inline (`data:image/...;base64,`), read from the file header
 * without decoding the image: PNG, GIF, WebP and JPEG. Undefined for URLs (we do not fetch) and
 * for formats or headers we cannot read.
 */
export function imageSizeOf(url: string): ImageSize | undefined {
  const prefix = DATA_URL.exec(url);
  if (prefix === null) return undefined;
  const start = prefix[0].length;
  const head = Buffer.from(url.slice(start, start + 64), "base64");
  if (head.length < 12) return undefined;
  if (head[0] === 0xff && head[1] === 0xd8) {
    return jpegSize(Buffer.from(url.slice(start, start + JPEG_SCAN_CHARS), "base64"));
  }
  return pngSize(head) ?? gifSize(head) ?? webpSize(head);
}

function sized(width: number, height: number): ImageSize | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function pngSize(b: Buffer): ImageSize | undefined {
  if (
    b.length < 24 ||
    b.readUInt32BE(0) !== 0x89504e47 ||
    b.toString("latin1", 12, 16) !== "IHDR"
  ) {
    return undefined;
  }
  return sized(b.readUInt32BE(16), b.readUInt32BE(20));
}

function gifSize(b: Buffer): ImageSize | undefined {
  if (b.toString("latin1", 0, 4) !== "GIF8") return undefined;
  return sized(b.readUInt16LE(6), b.readUInt16LE(8));
}

function webpSize(b: Buffer): ImageSize | undefined {
  if (
    b.length < 30 ||
    b.toString("latin1", 0, 4) !== "RIFF" ||
    b.toString("latin1", 8, 12) !== "WEBP"
  ) {
    return undefined;
  }
  const chunk = b.toString("latin1", 12, 16);
  if (chunk === "VP8X") return sized(b.readUIntLE(24, 3) + 1, b.readUIntLE(27, 3) + 1);
  if (chunk === "VP8 ") return sized(b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff);
  if (chunk === "VP8L") {
    const bits = b.readUInt32LE(21);
    return sized((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
  }
  return undefined;
}

/** Walks the JPEG segments to the first start-of-frame marker, which holds the size. */
function jpegSize(b: Buffer): ImageSize | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    const isFrame =
      marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return sized(b.readUInt16BE(i + 7), b.readUInt16BE(i + 5));
    i += 2 + b.readUInt16BE(i + 2);
  }
  return undefined;
}
