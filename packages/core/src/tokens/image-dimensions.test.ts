import { describe, expect, it } from "vitest";
import { imageSizeOf } from "./image-dimensions.ts";

function dataUrl(mime: string, bytes: Buffer): string {
  return `data:${mime};base64,${bytes.toString("base64")}`;
}

function png(width: number, height: number): Buffer {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write("IHDR", 12, "latin1");
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b;
}

function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([
    0xff,
    0xe0,
    0x00,
    0x10,
    ...Buffer.from("JFIF\0"),
    1,
    1,
    0,
    0,
    1,
    0,
    1,
    0,
    0,
  ]);
  const exif = Buffer.concat([Buffer.from([0xff, 0xe1, 0x01, 0x02]), Buffer.alloc(0x100)]);
  const sof = Buffer.alloc(19);
  sof.writeUInt16BE(0xffc2, 0); // progressive
  sof.writeUInt16BE(17, 2);
  sof[4] = 8;
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, exif, sof, Buffer.alloc(16)]);
}

describe("imageSizeOf", () => {
  it("reads PNG, GIF, WebP and JPEG headers from data URLs", () => {
    expect(imageSizeOf(dataUrl("image/png", png(1024, 768)))).toEqual({ width: 1024, height: 768 });

    const gif = Buffer.alloc(16);
    gif.write("GIF89a", 0, "latin1");
    gif.writeUInt16LE(320, 6);
    gif.writeUInt16LE(200, 8);
    expect(imageSizeOf(dataUrl("image/gif", gif))).toEqual({ width: 320, height: 200 });

    const webp = Buffer.alloc(32);
    webp.write("RIFF", 0, "latin1");
    webp.write("WEBP", 8, "latin1");
    webp.write("VP8X", 12, "latin1");
    webp.writeUIntLE(1920 - 1, 24, 3);
    webp.writeUIntLE(1080 - 1, 27, 3);
    expect(imageSizeOf(dataUrl("image/webp", webp))).toEqual({ width: 1920, height: 1080 });

    expect(imageSizeOf(dataUrl("image/jpeg", jpeg(1800, 2400)))).toEqual({
      width: 1800,
      height: 2400,
    });
  });

  it("gives up on URLs and unreadable data", () => {
    expect(imageSizeOf("https://example.com/cat.png")).toBeUndefined();
    expect(
      imageSizeOf(dataUrl("image/png", Buffer.from("not an image at all, really"))),
    ).toBeUndefined();
    expect(imageSizeOf("data:image/png;base64,")).toBeUndefined();
  });
});
