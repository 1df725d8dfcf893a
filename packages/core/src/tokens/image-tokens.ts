import type { ImageSize } from "./image-dimensions.ts";

/**
 * How a model family counts an image's prompt tokens.
 * - `tiles` (OpenAI GPT-4o, GPT-4.1, GPT-5, o1, o3): detail "low" costs `base`; otherwise the image
 *   is scaled to fit 2048x2048, then its short side to 768, and costs `base + perTile` for each
 *   512px tile.
 * - `patches` (OpenAI GPT-4.1 mini/nano, GPT-5 mini/nano, o4-mini): one token per 32px patch, at
 *   most `maxPatches` (larger images are scaled down), times the model's `multiplier`; detail
 *   does not change it.
 * - `anthropic`: width x height / 750, at most ~1,600 (larger images are scaled down).
 * - `gemini`: 258 for an image within 384x384, else 258 per 768x768 tile.
 */
export type ImageTokenRule =
  | { kind: "tiles"; base: number; perTile: number }
  | { kind: "patches"; multiplier: number; maxPatches: number }
  | { kind: "anthropic" }
  | { kind: "gemini" };

export type ImageDetail = "low" | "high" | "auto";

/** OpenAI GPT-4o's rule: also our default for providers that document none. */
export const DEFAULT_IMAGE_RULE: ImageTokenRule = { kind: "tiles", base: 85, perTile: 170 };

const ANTHROPIC_MAX_IMAGE_TOKENS = 1600;
const GEMINI_TILE_TOKENS = 258;
/**
 * Gemini 3 bills an image at its default (high) media resolution as 1,120 tokens; for a size we
 * cannot read we use that, which also covers a Gemini 2.x image of up to four tiles.
 */
const GEMINI_UNKNOWN_SIZE_TOKENS = 1120;

/** Tiles of a size after OpenAI's two scaling steps. */
function openaiTiles({ width, height }: ImageSize): number {
  let w = width;
  let h = height;
  const fit = Math.min(1, 2048 / Math.max(w, h));
  w *= fit;
  h *= fit;
  const shortSide = Math.min(w, h);
  if (shortSide > 768) {
    w = (w * 768) / shortSide;
    h = (h * 768) / shortSide;
  }
  return Math.ceil(w / 512) * Math.ceil(h / 512);
}

/** 32px patches, scaled down (to whole patches) when the image needs more than the cap. */
function openaiPatches({ width, height }: ImageSize, maxPatches: number): number {
  const raw = Math.ceil(width / 32) * Math.ceil(height / 32);
  if (raw <= maxPatches) return raw;
  const shrink = Math.sqrt((32 * 32 * maxPatches) / (width * height));
  const wPatches = (width * shrink) / 32;
  const hPatches = (height * shrink) / 32;
  const whole = Math.min(Math.floor(wPatches) / wPatches, Math.floor(hPatches) / hPatches);
  // The epsilon keeps float noise (33.000000000000004) from adding a row of patches.
  const patches = Math.ceil(wPatches * whole - 1e-9) * Math.ceil(hPatches * whole - 1e-9);
  return Math.min(patches, maxPatches);
}

/**
 * Prompt tokens for one image. When the size is unknown (an http URL, an unreadable header) we
 * take the rule's largest count, since these counts bound a context check and a budget
 * reservation: `tiles` as 8 tiles (2048x768 after scaling), `patches` as the cap, Anthropic's
 * ~1,600, Gemini's 1,120. "auto" detail is counted as "high".
 */
export function imageTokens(
  rule: ImageTokenRule,
  size: ImageSize | undefined,
  detail: ImageDetail | undefined,
): number {
  switch (rule.kind) {
    case "tiles": {
      if (detail === "low") return rule.base;
      const tiles = size === undefined ? 8 : openaiTiles(size);
      return rule.base + rule.perTile * tiles;
    }
    case "patches": {
      const patches = size === undefined ? rule.maxPatches : openaiPatches(size, rule.maxPatches);
      return Math.ceil(patches * rule.multiplier);
    }
    case "anthropic":
      return size === undefined
        ? ANTHROPIC_MAX_IMAGE_TOKENS
        : Math.min(ANTHROPIC_MAX_IMAGE_TOKENS, Math.ceil((size.width * size.height) / 750));
    case "gemini":
      if (size === undefined) return GEMINI_UNKNOWN_SIZE_TOKENS;
      if (size.width <= 384 && size.height <= 384) return GEMINI_TILE_TOKENS;
      return GEMINI_TILE_TOKENS * Math.ceil(size.width / 768) * Math.ceil(size.height / 768);
  }
}
